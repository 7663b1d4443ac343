import type { Metadata } from 'next';
import Link from 'next/link';
import { SlaAgreementForm } from '@/components/settings/sla-agreement-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { listSlaCalendars } from '@/lib/data/sla';
import { listSellers } from '@/lib/sellers/registry';

export const metadata: Metadata = { title: 'Add SLA agreement · Settings' };

export default async function NewSlaAgreementPage() {
  await requirePageUser('sla.manage', { path: '/settings/sla/agreements/new' });
  const [sellers, calendars] = await Promise.all([listSellers(), listSlaCalendars()]);
  return (
    <>
      <PageHeader
        title="Add SLA agreement"
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/sla">SLA agreements</Link>
          </>
        }
      />
      <SlaAgreementForm sellers={sellers.map((s) => ({ slug: s.slug, name: s.name }))} calendars={calendars.map((c) => ({ id: c.id, name: c.name, timeZone: c.timeZone }))} />
    </>
  );
}
