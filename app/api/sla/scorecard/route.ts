import { scorecardCsv } from '@/components/sla/sla-csv';
import { guardedRoute } from '@/lib/auth/route-guard';
import { isMonth, slaScorecard } from '@/lib/data/sla';
import { getSellerBySlug } from '@/lib/sellers/registry';

export const dynamic = 'force-dynamic';

/** A Seller's scorecard for one month as CSV: ?seller=<slug>&month=YYYY-MM */
export const GET = guardedRoute('sla.view', async (request) => {
  const url = new URL(request.url);
  const month = url.searchParams.get('month');
  if (!isMonth(month)) return Response.json({ error: 'month must be YYYY-MM' }, { status: 400 });
  const seller = await getSellerBySlug(url.searchParams.get('seller') ?? '');
  if (!seller) return Response.json({ error: 'Unknown Seller' }, { status: 404 });
  const card = await slaScorecard(seller.id, month);
  return new Response(scorecardCsv(card!), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="sla-scorecard-${seller.slug}-${month}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
