import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ZonedInstant, ZonedPeriod } from '@/components/appointments/zoned-time';
import { AppointmentStatusBadge } from '@/components/appointments/appointment-status-badge';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { ContactList, NoteList } from '@/components/work-orders/contact-list';
import { RefreshFromSellers } from '@/components/work-orders/refresh-from-sellers';
import { TicketNoteForm } from '@/components/work-orders/ticket-note-form';
import { TicketLink, WorkOrderStateBadge } from '@/components/work-orders/work-order-table';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can, whyNot } from '@/lib/auth/permissions';
import { getWorkOrder } from '@/lib/data/work-orders';
import { appointmentBookingBlocker } from '@/lib/domain/work-order-state-machine';
import { env } from '@/lib/env';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Work order' };

type Params = Promise<{ seller: string; id: string }>;

const UNIT_LABEL: Record<string, string> = { MIN: 'minutes', HOUR: 'hours', DAY: 'days', WEEK: 'weeks', SEC: 'seconds' };

export default async function WorkOrderPage({ params }: { params: Params }) {
  const { seller, id } = await params;
  const user = await requirePageUser('workOrders.view', { path: `/work-orders/${seller}/${id}` });
  const feedSeq = await pageFeedPosition();
  const wo = await getWorkOrder(seller, decodeURIComponent(id));
  if (!wo) notFound();
  const doc = wo.document;
  const blocker = appointmentBookingBlocker(wo.state);
  const cannotWrite = whyNot(user.role, 'appointments.write');
  const canBook = can(user.role, 'appointments.write') && !blocker;
  const sellerContacts = doc.relatedContactInformation ?? [];
  const places = (doc.place ?? []) as Array<{ '@type'?: string; role?: string; id?: string }>;

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        eyebrow={
          <Link href="/work-orders" className="hover:underline">
            ← Work orders
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-2">
            Work order <span className="font-mono text-base">{wo.id}</span>
          </span>
        }
        description={`${wo.sellerName} · ${wo.siteName}`}
        actions={
          <>
            <RefreshFromSellers seller={wo.sellerSlug} workOrderId={wo.id} label="Refresh" refusal={whyNot(user.role, 'sellers.refresh')} />
            {wo.appointmentRequired && canBook ? (
              <Link href={`/work-orders/${wo.sellerSlug}/${wo.id}/schedule`} className={buttonClasses({ variant: 'primary' })}>
                Find a slot
              </Link>
            ) : null}
          </>
        }
      />

      <div className="mb-4 flex flex-wrap items-center gap-2" data-testid="work-order-summary">
        <WorkOrderStateBadge state={wo.state} />
        {wo.appointmentRequired ? <Badge tone="warning">Appointment needed</Badge> : <Badge>No appointment needed</Badge>}
        <span className="text-sm text-fg-muted">
          Ticket: <TicketLink seller={wo.sellerSlug} ticketId={wo.ticketId} externalId={wo.ticketExternalId} />
        </span>
      </div>
      {wo.appointmentRequired && cannotWrite ? (
        <Alert tone="info" className="mb-4">
          {wo.sellerName} needs a technician appointment. {cannotWrite}
        </Alert>
      ) : null}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex flex-col gap-4 lg:col-span-2">
          <Card title="Tasks">
            <ol className="list-decimal pl-5 text-sm">
              {(doc.task ?? []).map((t, i) => (
                <li key={i}>{t}</li>
              ))}
            </ol>
          </Card>
          <Card title="Appointments" flush>
            {wo.appointments.length ? (
              <ul className="divide-y divide-border">
                {wo.appointments.map((a) => (
                  <li key={a.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-2 text-sm">
                    <Link href={`/appointments/${wo.sellerSlug}/${a.id}`} className="font-mono text-xs text-accent hover:underline max-md:py-2 max-md:text-sm">
                      {a.id.slice(0, 8)}
                    </Link>
                    {a.startAt && a.endAt ? <ZonedPeriod start={a.startAt} end={a.endAt} siteTimeZone={wo.timeZone} compact /> : <span className="text-fg-muted">Not fetched yet</span>}
                    {a.status === 'unknown' ? <Badge>Unknown</Badge> : <AppointmentStatusBadge status={a.status} />}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="px-4 py-4 text-sm text-fg-muted">No appointment yet.</p>
            )}
          </Card>
          {wo.ticketId && can(user.role, 'workOrders.ticketNote') ? (
            <Card title="Add to the ticket" description="A note and photos from the site, sent to the Seller on the ticket this work order serves.">
              {wo.ticketExternalId ? (
                <TicketNoteForm seller={wo.sellerSlug} workOrderId={wo.id} ticketLabel={wo.ticketExternalId} maxBytes={env().ATTACHMENT_MAX_BYTES} />
              ) : (
                <p className="text-sm text-fg-muted">Ticket {wo.ticketId} is not in the portal yet; refresh the work order from the Seller.</p>
              )}
            </Card>
          ) : null}
          <Card title="Notes">
            <NoteList notes={doc.note ?? []} />
          </Card>
        </div>
        <div className="flex flex-col gap-4">
          <Card title="Schedule">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-fg-muted">Planned</dt>
              <dd>{doc.plannedExecutionDate ? <ZonedInstant at={doc.plannedExecutionDate} siteTimeZone={wo.timeZone} /> : 'Not planned yet'}</dd>
              <dt className="text-fg-muted">Duration</dt>
              <dd>
                {doc.duration ? `${doc.duration.timeDurationValue} ${UNIT_LABEL[doc.duration.timeDurationUnits] ?? doc.duration.timeDurationUnits}` : '—'}
              </dd>
            </dl>
          </Card>
          <Card title="Place">
            <p className="text-sm font-medium">{wo.siteName}</p>
            {wo.siteAddress ? <p className="text-sm">{wo.siteAddress}</p> : null}
            <p className="text-xs text-fg-muted">Time zone: {wo.timeZone}</p>
            {wo.productLabel ? <p className="mt-1 text-xs text-fg-muted">Product: {wo.productLabel}</p> : null}
            <ul className="mt-2 text-xs text-fg-muted">
              {places.map((p, i) => (
                <li key={i}>
                  {p['@type']} {p.id ? <span className="font-mono">{p.id}</span> : null} {p.role ? `(${p.role})` : ''}
                </li>
              ))}
            </ul>
          </Card>
          <Card title="Seller contacts">
            <ContactList contacts={sellerContacts} />
          </Card>
        </div>
      </div>
    </>
  );
}
