import type { Metadata } from 'next';
import { AppointmentsCalendar } from '@/components/appointments/appointments-calendar';
import { PageHeader } from '@/components/ui/page-header';
import { RefreshFromSellers } from '@/components/work-orders/refresh-from-sellers';
import { requirePageUser } from '@/lib/auth/page-guard';
import { whyNot } from '@/lib/auth/permissions';
import { workforceFilterOptions } from '@/lib/data/work-orders';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Appointments' };

export default async function AppointmentsPage() {
  const user = await requirePageUser('appointments.view', { path: '/appointments' });
  const feedSeq = await pageFeedPosition();
  const options = await workforceFilterOptions();
  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        title="Appointments"
        description="Technician visits booked with your Sellers, across every Seller. Select one to see or change it."
        actions={<RefreshFromSellers refusal={whyNot(user.role, 'sellers.refresh')} />}
      />
      <AppointmentsCalendar sellers={options.sellers} sites={options.sites} />
    </>
  );
}
