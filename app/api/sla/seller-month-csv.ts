import { guardedRoute } from '@/lib/auth/route-guard';
import { isMonth } from '@/lib/data/sla';
import { getSellerBySlug } from '@/lib/sellers/registry';

/** A CSV download about one Seller and month (?seller=<slug>&month=YYYY-MM), for those who may read service levels. */
export function sellerMonthCsv(name: string, build: (sellerId: number, month: string) => Promise<string>) {
  return guardedRoute('sla.view', async (request) => {
    const url = new URL(request.url);
    const month = url.searchParams.get('month');
    if (!isMonth(month)) return Response.json({ error: 'month must be YYYY-MM' }, { status: 400 });
    const seller = await getSellerBySlug(url.searchParams.get('seller') ?? '');
    if (!seller) return Response.json({ error: 'Unknown Seller' }, { status: 404 });
    return new Response(await build(seller.id, month), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}-${seller.slug}-${month}.csv"`,
        'cache-control': 'no-store',
      },
    });
  });
}
