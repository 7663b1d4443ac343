import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SlotFinder } from '@/components/appointments/slot-finder';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { bookingContactDefaults } from '@/lib/data/appointments';
import { getWorkOrder } from '@/lib/data/work-orders';
import { appointmentBookingBlocker } from '@/lib/domain/work-order-state-machine';

export const metadata: Metadata = { title: 'Find a slot' };

type Params = Promise<{ seller: string; id: string }>;

export default async function ScheduleWorkOrderPage({ params }: { params: Params }) {
  const { seller, id } = await params;
  const user = await requirePageUser('appointments.write', { path: `/work-orders/${seller}/${id}/schedule` });
  const wo = await getWorkOrder(seller, decodeURIComponent(id));
  if (!wo) notFound();
  const blocker = appointmentBookingBlocker(wo.state);
  const defaults = await bookingContactDefaults(wo.sellerRowId, wo.id, wo.ticketId, user);
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/work-orders/${wo.sellerSlug}/${wo.id}`} className="hover:underline">
            ← Work order {wo.id.slice(0, 8)}
          </Link>
        }
        title="Find a technician slot"
        description={`${wo.sellerName} · ${wo.siteName}${wo.siteAddress ? `, ${wo.siteAddress}` : ''} · ${wo.tasks.join('; ')}`}
      />
      {blocker ? (
        <Alert tone="warning" title="Nothing to book">
          {blocker}
        </Alert>
      ) : (
        <SlotFinder
          mode="book"
          seller={wo.sellerSlug}
          sellerName={wo.sellerName}
          workOrderId={wo.id}
          siteName={wo.siteName}
          siteTimeZone={wo.timeZone}
          defaults={defaults}
        />
      )}
    </>
  );
}
