import { buildDashboardTable, DASHBOARD_TABLE_KEYS, tableToCsv, type DashboardTableKey } from '@/components/dashboard/dashboard-tables';
import { guardedRoute } from '@/lib/auth/route-guard';
import { loadDashboard } from '@/lib/data/dashboard';
import { parseDashboardFilters } from '@/lib/domain/dashboard-metrics';

export const dynamic = 'force-dynamic';

/** One dashboard table as CSV, for the same filters as the page: ?table=<key>&range=…&from=…&to=…&seller=… */
export const GET = guardedRoute('dashboard.view', async (request) => {
  const url = new URL(request.url);
  const key = url.searchParams.get('table') ?? '';
  if (!(DASHBOARD_TABLE_KEYS as readonly string[]).includes(key)) {
    return Response.json({ error: `Unknown table; one of: ${DASHBOARD_TABLE_KEYS.join(', ')}.` }, { status: 400 });
  }
  const nowMs = Date.now();
  const filters = parseDashboardFilters(Object.fromEntries(url.searchParams), nowMs);
  const data = await loadDashboard(filters, nowMs);
  const table = buildDashboardTable(key as DashboardTableKey, { ...data, range: filters.range, nowMs });
  const seller = data.sellerId === null ? 'all' : (data.sellers.find((s) => s.id === data.sellerId)?.slug ?? 'all');
  const filename = `dashboard-${key}-${seller}-${filters.range.from}-${filters.range.to}.csv`;
  return new Response(tableToCsv(table), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
});
