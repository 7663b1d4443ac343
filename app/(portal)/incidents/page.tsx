import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { IncidentFilters } from '@/components/incidents/incident-filters';
import { IncidentTable } from '@/components/incidents/incident-table';
import { RefreshIncidentsButton } from '@/components/incidents/refresh-incidents-button';
import { NavIcon } from '@/components/layout/nav-icons';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { whyNot } from '@/lib/auth/permissions';
import { incidentFilterOptions, incidentPath, incidentSellerStatuses, isFiltered, listIncidents, parseIncidentFilter } from '@/lib/data/incidents';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Incidents' };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

function pageHref(params: Record<string, string | string[] | undefined>, page: number): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const value = one(v);
    if (value && k !== 'page') search.set(k, value);
  }
  if (page > 1) search.set('page', String(page));
  const s = search.toString();
  return s ? `/incidents?${s}` : '/incidents';
}

export default async function IncidentsPage({ searchParams }: { searchParams: Search }) {
  const user = await requirePageUser('incidents.view', { path: '/incidents' });
  const feedSeq = await pageFeedPosition();
  const params = await searchParams;
  // Links from "Waiting on you" name one incident.
  const seller = one(params.seller);
  const single = one(params.incident);
  if (seller && single) redirect(incidentPath(seller, single));

  const filter = parseIncidentFilter(params);
  const [list, statuses, options] = await Promise.all([listIncidents(filter), incidentSellerStatuses(), incidentFilterOptions()]);
  const filtered = isFiltered(filter);
  const notOffered = statuses.filter((s) => s.offered === false);
  const failing = statuses.filter((s) => s.offered !== false && s.lastListError);
  const chosenNotOffered = filter.seller ? notOffered.find((s) => s.slug === filter.seller) : undefined;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        title="Incidents"
        description="Incidents your Sellers report, which of our products they hit, and the tickets we tied to them."
        actions={<RefreshIncidentsButton refusal={whyNot(user.role, 'sellers.refresh')} />}
      />

      {notOffered.length ? (
        <div className="mb-4 flex flex-col gap-2">
          {notOffered.map((s) => (
            <Alert key={s.slug} tone="info" title={`${s.name}: Incidents not offered by this Seller`}>
              <span data-testid="incidents-not-offered" data-seller={s.slug}>
                {s.name} does not report incidents over the API (it answers “not implemented”, which MEF 113 allows). Report problems on its services as tickets.
              </span>
            </Alert>
          ))}
        </div>
      ) : null}
      {failing.map((s) => (
        <Alert key={s.slug} tone="warning" className="mb-4" title={`${s.name} could not be read`}>
          {s.lastListError} The incidents shown for {s.name} are the last we received.
        </Alert>
      ))}

      <IncidentFilters params={params} sellers={options.sellers} products={options.products} filtered={filtered} />

      {chosenNotOffered ? (
        <EmptyState
          icon={<NavIcon href="/incidents" />}
          title="Incidents not offered by this Seller"
          description={`${chosenNotOffered.name} does not report incidents, so there is nothing to list here.`}
        />
      ) : list.rows.length ? (
        <Card flush>
          <IncidentTable rows={list.rows} />
          {pages > 1 ? (
            <nav aria-label="Pages" className="flex items-center justify-between border-t border-border px-4 py-2 text-sm">
              <span className="text-fg-muted">
                {list.total} incidents · page {list.page} of {pages}
              </span>
              <span className="flex gap-2">
                {list.page > 1 ? (
                  <Link href={pageHref(params, list.page - 1)} className={buttonClasses({ size: 'sm' })}>
                    Previous
                  </Link>
                ) : null}
                {list.page < pages ? (
                  <Link href={pageHref(params, list.page + 1)} className={buttonClasses({ size: 'sm' })}>
                    Next
                  </Link>
                ) : null}
              </span>
            </nav>
          ) : null}
        </Card>
      ) : (
        <EmptyState
          icon={<NavIcon href="/incidents" />}
          title={filtered ? 'No incident matches these filters' : 'No incidents reported'}
          description={
            filtered
              ? 'Change or clear the filters.'
              : 'When a Seller reports an incident that affects your products, it appears here and can be linked to your tickets. Use “Refresh from Sellers” if you expect one.'
          }
        />
      )}
    </>
  );
}
