import type { Metadata } from 'next';
import { NavIcon } from '@/components/layout/nav-icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  await requirePageUser('dashboard.view', { path: '/dashboard' });
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Open tickets, Seller response and field work at a glance."
      />
      <EmptyState
        icon={<NavIcon href="/dashboard" />}
        title="Nothing to summarise yet"
        description="Once tickets are open with your Sellers, this page shows how many are open, waiting on you or on the Seller, and how quickly Sellers respond."
      />
    </>
  );
}
