import Link from 'next/link';
import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { dashboardQuery, OPEN_STATUSES, RANGE_LABELS, type DashboardFilters as Filters } from '@/lib/domain/dashboard-metrics';
import { TICKET_STATUS } from '@/lib/domain/mef-labels';
import { BarChartOfTable, type ChartSeries } from './bar-chart-of-table';
import { ChartPanel, CsvLink } from './chart-panel';
import { DashboardFilters } from './dashboard-filters';
import { buildDashboardTable, sellersInView, type DashboardTableKey, type DashboardView as View } from './dashboard-tables';
import { DataTable } from './data-table';
import { ticketsHref } from './ticket-links';

const STATUS_COLORS: Record<string, string> = {
  acknowledged: '#93c5fd',
  inProgress: '#2563eb',
  pending: '#f59e0b',
  resolved: '#10b981',
  reopened: '#ef4444',
  assessingCancellation: '#a855f7',
};
const SELLER_COLORS = ['#2563eb', '#10b981', '#f59e0b', '#a855f7', '#ef4444', '#0ea5e9', '#84cc16', '#f43f5e'];

export interface DashboardViewProps {
  view: View;
  filters: Filters;
  problems: string[];
}

export function DashboardView({ view, filters, problems }: DashboardViewProps) {
  const seller = view.sellerId === null ? null : (view.sellers.find((s) => s.id === view.sellerId) ?? null);
  const query = dashboardQuery({ range: filters.range, seller: seller?.slug ?? null });
  const csv = (key: DashboardTableKey) => `/api/dashboard/export?table=${key}&${query}`;
  const table = (key: DashboardTableKey) => buildDashboardTable(key, view);
  const shown = sellersInView(view);
  const slug = seller?.slug;

  const openTotal = view.now.openBySellerStatus.reduce((s, r) => s + r.count, 0);
  const waitingTotal = view.now.openBySellerStatus.filter((r) => r.status === 'pending' || r.status === 'resolved').reduce((s, r) => s + r.count, 0);
  const overdueTotal = view.now.overdueBySeller.reduce((s, r) => s + r.count, 0);
  const incidentsTotal = view.now.openIncidentsBySeller.reduce((s, r) => s + r.count, 0);
  const refused = view.now.refusedDocumentsBySeller ?? [];
  const refusedTotal = refused.reduce((s, r) => s + r.count, 0);

  const statusSeries: ChartSeries[] = OPEN_STATUSES.map((s) => ({ key: s, label: TICKET_STATUS[s].label, color: STATUS_COLORS[s] ?? '#888' }));
  const sellerSeries: ChartSeries[] = shown.map((s, i) => ({ key: s.slug, label: s.name, color: SELLER_COLORS[i % SELLER_COLORS.length]! }));
  const rangeLabel =
    filters.range.preset === 'custom' ? `${filters.range.from} to ${filters.range.to}` : RANGE_LABELS[filters.range.preset];

  const panel = (key: DashboardTableKey, title: string, description: string, chart: (t: ReturnType<typeof table>) => ReactNode) => {
    const t = table(key);
    return <ChartPanel title={title} description={description} csvHref={csv(key)} chart={chart(t)} table={<DataTable table={t} />} />;
  };
  const listCard = (key: DashboardTableKey, description: string, empty: string, more?: { href: string; label: string }) => {
    const t = table(key);
    return (
      <Card title={t.title} description={description} actions={<CsvLink href={csv(key)} title={t.title} />} flush>
        <DataTable table={t} empty={empty} />
        {more && t.rows.length >= view.now.listLimit ? (
          <p className="px-4 py-2 text-xs">
            <Link href={more.href} className="text-accent hover:underline">
              {more.label}
            </Link>
          </p>
        ) : null}
      </Card>
    );
  };

  return (
    <div className="flex flex-col gap-6">
      <DashboardFilters sellers={view.sellers} seller={slug ?? null} preset={filters.range.preset} from={filters.range.from} to={filters.range.to} />
      {problems.map((p) => (
        <Alert key={p} tone="warning">
          {p}
        </Alert>
      ))}

      <section aria-labelledby="dashboard-now" className="flex flex-col gap-4">
        <h2 id="dashboard-now" className="text-base font-semibold">
          Now{seller ? ` · ${seller.name}` : ' · all Sellers'}
        </h2>
        <ul className="grid grid-cols-2 gap-3 md:grid-cols-5" aria-label="Key figures">
          <Kpi label="Open tickets" value={openTotal} href={ticketsHref({ seller: slug, open: true })} />
          <Kpi label="Waiting on us" value={waitingTotal} href={ticketsHref({ seller: slug, waiting: 'us' })} />
          <Kpi label="Overdue" value={overdueTotal} href={ticketsHref({ seller: slug, overdue: true })} />
          <Kpi label="Open incidents on our products" value={incidentsTotal} href={slug ? `/incidents?seller=${slug}` : '/incidents'} />
          <Kpi label="Appointments in the next 48 h" value={view.now.upcomingAppointments.length} href={slug ? `/appointments?seller=${slug}` : '/appointments'} />
        </ul>
        {refusedTotal > 0 ? (
          <Alert tone="warning">
            <span>
              Seller documents refused (they break the MEF schema beyond what the Seller is allowed, so they are not shown):{' '}
              {refused
                .map((r) => `${view.sellers.find((s) => s.id === r.sellerId)?.name ?? r.sellerId}: ${r.count}`)
                .join(', ')}
              .{' '}
              <Link href="/settings/notifications" className="text-accent hover:underline">
                See the violations
              </Link>
            </span>
          </Alert>
        ) : null}
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          {panel('open-by-seller', 'Open tickets by Seller and state', 'Click a bar segment for those tickets.', (t) => (
            <BarChartOfTable table={t} series={statusSeries} stacked horizontal />
          ))}
          {panel('open-by-severity', 'Open tickets by severity', 'Severity as we reported it.', (t) => (
            <BarChartOfTable table={t} series={[{ key: 'open', label: 'Open tickets', color: '#2563eb' }]} />
          ))}
        </div>
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          {listCard('waiting-on-us', 'Pending (the Seller needs something from us) or resolved and awaiting our confirmation; longest wait first.', 'Nothing is waiting on us.', {
            href: ticketsHref({ seller: slug, waiting: 'us' }),
            label: 'All tickets waiting on us',
          })}
          {listCard('overdue', 'Open tickets past the date the Seller expected to resolve them; most overdue first.', 'No ticket is past its expected resolution.', {
            href: ticketsHref({ seller: slug, overdue: true }),
            label: 'All overdue tickets',
          })}
        </div>
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          {listCard('incidents-open', 'Seller incidents naming one of our products, not yet closed.', 'No open incident touches our products.')}
          {listCard('appointments-48h', 'Technician visits starting within 48 hours.', 'No appointment in the next 48 hours.')}
        </div>
      </section>

      <section aria-labelledby="dashboard-trend" className="flex flex-col gap-4">
        <h2 id="dashboard-trend" className="text-base font-semibold">
          Over time · {rangeLabel} (UTC days){seller ? ` · ${seller.name}` : ''}
        </h2>
        {panel('created-resolved', 'Created and resolved per day', 'Resolved counts tickets by the Seller’s resolution date.', (t) => (
          <BarChartOfTable
            table={t}
            series={[
              { key: 'created', label: 'Created', color: '#2563eb' },
              { key: 'resolved', label: 'Resolved', color: '#10b981' },
            ]}
          />
        ))}
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          {panel(
            'time-to-resolve',
            'Time to resolve',
            'Creation to the Seller’s resolution, split by whom the ticket waited on (mean, hours). Pending and rejected resolutions count as waiting on us.',
            (t) => (
              <BarChartOfTable
                table={t}
                stacked
                horizontal
                unit=" h"
                series={[
                  { key: 'meanSellerHours', label: 'Waiting on Seller', color: '#2563eb' },
                  { key: 'meanUsHours', label: 'Waiting on us', color: '#f59e0b' },
                ]}
              />
            ),
          )}
          {panel('aging', 'Open tickets by age', 'Whole days since the ticket was created.', (t) => (
            <BarChartOfTable table={t} series={sellerSeries} stacked />
          ))}
        </div>
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          {listCard('rates', 'Reopened: share of the tickets the Seller resolved at least once that we reopened. Cancelled: share of tickets created.', 'No ticket was created in this range.')}
          {listCard('incidents-by-seller', 'Incidents naming our products, created in the range; duration from creation to closure.', 'No incident on our products in this range.')}
        </div>
      </section>
    </div>
  );
}

function Kpi({ label, value, href }: { label: string; value: number; href: string }) {
  return (
    <li>
      <Link href={href} className="block rounded-lg border border-border bg-surface px-4 py-3 shadow-xs hover:bg-surface-2">
        <span className="block text-xs text-fg-muted">{label}</span>
        <span className="block font-mono text-2xl font-semibold tabular-nums" data-kpi={label}>
          {value}
        </span>
      </Link>
    </li>
  );
}

