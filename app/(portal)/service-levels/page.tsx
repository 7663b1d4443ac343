import type { Metadata } from 'next';
import Link from 'next/link';
import { ScorecardView } from '@/components/sla/scorecard-view';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { isMonth, slaScorecard } from '@/lib/data/sla';
import { listSellers } from '@/lib/sellers/registry';

export const metadata: Metadata = { title: 'Service levels' };

export default async function ServiceLevelsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('sla.view', { path: '/service-levels' });
  const params = await searchParams;
  const month = typeof params.month === 'string' && isMonth(params.month) ? params.month : new Date().toISOString().slice(0, 7);
  const sellers = await listSellers();
  const only = typeof params.seller === 'string' ? params.seller : '';
  const shown = sellers.filter((s) => !only || s.slug === only);
  const cards = await Promise.all(shown.map((s) => slaScorecard(s.id, month)));
  return (
    <>
      <PageHeader
        title="Service levels"
        description="Each Seller against its agreement, for tickets created in the month (UTC): attainment per target and severity, breaches, time to resolve against target, paused time and reopens."
      />
      <form method="get" action="/service-levels" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-border bg-surface p-3" aria-label="Scorecard filters">
        <label className="flex flex-col gap-1 text-xs">
          <span className="text-fg-muted">Month</span>
          <Input type="month" name="month" defaultValue={month} className="h-8 w-40 text-xs" />
        </label>
        <label className="flex flex-col gap-1 text-xs">
          <span className="text-fg-muted">Seller</span>
          <select name="seller" defaultValue={only} className="h-8 rounded-md border border-border-strong bg-surface px-2 text-xs">
            <option value="">every Seller</option>
            {sellers.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClasses({ variant: 'primary', size: 'sm' })}>
          Show
        </button>
      </form>
      <div className="flex flex-col gap-5">
        {cards.map((card) =>
          card ? (
            <Card
              key={card.sellerSlug}
              title={`${card.sellerName} · ${card.month}`}
              actions={
                <span className="flex flex-wrap gap-2">
                  <a className={buttonClasses({ variant: 'secondary', size: 'sm' })} href={`/api/sla/scorecard?seller=${card.sellerSlug}&month=${card.month}`} download>
                    Scorecard CSV
                  </a>
                  <a className={buttonClasses({ variant: 'secondary', size: 'sm' })} href={`/api/sla/evidence?seller=${card.sellerSlug}&month=${card.month}`} download>
                    Evidence CSV
                  </a>
                  <Link className={buttonClasses({ variant: 'secondary', size: 'sm' })} href={`/service-levels/evidence?seller=${card.sellerSlug}&month=${card.month}`}>
                    Evidence pack (print)
                  </Link>
                </span>
              }
            >
              <ScorecardView card={card} />
            </Card>
          ) : null,
        )}
      </div>
    </>
  );
}
