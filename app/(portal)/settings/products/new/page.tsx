import type { Metadata } from 'next';
import Link from 'next/link';
import { ProductForm } from '@/components/settings/product-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { listSellers } from '@/lib/sellers/registry';

export const metadata: Metadata = { title: 'Add product · Settings' };

export default async function NewProductPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('products.manage', { path: '/settings/products/new' });
  const { seller } = await searchParams;
  const sellers = (await listSellers()).map((s) => ({ slug: s.slug, name: s.name }));
  return (
    <>
      <PageHeader
        title="Add product"
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/products">Products</Link>
          </>
        }
      />
      <ProductForm sellers={sellers} defaultSeller={typeof seller === 'string' ? seller : undefined} />
    </>
  );
}
