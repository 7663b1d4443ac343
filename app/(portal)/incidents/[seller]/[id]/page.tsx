import type { Metadata } from 'next';
import { ExternalLink } from '@/components/links/external-link';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AffectedProducts } from '@/components/incidents/incident-table';
import { ImpactBadge, IncidentStatusBadge, PriorityBadge, SeverityBadge, TicketStatusBadge, incidentTypeLabel } from '@/components/incidents/incident-badges';
import { formatUtc } from '@/components/incidents/incident-format';
import { LinkTicketForm } from '@/components/incidents/link-ticket-form';
import { RefreshIncidentsButton } from '@/components/incidents/refresh-incidents-button';
import { NavIcon } from '@/components/layout/nav-icons';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can, whyNot } from '@/lib/auth/permissions';
import { DEFAULT_INCIDENT_RELATIONSHIP, getIncidentDetail, linkableTickets, type IncidentDetail } from '@/lib/data/incidents';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { INCIDENT_STATUS, contactRoleLabel, labelOf, sourceLabel } from '@/lib/domain/mef-labels';
import { refreshOneIncident } from '@/lib/sync/incident-refresh';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

type Params = Promise<{ seller: string; id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Incident ${decodeURIComponent(id).slice(0, 8)}` };
}

/** The ticket create form, prefilled to report our side of this incident and relate the ticket to it. */
function newTicketHref(detail: IncidentDetail, productId: string | undefined): string {
  const search = new URLSearchParams({ seller: detail.seller.slug, relatedIncident: detail.incident.id });
  if (productId) search.set('product', productId);
  search.set('description', `Affected by ${detail.seller.name} incident ${detail.incident.id}: ${detail.incident.description}`.slice(0, 2000));
  return `/tickets/new?${search.toString()}`;
}

function Attribute({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="text-sm text-fg">{children}</dd>
    </div>
  );
}

export default async function IncidentPage({ params }: { params: Params }) {
  const { seller: sellerParam, id: idParam } = await params;
  const sellerSlug = decodeURIComponent(sellerParam);
  const id = decodeURIComponent(idParam);
  const user = await requirePageUser('incidents.view', { path: `/incidents/${sellerParam}/${idParam}` });
  const feedSeq = await pageFeedPosition();
  const seller = await getSellerBySlug(sellerSlug);
  if (!seller) notFound();

  let detail = await getIncidentDetail(sellerSlug, id);
  if (!detail) {
    // Not reported to us yet: ask the Seller once (MEF 113 UC 14).
    const outcome = await refreshOneIncident(seller, id);
    if (!outcome.ok && outcome.notOffered) {
      return (
        <>
          <PageHeader title="Incidents not offered by this Seller" eyebrow={<Link href="/incidents">Incidents</Link>} />
          <EmptyState
            icon={<NavIcon href="/incidents" />}
            title="Incidents not offered by this Seller"
            description={`${seller.name} does not report incidents over the API, so incident ${id} cannot be shown.`}
          />
        </>
      );
    }
    if (!outcome.ok && !outcome.notFound) {
      return (
        <>
          <PageHeader title={`Incident ${id}`} eyebrow={<Link href="/incidents">Incidents</Link>} />
          <Alert tone="danger" title={`${seller.name} could not be read`}>
            {outcome.message}
          </Alert>
        </>
      );
    }
    detail = await getIncidentDetail(sellerSlug, id);
    if (!detail) notFound();
  }

  const { incident } = detail;
  const ours = detail.products.filter((p) => p.ours);
  const canTicket = can(user.role, 'tickets.write');
  const linkRefusal = whyNot(user.role, 'incidents.link');
  const closed = incident.status === 'closed';
  const candidates = closed || linkRefusal ? [] : await linkableTickets(sellerSlug, id);
  const history = [...(incident.statusChange ?? [])].sort((a, b) => Date.parse(a.changeDate ?? '') - Date.parse(b.changeDate ?? ''));

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        eyebrow={
          <>
            <Link href="/incidents" className="hover:underline">
              Incidents
            </Link>{' '}
            / {detail.seller.name}
          </>
        }
        title={incident.description || `Incident ${id}`}
        description={
          <span className="flex flex-wrap items-center gap-2" data-testid="incident-header" data-status={incident.status}>
            <IncidentStatusBadge status={incident.status} />
            <SeverityBadge value={incident.severity} />
            <PriorityBadge value={incident.priority} />
            <ImpactBadge value={incident.impact} />
            <span className="font-mono text-xs">{incident.id}</span>
          </span>
        }
        actions={
          <>
            {!closed ? (
              canTicket ? (
                <Link href={newTicketHref(detail, ours[0]?.id)} className={buttonClasses({ variant: 'primary' })} data-testid="open-ticket-for-incident">
                  Open a ticket for this
                </Link>
              ) : (
                <span className={buttonClasses({ variant: 'primary', className: 'pointer-events-none opacity-50' })} title={whyNot(user.role, 'tickets.write') ?? ''} aria-disabled="true">
                  Open a ticket for this
                </span>
              )
            ) : null}
            <RefreshIncidentsButton seller={sellerSlug} id={id} label="Refresh" refusal={whyNot(user.role, 'sellers.refresh')} />
          </>
        }
      />

      {!detail.seller.enabled ? (
        <Alert tone="warning" className="mb-4">
          {detail.seller.name} is disabled in Settings: this incident is shown as last received.
        </Alert>
      ) : null}

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="flex flex-col gap-6">
          <Card title="Incident">
            <p className="mb-4 text-sm whitespace-pre-wrap text-fg">{incident.description}</p>
            <dl className="grid grid-cols-2 gap-4 md:grid-cols-3">
              <Attribute label="State">{labelOf(INCIDENT_STATUS, incident.status)}</Attribute>
              <Attribute label="Type">{incidentTypeLabel(incident.incidentType)}</Attribute>
              <Attribute label="Impact">
                <ImpactBadge value={incident.impact} />
              </Attribute>
              <Attribute label="Severity">
                <SeverityBadge value={incident.severity} />
              </Attribute>
              <Attribute label="Priority">
                <PriorityBadge value={incident.priority} />
              </Attribute>
              <Attribute label="Reported">{formatUtc(incident.creationDate)}</Attribute>
              <Attribute label="Situation started">{formatUtc(incident.situationStartDate)}</Attribute>
              <Attribute label="Expected closed">{formatUtc(incident.expectedClosedDate)}</Attribute>
              <Attribute label="Closed">{formatUtc(incident.closedDate)}</Attribute>
            </dl>
          </Card>

          <Card title="State history" flush>
            {history.length ? (
              <ol className="divide-y divide-border" data-testid="incident-history">
                {history.map((h, i) => (
                  <li key={`${h.changeDate}-${i}`} className="flex flex-wrap items-center gap-3 px-4 py-2.5 text-sm">
                    <IncidentStatusBadge status={h.status} />
                    <span className="text-xs text-fg-muted">{formatUtc(h.changeDate)}</span>
                    <span className="text-fg">{h.changeReason}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="px-4 py-4 text-sm text-fg-muted">The Seller has not reported any state change.</p>
            )}
          </Card>

          <Card title="Notes" description="Written by the Seller; read-only." flush>
            {incident.note?.length ? (
              <ul className="divide-y divide-border">
                {incident.note.map((n) => (
                  <li key={n.id} className="px-4 py-3 text-sm">
                    <p className="mb-1 text-xs text-fg-muted">
                      {n.author} · {sourceLabel(n.source)} · {formatUtc(n.date)}
                    </p>
                    <p className="whitespace-pre-wrap text-fg">{n.text}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="px-4 py-4 text-sm text-fg-muted">No notes.</p>
            )}
          </Card>

          <Card title="Attachments" description="Provided by the Seller; read-only." flush>
            {incident.attachment?.length ? (
              <ul className="divide-y divide-border">
                {incident.attachment.map((a, i) => (
                  <li key={a.attachmentId ?? `${a.name}-${i}`} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
                    {a.url ? (
                      <ExternalLink href={a.url}>{a.name}</ExternalLink>
                    ) : a.content && a.mimeType ? (
                      <a href={`data:application/octet-stream;base64,${a.content}`} download={a.name} className="font-medium text-accent hover:underline">
                        {a.name}
                      </a>
                    ) : (
                      <span className="font-medium">{a.name}</span>
                    )}
                    <span className="text-xs text-fg-muted">
                      {a.author} · {sourceLabel(a.source)} · {formatUtc(a.creationDate)}
                      {a.description ? ` · ${a.description}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="px-4 py-4 text-sm text-fg-muted">No attachments.</p>
            )}
          </Card>
        </div>

        <div className="flex flex-col gap-6">
          <Card title="Affected products" description="Ours are highlighted, with our open tickets on each." flush>
            <ul className="divide-y divide-border" data-testid="incident-products">
              {detail.products.map((p) => (
                <li key={p.id} className="flex flex-col gap-1.5 px-4 py-3 text-sm" data-product={p.id} data-ours={p.ours ? 'true' : 'false'}>
                  <AffectedProducts products={[p]} />
                  {p.ours ? (
                    <span className="text-xs text-fg-muted">
                      {p.id} · {p.ours.siteName}
                    </span>
                  ) : null}
                  {p.openTickets.length ? (
                    <span className="flex flex-wrap gap-2 text-xs">
                      Our open tickets:
                      {p.openTickets.map((t) => (
                        <Link key={t.externalId} href={t.path} className="font-mono text-accent hover:underline">
                          {t.externalId}
                        </Link>
                      ))}
                    </span>
                  ) : null}
                  {p.ours && canTicket && !closed ? (
                    <Link href={newTicketHref(detail, p.id)} className="text-xs text-accent hover:underline">
                      Open a ticket for this product
                    </Link>
                  ) : null}
                </li>
              ))}
            </ul>
          </Card>

          <Card title="Our tickets tied to this incident" flush>
            {detail.linkedTickets.length ? (
              <Table caption="Our tickets that reference this incident" dense>
                <TableHead>
                  <tr>
                    <TableHeaderCell>Ticket</TableHeaderCell>
                    <TableHeaderCell>Status</TableHeaderCell>
                    <TableHeaderCell>Relation</TableHeaderCell>
                  </tr>
                </TableHead>
                <TableBody>
                  {detail.linkedTickets.map((t) => (
                    <TableRow key={t.ticketId} data-testid="linked-ticket" data-ticket={t.externalId}>
                      <TableCell>
                        <Link href={t.path} className="font-mono text-xs text-accent hover:underline">
                          {t.externalId}
                        </Link>
                        <p className="max-w-64 truncate text-xs text-fg-muted" title={t.description}>
                          {t.description}
                        </p>
                      </TableCell>
                      <TableCell>
                        <TicketStatusBadge status={t.status} />
                      </TableCell>
                      <TableCell className="text-xs">
                        {t.relationshipType}
                        {t.note ? <p className="max-w-56 truncate text-fg-muted" title={t.note}>{t.note}</p> : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            ) : (
              <p className="px-4 py-4 text-sm text-fg-muted">None of our tickets references this incident yet.</p>
            )}
          </Card>

          {!closed ? (
            <Card title="Link to our existing ticket" id="link-ticket">
              <LinkTicketForm
                seller={sellerSlug}
                incidentId={id}
                tickets={candidates.map((t) => ({ id: t.id, externalId: t.externalId, description: t.description, productId: t.productId, onAffectedProduct: t.onAffectedProduct }))}
                defaultRelationship={DEFAULT_INCIDENT_RELATIONSHIP}
                disabledReason={linkRefusal}
              />
            </Card>
          ) : null}

          {detail.relations.length ? (
            <Card title="Related tickets and incidents" description="As the Seller relates them." flush>
              <ul className="divide-y divide-border">
                {detail.relations.map((r, i) => (
                  <li key={`${r.referredType}-${r.id}-${i}`} className="flex flex-col gap-0.5 px-4 py-2.5 text-sm">
                    <span className="flex flex-wrap items-center gap-2">
                      <span className="text-xs text-fg-muted">{r.referredType === 'Incident' ? 'Incident' : 'Ticket'}</span>
                      {r.path ? (
                        <Link href={r.path} className="font-mono text-xs text-accent hover:underline">
                          {r.externalId ?? r.id}
                        </Link>
                      ) : (
                        <span className="font-mono text-xs">{r.id}</span>
                      )}
                      {r.referredType === 'Incident' && r.status ? <IncidentStatusBadge status={r.status} /> : null}
                      {r.referredType !== 'Incident' && r.path ? <TicketStatusBadge status={r.status} /> : null}
                      <span className="text-xs text-fg-muted">{r.relationshipType}</span>
                    </span>
                    {r.description ? <span className="text-xs text-fg">{r.description}</span> : null}
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}

          <Card title="Contacts" flush>
            <ul className="divide-y divide-border">
              {(incident.relatedContactInformation ?? []).map((c, i) => (
                <li key={`${c.emailAddress}-${i}`} className="flex flex-col gap-0.5 px-4 py-2.5 text-sm">
                  <span className="text-xs text-fg-muted">{contactRoleLabel(c.role)}</span>
                  <span className="font-medium text-fg">
                    {c.name}
                    {c.organization ? <span className="font-normal text-fg-muted"> · {c.organization}</span> : null}
                  </span>
                  <span className="text-xs">
                    <a href={`tel:${c.number}`} className="text-accent hover:underline">
                      {c.number}
                      {c.numberExtension ? ` ext. ${c.numberExtension}` : ''}
                    </a>{' '}
                    ·{' '}
                    <a href={`mailto:${c.emailAddress}`} className="text-accent hover:underline">
                      {c.emailAddress}
                    </a>
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
    </>
  );
}
