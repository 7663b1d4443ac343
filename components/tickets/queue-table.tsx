import Link from 'next/link';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { TicketQueueRow } from '@/lib/data/tickets';
import { formatDuration } from '@/lib/domain/sla-clock';
import { ticketVerdictAt } from '@/lib/domain/sla-targets';
import { SlaVerdictBadge } from './sla-verdict-badge';
import { PairBadge, StateBadge, SyncMarker, WaitingOn } from './ticket-badges';
import { formatDateTime } from './format';
import { RowCheckbox, SelectPageCheckbox } from './queue-selection';

const OPEN_FOR_OVERDUE = new Set(['acknowledged', 'inProgress', 'pending', 'reopened', 'assessingCancellation']);

export function ticketHref(row: Pick<TicketQueueRow, 'sellerSlug' | 'sellerTicketId' | 'externalId'>): string {
  return `/tickets/${encodeURIComponent(row.sellerSlug)}/${encodeURIComponent(row.sellerTicketId ?? row.externalId)}`;
}

export function QueueTable({ rows, now }: { rows: TicketQueueRow[]; now: number }) {
  return (
    <Table caption="Trouble tickets across all Sellers" dense>
      <TableHead>
        <tr>
          <TableHeaderCell className="w-8">
            <SelectPageCheckbox />
          </TableHeaderCell>
          <TableHeaderCell>Seller</TableHeaderCell>
          <TableHeaderCell>Seller Ticket Identifier</TableHeaderCell>
          <TableHeaderCell>Our ticket</TableHeaderCell>
          <TableHeaderCell>Product</TableHeaderCell>
          <TableHeaderCell>Severity</TableHeaderCell>
          <TableHeaderCell>Priority</TableHeaderCell>
          <TableHeaderCell>Ticket State</TableHeaderCell>
          <TableHeaderCell align="right">Age</TableHeaderCell>
          <TableHeaderCell>Expected Resolved Date</TableHeaderCell>
          <TableHeaderCell>Waiting on</TableHeaderCell>
          <TableHeaderCell>SLA</TableHeaderCell>
          <TableHeaderCell align="right">Time to breach</TableHeaderCell>
          <TableHeaderCell>Last update</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {rows.map((row) => {
          const href = ticketHref(row);
          const created = Date.parse(row.creationDate ?? row.createdAt);
          const verdict = ticketVerdictAt(row, now);
          const breachIn = row.slaVerdict === 'open' && row.slaBreachAt ? Date.parse(row.slaBreachAt) - now : null;
          const overdue =
            !!row.expectedResolutionDate && Date.parse(row.expectedResolutionDate) < now && OPEN_FOR_OVERDUE.has(row.status ?? '');
          return (
            <TableRow key={row.id} data-href={href} data-ticket-id={row.id} tabIndex={-1} className="cursor-pointer focus:outline-2 focus:outline-ring" data-testid="ticket-row">
              <TableCell className="w-8">
                <RowCheckbox id={row.id} externalId={row.externalId} />
              </TableCell>
              <TableCell className="whitespace-nowrap">{row.sellerName}</TableCell>
              <TableCell numeric>{row.sellerTicketId ?? <span className="text-fg-subtle">—</span>}</TableCell>
              <TableCell numeric>
                <Link href={href} className="font-medium text-accent hover:underline">
                  {row.externalId}
                </Link>
                <div className="max-w-72 truncate font-sans text-xs text-fg-muted" title={row.description}>
                  {row.description}
                </div>
              </TableCell>
              <TableCell numeric className="text-xs">{row.productId}</TableCell>
              <TableCell>
                <PairBadge kind="severity" ours={row.severity} sellers={row.sellerSeverity} />
              </TableCell>
              <TableCell>
                <PairBadge kind="priority" ours={row.priority} sellers={row.sellerPriority} />
              </TableCell>
              <TableCell>
                <span className="flex flex-wrap items-center gap-1">
                  <StateBadge status={row.status} />
                  <SyncMarker syncState={row.syncState} syncError={row.syncError} />
                </span>
              </TableCell>
              <TableCell align="right" numeric className="whitespace-nowrap text-xs">
                {Number.isNaN(created) ? '' : formatDuration(now - created)}
              </TableCell>
              <TableCell numeric className={overdue ? 'text-xs font-semibold whitespace-nowrap text-danger-fg' : 'text-xs whitespace-nowrap'}>
                {formatDateTime(row.expectedResolutionDate)}
                {overdue ? <span className="ml-1 rounded bg-danger-bg px-1 font-sans">overdue</span> : null}
              </TableCell>
              <TableCell>
                <WaitingOn status={row.status} />
              </TableCell>
              <TableCell className="whitespace-nowrap">
                <SlaVerdictBadge verdict={verdict} />
              </TableCell>
              <TableCell align="right" numeric className="text-xs whitespace-nowrap" data-testid="time-to-breach">
                {breachIn === null ? (row.slaVerdict === 'open' ? 'paused' : '') : breachIn > 0 ? formatDuration(breachIn) : 'breached'}
              </TableCell>
              <TableCell numeric className="text-xs whitespace-nowrap">
                {formatDateTime(row.updatedAt)}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
