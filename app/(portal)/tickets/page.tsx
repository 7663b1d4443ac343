import type { Metadata } from 'next';
import { NavIcon } from '@/components/layout/nav-icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Tickets' };

export default async function TicketsPage() {
  await requirePageUser('tickets.view', { path: '/tickets' });
  return (
    <>
      <PageHeader
        title="Tickets"
        description="Trouble tickets you have opened with your Sellers, with their status and the Seller’s latest update."
      />
      <EmptyState
        icon={<NavIcon href="/tickets" />}
        title="No tickets yet"
        description="Tickets you open with your Sellers appear here, with their status, priority and every update the Seller sends."
      />
    </>
  );
}
