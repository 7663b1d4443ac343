import type { Metadata } from 'next';
import { NavIcon } from '@/components/layout/nav-icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Incidents' };

export default async function IncidentsPage() {
  await requirePageUser('incidents.view', { path: '/incidents' });
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Incidents your Sellers report against the services you buy from them."
      />
      <EmptyState
        icon={<NavIcon href="/incidents" />}
        title="No incidents reported"
        description="When a Seller reports an incident that affects your products, it appears here and can be linked to your tickets."
      />
    </>
  );
}
