import Link from 'next/link';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { DashboardTable } from './dashboard-tables';

/** A dashboard table with every figure linked to the records behind it. */
export function DataTable({ table, empty = 'Nothing to show.' }: { table: DashboardTable; empty?: string }) {
  if (table.rows.length === 0) return <p className="px-1 py-3 text-sm text-fg-muted">{empty}</p>;
  return (
    <Table caption={table.title} dense data-table={table.key}>
      <TableHead>
        <TableRow>
          {table.columns.map((c, i) => (
            <TableHeaderCell key={c.key} align={c.numeric ? 'right' : 'left'} scope="col" className={i === 0 ? 'min-w-32' : undefined}>
              {c.label}
            </TableHeaderCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {table.rows.map((row, r) => (
          <TableRow key={r}>
            {row.map((cell, i) => {
              const text = cell.display ?? (cell.value === null ? '–' : String(cell.value));
              const numeric = table.columns[i]?.numeric;
              return (
                <TableCell key={i} align={numeric ? 'right' : 'left'} numeric={numeric}>
                  {cell.href ? (
                    <Link href={cell.href} className="text-accent underline-offset-2 hover:underline">
                      {text}
                    </Link>
                  ) : (
                    text
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
