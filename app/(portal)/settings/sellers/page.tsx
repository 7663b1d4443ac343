import type { Metadata } from 'next';
import Link from 'next/link';
import { SellersTable } from '@/components/settings/sellers-table';
import { SettingsNav } from '@/components/settings/settings-nav';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { listSellerViews } from '@/lib/data/sellers';

export const metadata: Metadata = { title: 'Sellers · Settings' };

export default async function SellersPage() {
  await requirePageUser('sellers.manage', { path: '/settings/sellers' });
  const sellers = await listSellerViews();
  const addButton = (
    <Link href="/settings/sellers/new" className={buttonClasses({ variant: 'primary' })}>
      Add Seller
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Sellers"
        eyebrow={<Link href="/settings">Settings</Link>}
        description="Each Seller is reached at its own base URLs with its own OAuth2 client."
        actions={addButton}
      />
      <SettingsNav current="/settings/sellers" />
      {sellers.length === 0 ? (
        <EmptyState
          title="No Sellers yet"
          description="Add a Seller by hand, or list them in the sellers file (SELLERS_FILE) that the portal loads at start."
          actions={addButton}
        />
      ) : (
        <Card flush>
          <SellersTable sellers={sellers} />
        </Card>
      )}
    </>
  );
}
