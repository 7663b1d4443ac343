import type { Metadata } from 'next';
import { ExternalLink } from '@/components/links/external-link';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppointmentActions } from '@/components/appointments/appointment-actions';
import { AppointmentStatusBadge } from '@/components/appointments/appointment-status-badge';
import { ZonedPeriod } from '@/components/appointments/zoned-time';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { ContactList, NoteList } from '@/components/work-orders/contact-list';
import { RefreshFromSellers } from '@/components/work-orders/refresh-from-sellers';
import { TicketLink, WorkOrderStateBadge } from '@/components/work-orders/work-order-table';
import { requirePageUser } from '@/lib/auth/page-guard';
import { whyNot } from '@/lib/auth/permissions';
import { getAppointment } from '@/lib/data/appointments';
import { appointmentOperationPermission } from '@/lib/domain/appointment-state-machine';
import { APPOINTMENT_STATUS } from '@/lib/domain/mef-labels';
import { formatInstantIn, formatWindowIn } from '@/lib/domain/time-windows';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Appointment' };

type Params = Promise<{ seller: string; id: string }>;

const blockOf = (p: ReturnType<typeof appointmentOperationPermission>) => (p.allowed ? null : p.reason);

export default async function AppointmentPage({ params }: { params: Params }) {
  const { seller, id } = await params;
  const user = await requirePageUser('appointments.view', { path: `/appointments/${seller}/${id}` });
  const feedSeq = await pageFeedPosition();
  const appt = await getAppointment(seller, decodeURIComponent(id));
  if (!appt) notFound();
  const doc = appt.document;
  const contacts = doc.relatedContactInformation ?? [];
  const contactOf = (role: string) => {
    const c = contacts.find((x) => x.role === role);
    return { name: c?.name ?? '', number: c?.number ?? '', emailAddress: c?.emailAddress ?? '', organization: c?.organization ?? '' };
  };
  const place = doc.relatedPlace as { '@type'?: string; role?: string; id?: string } | undefined;
  const period = appt.startAt && appt.endAt ? `${formatWindowIn({ start: appt.startAt, end: appt.endAt }, appt.timeZone)} site time` : 'an unknown time';
  const history = appt.history.length ? appt.history : [{ status: appt.status, startAt: appt.startAt, endAt: appt.endAt, observedAt: appt.fetchedAt }];

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        eyebrow={
          <Link href="/appointments" className="hover:underline">
            ← Appointments
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-2">
            Appointment <span className="font-mono text-base">{appt.id}</span>
          </span>
        }
        description={`${appt.sellerName} · ${appt.siteName}`}
        actions={<RefreshFromSellers seller={appt.sellerSlug} appointmentId={appt.id} label="Refresh" refusal={whyNot(user.role, 'sellers.refresh')} />}
      />

      <div className="mb-4 flex flex-wrap items-center gap-3" data-testid="appointment-summary">
        <AppointmentStatusBadge status={appt.status} />
        {appt.startAt && appt.endAt ? <ZonedPeriod start={appt.startAt} end={appt.endAt} siteTimeZone={appt.timeZone} /> : null}
      </div>

      <div className="mb-6">
        <AppointmentActions
          seller={appt.sellerSlug}
          id={appt.id}
          roleBlock={whyNot(user.role, 'appointments.write')}
          patchBlock={blockOf(appointmentOperationPermission('patch', appt.status))}
          cancelBlock={blockOf(appointmentOperationPermission('cancel', appt.status, appt.workOrderState ?? undefined))}
          period={period}
          buyerContact={contactOf('buyerAppointmentContact')}
          placeContact={contactOf('appointmentPlaceContact')}
        />
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex flex-col gap-4 lg:col-span-2">
          <Card title="Contacts">
            <ContactList contacts={contacts} />
          </Card>
          <Card title="Notes">
            <NoteList notes={doc.note ?? []} />
          </Card>
          <Card title="Attachments">
            {doc.attachment?.length ? (
              <ul className="flex flex-col gap-1 text-sm">
                {doc.attachment.map((a, i) => (
                  <li key={a.attachmentId ?? i} className="flex flex-wrap items-center gap-2">
                    {a.url ? (
                      <ExternalLink href={a.url} className="text-accent hover:underline">
                        {a.name}
                      </ExternalLink>
                    ) : a.content && a.mimeType ? (
                      <a href={`data:application/octet-stream;base64,${a.content}`} download={a.name} className="text-accent hover:underline">
                        {a.name}
                      </a>
                    ) : (
                      <span>{a.name}</span>
                    )}
                    <span className="text-xs text-fg-muted">
                      {a.author} · {a.source === 'buyer' ? 'You' : 'Seller'}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-fg-muted">No attachments.</p>
            )}
          </Card>
        </div>
        <div className="flex flex-col gap-4">
          <Card title="Status history" description="As the portal observed it from the Seller.">
            <ol className="flex flex-col gap-2 text-sm" data-testid="appointment-history">
              {history.map((h, i) => (
                <li key={i} className="flex flex-col">
                  <span className="font-medium">{(APPOINTMENT_STATUS as Record<string, { label: string }>)[h.status]?.label ?? h.status}</span>
                  {h.startAt && h.endAt ? <span className="text-fg-muted">{formatWindowIn({ start: h.startAt, end: h.endAt }, appt.timeZone)} site time</span> : null}
                  <span className="text-xs text-fg-subtle">seen {formatInstantIn(h.observedAt, appt.timeZone)} site time</span>
                </li>
              ))}
            </ol>
          </Card>
          <Card title="Place">
            <p className="text-sm font-medium">{appt.siteName}</p>
            {appt.siteAddress ? <p className="text-sm">{appt.siteAddress}</p> : null}
            <p className="text-xs text-fg-muted">Time zone: {appt.timeZone}</p>
            {place ? (
              <p className="mt-1 text-xs text-fg-muted">
                {place['@type']} {place.id ? <span className="font-mono">{place.id}</span> : null} {place.role ? `(${place.role})` : ''}
              </p>
            ) : null}
          </Card>
          <Card title="Work order and ticket">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-fg-muted">Work order</dt>
              <dd className="flex items-center gap-2">
                {appt.workOrderId ? (
                  <Link href={`/work-orders/${appt.sellerSlug}/${appt.workOrderId}`} className="font-mono text-xs text-accent hover:underline">
                    {appt.workOrderId.slice(0, 8)}
                  </Link>
                ) : (
                  '—'
                )}
                {appt.workOrderState ? <WorkOrderStateBadge state={appt.workOrderState} /> : null}
              </dd>
              <dt className="text-fg-muted">Ticket</dt>
              <dd>
                <TicketLink seller={appt.sellerSlug} ticketId={appt.ticketId} externalId={appt.ticketExternalId} />
              </dd>
            </dl>
          </Card>
        </div>
      </div>
    </>
  );
}
