import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { WorkOrderListItem } from '@/lib/data/work-orders';
import { WORK_ORDER_STATE } from '@/lib/domain/mef-labels';
import { formatInstantIn } from '@/lib/domain/time-windows';

export function WorkOrderStateBadge({ state }: { state: WorkOrderListItem['state'] }) {
  const label = WORK_ORDER_STATE[state] ?? { label: state, tone: 'neutral' as const };
  return (
    <Badge tone={label.tone} dot>
      {label.label}
    </Badge>
  );
}

export function TicketLink({ seller, ticketId, externalId }: { seller: string; ticketId: string | null; externalId: string | null }) {
  if (!ticketId) return <span className="text-fg-subtle">—</span>;
  return (
    <Link href={`/tickets/${seller}/${ticketId}`} className="text-accent hover:underline">
      {externalId || ticketId}
    </Link>
  );
}

/** `queue`: the "Appointments needed" list, with the waiting time and a booking link. */
export function WorkOrderTable({ items, caption, queue = false, canBook }: { items: WorkOrderListItem[]; caption: string; queue?: boolean; canBook: boolean }) {
  return (
    // On phones each row becomes a card: the same cells, stacked, with the headings said inline.
    <Table caption={caption} dense className="max-md:block">
      <TableHead className="max-md:sr-only">
        <tr>
          <TableHeaderCell>Work order</TableHeaderCell>
          <TableHeaderCell>Seller</TableHeaderCell>
          <TableHeaderCell>State</TableHeaderCell>
          <TableHeaderCell>Site</TableHeaderCell>
          <TableHeaderCell>Ticket</TableHeaderCell>
          <TableHeaderCell>Tasks</TableHeaderCell>
          <TableHeaderCell>{queue ? 'Waiting since' : 'Planned for'}</TableHeaderCell>
          {queue ? <TableHeaderCell>Action</TableHeaderCell> : null}
        </tr>
      </TableHead>
      <TableBody className="max-md:block">
        {items.map((wo) => (
          <TableRow
            key={`${wo.sellerSlug}/${wo.id}`}
            data-testid="work-order-row"
            data-work-order={wo.id}
            className="max-md:flex max-md:flex-wrap max-md:items-center max-md:gap-x-3 max-md:gap-y-1.5 max-md:px-4 max-md:py-3 max-md:[&>td]:p-0"
          >
            <TableCell className="max-md:basis-full">
              <Link href={`/work-orders/${wo.sellerSlug}/${wo.id}`} className="font-mono text-xs text-accent hover:underline max-md:inline-block max-md:py-2 max-md:text-sm">
                {wo.id.slice(0, 8)}
              </Link>
              {wo.appointmentRequired ? (
                <Badge tone="warning" className="ml-2">
                  Appointment needed
                </Badge>
              ) : null}
            </TableCell>
            <TableCell>{wo.sellerName}</TableCell>
            <TableCell>
              <WorkOrderStateBadge state={wo.state} />
            </TableCell>
            <TableCell className="max-md:basis-full">
              <span className="flex flex-col">
                <span>{wo.siteName}</span>
                <span className="text-xs text-fg-muted">{wo.timeZone}</span>
              </span>
            </TableCell>
            <TableCell>
              <span className="text-fg-muted md:hidden">Ticket </span>
              <TicketLink seller={wo.sellerSlug} ticketId={wo.ticketId} externalId={wo.ticketExternalId} />
            </TableCell>
            <TableCell className="max-w-72 truncate max-md:max-w-none max-md:basis-full max-md:whitespace-normal" title={wo.tasks.join('; ')}>
              {wo.tasks.join('; ')}
            </TableCell>
            <TableCell className="whitespace-nowrap max-md:basis-full">
              <span className="text-fg-muted md:hidden">{queue ? 'Waiting since ' : 'Planned for '}</span>
              {queue
                ? wo.appointmentRequiredSince
                  ? formatInstantIn(wo.appointmentRequiredSince, wo.timeZone)
                  : '—'
                : wo.plannedExecutionDate
                  ? formatInstantIn(wo.plannedExecutionDate, wo.timeZone)
                  : '—'}
            </TableCell>
            {queue ? (
              <TableCell className="max-md:basis-full">
                {canBook ? (
                  <Link
                    href={`/work-orders/${wo.sellerSlug}/${wo.id}/schedule`}
                    className="font-medium text-accent hover:underline max-md:flex max-md:h-11 max-md:items-center max-md:justify-center max-md:rounded-md max-md:border max-md:border-border-strong max-md:no-underline"
                  >
                    Find a slot
                  </Link>
                ) : (
                  <span className="text-xs text-fg-muted">View only</span>
                )}
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
