import type { Metadata } from 'next';
import Link from 'next/link';
import { SellerForm } from '@/components/settings/seller-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Add Seller · Settings' };

export default async function NewSellerPage() {
  await requirePageUser('sellers.manage', { path: '/settings/sellers/new' });
  return (
    <>
      <PageHeader
        title="Add Seller"
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/sellers">Sellers</Link>
          </>
        }
        description="The Seller gives you its API base URLs and an OAuth2 client for the Buyer."
      />
      <SellerForm />
    </>
  );
}
