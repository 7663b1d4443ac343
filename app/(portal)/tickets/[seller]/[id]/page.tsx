import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { LinkedIncidents } from '@/components/incidents/linked-incidents';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { formatDateTime } from '@/components/tickets/format';
import { PatchTicketForm } from '@/components/tickets/patch-ticket-form';
import { ticketKey } from '@/components/tickets/query-keys';
import { SlaClockView } from '@/components/tickets/sla-clock-view';
import { SlaTargetsView } from '@/components/tickets/sla-targets-view';
import { SideBySide, StateBadge, SyncMarker, WaitingOn } from '@/components/tickets/ticket-badges';
import { TicketActionsPanel } from '@/components/tickets/ticket-actions-panel';
import { TicketPresence } from '@/components/tickets/ticket-presence';
import { TicketTimeline } from '@/components/tickets/ticket-timeline';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can, whyNot } from '@/lib/auth/permissions';
import { listContacts } from '@/lib/data/contacts';
import { listNoteSnippets } from '@/lib/data/ticket-templates';
import { ticketSlaView } from '@/lib/data/sla';
import { ticketRevision } from '@/lib/data/ticket-revision';
import { getTicketDetail, ticketPath } from '@/lib/data/tickets';
import { env } from '@/lib/env';
import { OBSERVED_IMPACT, TICKET_TYPE, contactRoleLabel, labelOf } from '@/lib/domain/mef-labels';
import { slaClock } from '@/lib/domain/sla-clock';
import { allAvailability, type QueuedOperation } from '@/lib/domain/ticket-actions';
import type { TroubleTicketDoc } from '@/lib/domain/ticket-patch';
import { ticketTimeline } from '@/lib/domain/ticket-timeline';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

type Params = Promise<{ seller: string; id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Ticket ${decodeURIComponent(id)}` };
}

function Attr({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="text-sm text-fg">{children || <span className="text-fg-subtle">—</span>}</dd>
    </div>
  );
}

export default async function TicketPage({ params }: { params: Params }) {
  const { seller: rawSeller, id: rawId } = await params;
  const seller = decodeURIComponent(rawSeller);
  const id = decodeURIComponent(rawId);
  const user = await requirePageUser('tickets.view', { path: `/tickets/${rawSeller}/${rawId}` });
  const feedSeq = await pageFeedPosition();
  const detail = await getTicketDetail(seller, id);
  if (!detail) notFound();
  const { ticket } = detail;
  const canonical = ticketPath({ sellerSlug: detail.seller.slug, sellerTicketId: ticket.sellerTicketId, externalId: ticket.externalId });
  if (ticket.sellerTicketId && id !== ticket.sellerTicketId) redirect(canonical);

  const doc = ticket.document as unknown as Partial<TroubleTicketDoc>;
  const queuedOps = detail.outbox.filter((o) => o.state === 'pending').map((o) => o.operation as QueuedOperation);
  const availability = allAvailability(ticket.status, queuedOps);
  const canWrite = can(user.role, 'tickets.write');
  const contacts = await listContacts();
  const buyerTech = (doc.relatedContactInformation ?? []).filter((c) => c.role === 'buyerTechnicalContact');
  const clock = slaClock({ creationDate: ticket.creationDate, status: ticket.status, statusChange: doc.statusChange });
  const timeline = ticketTimeline(doc);
  const slaTargets = await ticketSlaView(ticket.id);
  const revision = await ticketRevision(ticket.id);
  const routeId = ticket.sellerTicketId ?? ticket.externalId;
  const expectedOverdue =
    !!ticket.expectedResolutionDate && Date.parse(ticket.expectedResolutionDate) < Date.now() && !['resolved', 'closed', 'cancelled'].includes(ticket.status ?? '');

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        eyebrow={
          <Link href="/tickets" className="hover:underline">
            Tickets
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono" data-testid="external-id">
              {ticket.externalId}
            </span>
            <StateBadge status={ticket.status} />
            <SyncMarker syncState={ticket.syncState} syncError={ticket.syncError} />
          </span>
        }
        description={
          <span className="whitespace-pre-wrap" data-testid="ticket-description">
            {ticket.description}
          </span>
        }
      />
      <TicketPresence ticketId={ticket.id} />
      <div className="grid gap-5 xl:grid-cols-[minmax(0,1fr)_380px]">
        <div className="flex flex-col gap-5">
          <Card title="Ticket">
            <dl className="grid gap-3 sm:grid-cols-3">
              <Attr label="Seller">{detail.seller.name}</Attr>
              <Attr label="Seller Ticket Identifier">
                <span className="font-mono">{ticket.sellerTicketId ?? 'not yet assigned'}</span>
              </Attr>
              <Attr label="Buyer Ticket Identifier">
                <span className="font-mono">{ticket.externalId}</span>
              </Attr>
              <Attr label="Product Identifier">
                <span className="font-mono">{ticket.productId}</span>
              </Attr>
              <Attr label="Severity (ours / Seller's)">
                <SideBySide kind="severity" ours={ticket.severity} sellers={ticket.sellerSeverity} />
              </Attr>
              <Attr label="Priority (ours / Seller's)">
                <SideBySide kind="priority" ours={ticket.priority} sellers={ticket.sellerPriority} />
              </Attr>
              <Attr label="Type">{labelOf(TICKET_TYPE, ticket.ticketType)}</Attr>
              <Attr label="Observed Impact">{labelOf(OBSERVED_IMPACT, ticket.observedImpact)}</Attr>
              <Attr label="Waiting on">
                <WaitingOn status={ticket.status} />
              </Attr>
              <Attr label="Ticket Creation Date">{formatDateTime(ticket.creationDate)}</Attr>
              <Attr label="Issue Start Date">{formatDateTime(ticket.issueStartDate)}</Attr>
              <Attr label="Expected Resolved Date">
                <span className={expectedOverdue ? 'font-semibold text-danger-fg' : undefined}>
                  {formatDateTime(ticket.expectedResolutionDate)}
                  {expectedOverdue ? ' (overdue)' : ''}
                </span>
              </Attr>
              <Attr label="Resolved Date">{formatDateTime(ticket.resolutionDate)}</Attr>
              <Attr label="Last read from the Seller">{formatDateTime(ticket.fetchedAt)}</Attr>
            </dl>
          </Card>
          <Card title="Actions" description="Each is allowed only in the states MEF 113 allows; a disabled one says why.">
            <TicketActionsPanel
              ticketId={ticket.id}
              seller={detail.seller.slug}
              routeId={routeId}
              hasSellerId={!!ticket.sellerTicketId}
              availability={availability}
              canWrite={canWrite}
              whyNotWrite={whyNot(user.role, 'tickets.write')}
              whyNotRefresh={whyNot(user.role, 'sellers.refresh')}
              queued={detail.outbox.map((o) => ({ id: o.id, operation: o.operation, state: o.state, attempts: o.attempts, nextAttemptAt: o.nextAttemptAt, lastError: o.lastError }))}
            />
          </Card>
          {canWrite ? (
            <Card title="Update the ticket" description="MEF 113 Patch Ticket: notes and attachments are added; Seller items stay untouched.">
              <PatchTicketForm
                ticketId={ticket.id}
                seller={detail.seller.slug}
                routeId={routeId}
                current={{
                  severity: ticket.severity,
                  priority: ticket.priority,
                  issueStartDate: ticket.issueStartDate ?? '',
                  buyerRelated: (doc.relatedIssue ?? [])
                    .filter((r) => r.source === 'buyer')
                    .map((r) => ({ referredType: r['@referredType'] === 'Incident' ? 'Incident' : 'TroubleTicket', id: r.id, relationshipType: r.relationshipType, description: r.description })),
                  technicalContactIds: contacts.filter((c) => buyerTech.some((b) => b.emailAddress === c.emailAddress && b.name === c.name)).map((c) => c.id),
                }}
                contacts={contacts.map((c) => ({ id: c.id, name: c.name, emailAddress: c.emailAddress, number: c.number, organization: c.organization }))}
                availability={availability.patch}
                maxBytes={env().ATTACHMENT_MAX_BYTES}
                snippets={(await listNoteSnippets()).map((s) => ({ id: s.id, name: s.name, text: s.text }))}
                revision={revision!}
                revisionSeq={feedSeq}
              />
            </Card>
          ) : null}
          <Card title="Timeline" description="Notes (yours and the Seller's), attachments, state changes and related objects.">
            <TicketTimeline
              entries={timeline}
              attachmentHref={(index) => `/api/tickets/${encodeURIComponent(detail.seller.slug)}/${encodeURIComponent(routeId)}/attachments/${index}`}
            />
          </Card>
        </div>
        <div className="flex flex-col gap-5">
          <Card title="Service level" description="Targets of the Seller's agreement, measured on its calendar; pauses as the agreement says.">
            <SlaTargetsView targets={slaTargets} />
          </Card>
          <Card title="SLA clock" description="Elapsed time split by who had to act (from the status history).">
            <SlaClockView clock={clock} />
          </Card>
          <Card title="Contacts">
            <ul className="flex flex-col gap-2 text-sm">
              {(doc.relatedContactInformation ?? []).map((c, i) => (
                <li key={`${c.role}-${i}`}>
                  <Badge tone={c.role.startsWith('seller') ? 'info' : 'accent'}>{contactRoleLabel(c.role)}</Badge>
                  <span className="ml-2 font-medium">{c.name}</span>
                  <span className="block text-xs text-fg-muted">
                    {c.emailAddress} · {c.number}
                    {c.numberExtension ? ` ext. ${c.numberExtension}` : ''}
                    {c.organization ? ` · ${c.organization}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
          <Card title="Work orders">
            {(doc.workOrder ?? []).length === 0 ? (
              <p className="text-sm text-fg-muted">None.</p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm">
                {(doc.workOrder ?? []).map((wo) => (
                  <li key={wo.id}>
                    <Link className="font-mono text-accent underline" href={`/work-orders/${encodeURIComponent(detail.seller.slug)}/${encodeURIComponent(wo.id)}`}>
                      {wo.id}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <LinkedIncidents ticket={ticket} />
          <Card title="Related objects">
            {(doc.relatedIssue ?? []).length === 0 ? (
              <p className="text-sm text-fg-muted">None.</p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm">
                {(doc.relatedIssue ?? []).map((r, i) => (
                  <li key={`${r.id}-${i}`}>
                    <Badge tone={r.source === 'buyer' ? 'accent' : 'info'}>{r.source === 'buyer' ? 'Ours' : 'Seller (read-only)'}</Badge>{' '}
                    {r['@referredType'] === 'Incident' ? (
                      <Link className="font-mono text-accent underline" href={`/incidents/${encodeURIComponent(detail.seller.slug)}/${encodeURIComponent(r.id)}`}>
                        {r.id}
                      </Link>
                    ) : (
                      <Link className="font-mono text-accent underline" href={`/tickets/${encodeURIComponent(detail.seller.slug)}/${encodeURIComponent(r.id)}`}>
                        {r.id}
                      </Link>
                    )}{' '}
                    <span className="text-xs text-fg-muted">
                      {r.relationshipType} — {r.description}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
