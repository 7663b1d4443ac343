import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { AffectedProduct, IncidentListRow } from '@/lib/data/incidents';
import { ImpactBadge, IncidentStatusBadge, PriorityBadge, SeverityBadge, incidentTypeLabel } from './incident-badges';
import { formatUtc, shortId } from './incident-format';

/** The products an incident names: ours highlighted with their label, others by the Seller's id. */
export function AffectedProducts({ products }: { products: AffectedProduct[] }) {
  if (products.length === 0) return <span className="text-fg-subtle">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {products.map((p) =>
        p.ours ? (
          <Badge key={p.id} tone="accent" title={`Our product ${p.id} at ${p.ours.siteName}`} className="max-w-64">
            <span data-testid="our-product" data-product={p.id} className="truncate">
              {p.ours.label}
            </span>
          </Badge>
        ) : (
          <span key={p.id} data-product={p.id} title="Not one of our products" className="font-mono text-xs text-fg-muted">
            {p.id}
          </span>
        ),
      )}
    </span>
  );
}

export function IncidentTable({ rows }: { rows: IncidentListRow[] }) {
  return (
    <Table caption="Incidents reported by the Sellers, open ones first" dense>
      <TableHead>
        <tr>
          <TableHeaderCell>Incident</TableHeaderCell>
          <TableHeaderCell>Seller</TableHeaderCell>
          <TableHeaderCell>State</TableHeaderCell>
          <TableHeaderCell>Severity</TableHeaderCell>
          <TableHeaderCell>Priority</TableHeaderCell>
          <TableHeaderCell>Impact</TableHeaderCell>
          <TableHeaderCell>Type</TableHeaderCell>
          <TableHeaderCell>Affected products</TableHeaderCell>
          <TableHeaderCell align="right">Our open tickets</TableHeaderCell>
          <TableHeaderCell>Situation start</TableHeaderCell>
          <TableHeaderCell>Expected / closed</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.localId} data-testid="incident-row" data-incident={r.id} data-seller={r.sellerSlug} data-status={r.status}>
            <TableCell className="max-w-96">
              <Link href={r.path} className="block truncate font-medium text-accent hover:underline" title={r.description}>
                {r.description || r.id}
              </Link>
              <span className="font-mono text-xs text-fg-muted" title={r.id}>
                {shortId(r.id)}
              </span>
            </TableCell>
            <TableCell className="whitespace-nowrap">{r.sellerName}</TableCell>
            <TableCell>
              <IncidentStatusBadge status={r.status} />
            </TableCell>
            <TableCell>
              <SeverityBadge value={r.severity} />
            </TableCell>
            <TableCell>
              <PriorityBadge value={r.priority} />
            </TableCell>
            <TableCell>
              <ImpactBadge value={r.impact} />
            </TableCell>
            <TableCell className="whitespace-nowrap">{incidentTypeLabel(r.incidentType)}</TableCell>
            <TableCell>
              <AffectedProducts products={r.products} />
            </TableCell>
            <TableCell align="right" numeric data-testid="linked-ticket-count">
              {r.linkedOpenTickets ? <Badge tone="info">{r.linkedOpenTickets}</Badge> : <span className="text-fg-subtle">0</span>}
            </TableCell>
            <TableCell className="whitespace-nowrap text-xs">{formatUtc(r.situationStartDate)}</TableCell>
            <TableCell className="whitespace-nowrap text-xs">
              {r.closedDate ? `Closed ${formatUtc(r.closedDate)}` : r.expectedClosedDate ? `Expected ${formatUtc(r.expectedClosedDate)}` : '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
