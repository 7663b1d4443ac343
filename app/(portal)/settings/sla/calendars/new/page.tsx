import type { Metadata } from 'next';
import Link from 'next/link';
import { SlaCalendarForm } from '@/components/settings/sla-calendar-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Add SLA calendar · Settings' };

export default async function NewSlaCalendarPage() {
  await requirePageUser('sla.manage', { path: '/settings/sla/calendars/new' });
  return (
    <>
      <PageHeader
        title="Add calendar"
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/sla">SLA agreements</Link>
          </>
        }
      />
      <SlaCalendarForm />
    </>
  );
}
