import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { auditActionLabel, type AuditRow } from '@/lib/domain/audit-trail';

function details(detail: AuditRow['detail']): string {
  if (!detail || Object.keys(detail).length === 0) return '';
  const text = JSON.stringify(detail);
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

export function AuditTable({ rows }: { rows: readonly AuditRow[] }) {
  return (
    <Table caption="Audit trail, newest first" dense>
      <TableHead>
        <TableRow>
          <TableHeaderCell>When (UTC)</TableHeaderCell>
          <TableHeaderCell>Who</TableHeaderCell>
          <TableHeaderCell>What</TableHeaderCell>
          <TableHeaderCell>Target</TableHeaderCell>
          <TableHeaderCell>Details</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.id} data-testid="audit-row">
            <TableCell numeric className="whitespace-nowrap">
              {row.at.replace('T', ' ').slice(0, 19)}
            </TableCell>
            <TableCell>
              <span className="block">{row.userName ?? row.actor}</span>
              {row.userName ? <span className="block text-xs text-fg-muted">{row.actor}</span> : null}
            </TableCell>
            <TableCell>
              <span className="block">{auditActionLabel(row.action)}</span>
              <span className="block font-mono text-xs text-fg-muted">{row.action}</span>
            </TableCell>
            <TableCell>
              <span className="text-xs text-fg-muted">{row.entityType} </span>
              <span className="font-mono text-[13px]">{row.entityId}</span>
            </TableCell>
            <TableCell className="max-w-md break-all font-mono text-xs text-fg-muted">{details(row.detail)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
