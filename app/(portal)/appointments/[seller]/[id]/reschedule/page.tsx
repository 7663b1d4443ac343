import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SlotFinder } from '@/components/appointments/slot-finder';
import { ZonedPeriod } from '@/components/appointments/zoned-time';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { getAppointment } from '@/lib/data/appointments';
import { appointmentOperationPermission } from '@/lib/domain/appointment-state-machine';

export const metadata: Metadata = { title: 'Reschedule appointment' };

type Params = Promise<{ seller: string; id: string }>;

export default async function RescheduleAppointmentPage({ params }: { params: Params }) {
  const { seller, id } = await params;
  await requirePageUser('appointments.write', { path: `/appointments/${seller}/${id}/reschedule` });
  const appt = await getAppointment(seller, decodeURIComponent(id));
  if (!appt || !appt.workOrderId) notFound();
  const permission = appointmentOperationPermission('patch', appt.status);
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/appointments/${appt.sellerSlug}/${appt.id}`} className="hover:underline">
            ← Appointment {appt.id.slice(0, 8)}
          </Link>
        }
        title="Reschedule the appointment"
        description={
          appt.startAt && appt.endAt ? (
            <span>
              Now: <ZonedPeriod start={appt.startAt} end={appt.endAt} siteTimeZone={appt.timeZone} compact /> · {appt.sellerName} · {appt.siteName}
            </span>
          ) : undefined
        }
      />
      {!permission.allowed ? (
        <Alert tone="warning" title="This appointment cannot be moved">
          {permission.reason}
        </Alert>
      ) : (
        <SlotFinder
          mode="reschedule"
          appointmentId={appt.id}
          seller={appt.sellerSlug}
          sellerName={appt.sellerName}
          workOrderId={appt.workOrderId}
          siteName={appt.siteName}
          siteTimeZone={appt.timeZone}
          {...(appt.startAt && appt.endAt ? { currentPeriod: { start: appt.startAt, end: appt.endAt } } : {})}
        />
      )}
    </>
  );
}
