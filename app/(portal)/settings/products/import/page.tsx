import type { Metadata } from 'next';
import Link from 'next/link';
import { ProductImport } from '@/components/settings/product-import';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Import products · Settings' };

export default async function ImportProductsPage() {
  await requirePageUser('products.manage', { path: '/settings/products/import' });
  return (
    <>
      <PageHeader
        title="Import products"
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/products">Products</Link>
          </>
        }
        description="Check a CSV file row by row, then import the rows without errors."
      />
      <ProductImport />
    </>
  );
}
