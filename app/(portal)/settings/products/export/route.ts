import { guardedRoute } from '@/lib/auth/route-guard';
import { listProducts } from '@/lib/data/products';
import { productsToCsv } from '@/lib/domain/product-csv';

export const GET = guardedRoute('products.manage', async (request) => {
  const seller = new URL(request.url).searchParams.get('seller') || undefined;
  const rows = await listProducts({ sellerSlug: seller });
  const csv = productsToCsv(rows.map((p) => ({ ...p, seller: p.sellerSlug })));
  const day = new Date().toISOString().slice(0, 10);
  const name = `products${seller ? `-${seller.replace(/[^a-z0-9-]/g, '')}` : ''}-${day}.csv`;
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  });
});
