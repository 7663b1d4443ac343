import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { SellerView } from '@/lib/data/sellers';

const SCOPE_SHORT = { operation: 'per operation', fixed: 'fixed', none: 'none' } as const;

export function SellersTable({ sellers }: { sellers: readonly SellerView[] }) {
  return (
    <Table caption="Sellers">
      <TableHead>
        <TableRow>
          <TableHeaderCell>Seller</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Trouble Ticket base URL</TableHeaderCell>
          <TableHeaderCell>Client</TableHeaderCell>
          <TableHeaderCell>Scope</TableHeaderCell>
          <TableHeaderCell align="right">Products</TableHeaderCell>
          <TableHeaderCell>Source</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {sellers.map((s) => (
          <TableRow key={s.id}>
            <TableCell>
              <Link href={`/settings/sellers/${s.slug}`} className="font-medium text-fg hover:underline">
                {s.name}
              </Link>
              <div className="font-mono text-xs text-fg-muted">{s.slug}</div>
            </TableCell>
            <TableCell>
              <Badge tone={s.enabled ? 'success' : 'neutral'} dot>
                {s.enabled ? 'Enabled' : 'Disabled'}
              </Badge>
            </TableCell>
            <TableCell className="max-w-md truncate font-mono text-xs" title={s.troubleTicketBaseUrl}>
              {s.troubleTicketBaseUrl}
            </TableCell>
            <TableCell className="font-mono text-xs">
              {s.clientId}
              <div className="text-fg-muted">{s.clientSecretMasked}</div>
            </TableCell>
            <TableCell className="text-xs">
              {SCOPE_SHORT[s.scopeMode]}
              {s.scopeMode === 'fixed' && s.fixedScope ? <div className="font-mono text-fg-muted">{s.fixedScope}</div> : null}
            </TableCell>
            <TableCell align="right" numeric>
              <Link href={`/settings/products?seller=${s.slug}`} className="hover:underline">
                {s.productCount}
              </Link>
            </TableCell>
            <TableCell>
              {s.origin === 'file' ? (
                <Badge tone="info" title="Loaded from the sellers file; it is applied again at every start">
                  Sellers file
                </Badge>
              ) : (
                <Badge>Settings</Badge>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
