import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SlaCalendarForm } from '@/components/settings/sla-calendar-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { getSlaCalendar } from '@/lib/data/sla';

export const metadata: Metadata = { title: 'SLA calendar · Settings' };

export default async function SlaCalendarPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser('sla.manage', { path: `/settings/sla/calendars/${id}` });
  const calendar = /^\d+$/.test(id) ? await getSlaCalendar(Number(id)) : undefined;
  if (!calendar) notFound();
  return (
    <>
      <PageHeader
        title={calendar.name}
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/sla">SLA agreements</Link>
          </>
        }
      />
      <SlaCalendarForm calendar={calendar} />
    </>
  );
}
