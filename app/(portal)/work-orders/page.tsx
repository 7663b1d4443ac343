import type { Metadata } from 'next';
import { NavIcon } from '@/components/layout/nav-icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Work orders' };

export default async function WorkOrdersPage() {
  await requirePageUser('workOrders.view', { path: '/work-orders' });
  return (
    <>
      <PageHeader
        title="Work orders"
        description="Field work your Sellers carry out to resolve your tickets."
      />
      <EmptyState
        icon={<NavIcon href="/work-orders" />}
        title="No work orders yet"
        description="Work orders your Sellers raise for ticket repairs appear here, with their progress and appointments."
      />
    </>
  );
}
