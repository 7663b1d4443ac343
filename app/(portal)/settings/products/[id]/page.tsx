import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ProductForm } from '@/components/settings/product-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { getProductById } from '@/lib/data/products';

export const metadata: Metadata = { title: 'Product · Settings' };

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser('products.manage', { path: `/settings/products/${id}` });
  const product = /^\d+$/.test(id) ? await getProductById(Number(id)) : undefined;
  if (!product) notFound();
  return (
    <>
      <PageHeader
        title={product.label}
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href={`/settings/products?seller=${product.sellerSlug}`}>Products</Link>
          </>
        }
        description={`${product.sellerName} · ${product.productId}`}
      />
      <ProductForm sellers={[]} product={product} />
    </>
  );
}
