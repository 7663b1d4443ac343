import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { ticketQueueKey } from '@/components/tickets/query-keys';
import { QueueFilters, SEARCH_INPUT_ID } from '@/components/tickets/queue-filters';
import { QueueKeyboard } from '@/components/tickets/queue-keyboard';
import { QueueSelectionProvider } from '@/components/tickets/queue-selection';
import { QueueTable } from '@/components/tickets/queue-table';
import { SavedViews } from '@/components/tickets/saved-views';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can, whyNot } from '@/lib/auth/permissions';
import { queueViewsFor } from '@/lib/data/saved-views';
import { listSellers } from '@/lib/sellers/registry';
import { listTicketQueue } from '@/lib/data/tickets';
import { hasFilters, parseQueueQuery, queueSearchParams } from '@/lib/domain/ticket-queue';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Tickets' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function rawSearch(params: Record<string, string | string[] | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const value of [v].flat()) if (value !== undefined) p.append(k, value);
  return p.toString();
}

export default async function TicketsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePageUser('tickets.view', { path: '/tickets' });
  const feedSeq = await pageFeedPosition();
  const params = await searchParams;
  const query = parseQueueQuery(params);
  // One spelling per view (empty fields and repeated checkboxes folded), so links and saved views compare equal.
  const canonical = queueSearchParams(query, { keepPage: true }).toString();
  if (rawSearch(params) !== canonical) redirect(`/tickets${canonical ? `?${canonical}` : ''}`);

  const [page, views, sellers] = await Promise.all([listTicketQueue(query, user.id), queueViewsFor(user.id), listSellers()]);
  const viewSearch = queueSearchParams(query).toString();
  const pageLink = (n: number) => {
    const p = queueSearchParams({ ...query, page: n }, { keepPage: true }).toString();
    return `/tickets${p ? `?${p}` : ''}`;
  };
  const now = Date.now();
  const first = page.total === 0 ? 0 : (page.page - 1) * page.size + 1;
  const last = Math.min(page.total, page.page * page.size);

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        title="Tickets"
        description="Every trouble ticket with every Seller in one queue. Filters live in the address bar: share the link."
        actions={
          <>
            <a href={`/api/tickets/export${viewSearch ? `?${viewSearch}` : ''}`} className={buttonClasses({ variant: 'secondary' })} download>
              Export CSV
            </a>
            <Link href="/tickets/contacts" className={buttonClasses({ variant: 'ghost' })}>
              Contact book
            </Link>
            {can(user.role, 'tickets.write') ? (
              <Link href="/tickets/new" className={buttonClasses({ variant: 'primary' })}>
                New ticket
              </Link>
            ) : null}
          </>
        }
      />
      <div className="mb-3">
        <SavedViews views={views} currentSearch={viewSearch} />
      </div>
      <QueueFilters query={query} sellers={sellers.map((s) => ({ slug: s.slug, name: s.name }))} />
      <div className="mt-4 rounded-lg border border-border bg-surface">
        {/* Selection, bulk actions and their progress around the rows of this page. */}
        <QueueSelectionProvider
          rowIds={page.rows.map((r) => r.id)}
          total={page.total}
          filter={viewSearch}
          canAct={can(user.role, 'tickets.write')}
          whyNot={whyNot(user.role, 'tickets.write')}
          sellers={sellers.map((s) => ({ slug: s.slug, name: s.name }))}
        >
        <div className="flex items-center justify-between border-b border-border px-3 py-2 text-xs text-fg-muted">
          <span aria-live="polite" data-testid="queue-count">
            {page.total === 0 ? 'No tickets' : `${first}–${last} of ${page.total.toLocaleString('en')} tickets`}
          </span>
          <span className="hidden sm:inline">
            <kbd>/</kbd> search · <kbd>j</kbd>/<kbd>k</kbd> or arrows move · <kbd>x</kbd> selects · <kbd>Enter</kbd> opens · <kbd>?</kbd> all shortcuts
          </span>
        </div>
        <QueueKeyboard searchInputId={SEARCH_INPUT_ID}>
          {page.rows.length === 0 ? (
            <EmptyState
              title={hasFilters(query) ? 'No ticket matches these filters' : 'No tickets yet'}
              description={hasFilters(query) ? 'Loosen or clear the filters.' : 'Tickets you open with your Sellers appear here.'}
            />
          ) : (
            <QueueTable rows={page.rows} now={now} />
          )}
        </QueueKeyboard>
        </QueueSelectionProvider>
        {page.pageCount > 1 ? (
          <nav aria-label="Pages" className="flex items-center justify-end gap-2 border-t border-border px-3 py-2 text-xs">
            {page.page > 1 ? (
              <Link href={pageLink(page.page - 1)} className={buttonClasses({ size: 'sm' })} rel="prev">
                Previous
              </Link>
            ) : null}
            <span>
              Page {page.page} of {page.pageCount.toLocaleString('en')}
            </span>
            {page.page < page.pageCount ? (
              <Link href={pageLink(page.page + 1)} className={buttonClasses({ size: 'sm' })} rel="next">
                Next
              </Link>
            ) : null}
          </nav>
        ) : null}
      </div>
    </>
  );
}
