import type { Metadata } from 'next';
import { NavIcon } from '@/components/layout/nav-icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Appointments' };

export default async function AppointmentsPage() {
  await requirePageUser('appointments.view', { path: '/appointments' });
  return (
    <>
      <PageHeader
        title="Appointments"
        description="Technician visits booked with your Sellers to repair reported faults."
      />
      <EmptyState
        icon={<NavIcon href="/appointments" />}
        title="No appointments booked"
        description="When a Seller needs a technician on site for a ticket, the appointments you book with them appear here."
      />
    </>
  );
}
