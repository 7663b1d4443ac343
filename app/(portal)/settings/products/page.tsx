import type { Metadata } from 'next';
import Link from 'next/link';
import { ProductsFilter } from '@/components/settings/products-filter';
import { ProductsTable } from '@/components/settings/products-table';
import { SettingsNav } from '@/components/settings/settings-nav';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { listProducts } from '@/lib/data/products';
import { listSellers } from '@/lib/sellers/registry';

export const metadata: Metadata = { title: 'Products · Settings' };

export default async function ProductsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('products.manage', { path: '/settings/products' });
  const { seller: sellerParam } = await searchParams;
  const sellers = (await listSellers()).map((s) => ({ slug: s.slug, name: s.name }));
  const seller = typeof sellerParam === 'string' && sellers.some((s) => s.slug === sellerParam) ? sellerParam : undefined;
  const products = await listProducts({ sellerSlug: seller });
  const query = seller ? `?seller=${seller}` : '';

  return (
    <>
      <PageHeader
        title="Products"
        eyebrow={<Link href="/settings">Settings</Link>}
        description="The products you hold at each Seller: a ticket names one of them and its site."
        actions={
          <>
            <a href={`/settings/products/export${query}`} className={buttonClasses({ variant: 'secondary' })} download>
              Export CSV
            </a>
            <Link href="/settings/products/import" className={buttonClasses({ variant: 'secondary' })}>
              Import CSV
            </Link>
            <Link href={`/settings/products/new${query}`} className={buttonClasses({ variant: 'primary' })}>
              Add product
            </Link>
          </>
        }
      />
      <SettingsNav current="/settings/products" />
      <div className="mb-4 flex items-end justify-between gap-4">
        <ProductsFilter sellers={sellers} current={seller} />
        <p className="text-sm text-fg-muted">{products.length} product(s)</p>
      </div>
      {products.length === 0 ? (
        <EmptyState
          title={seller ? 'No products at this Seller' : 'No products yet'}
          description={
            sellers.length === 0
              ? 'Add a Seller first, then its products.'
              : 'Add products one by one, import a CSV, or list them under each Seller in the sellers file.'
          }
        />
      ) : (
        <Card flush>
          <ProductsTable products={products} />
        </Card>
      )}
    </>
  );
}
