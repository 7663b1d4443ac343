import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SlaAgreementForm } from '@/components/settings/sla-agreement-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { getSlaAgreement, listSlaCalendars } from '@/lib/data/sla';
import { listSellers } from '@/lib/sellers/registry';

export const metadata: Metadata = { title: 'SLA agreement · Settings' };

export default async function SlaAgreementPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser('sla.manage', { path: `/settings/sla/agreements/${id}` });
  const agreement = /^\d+$/.test(id) ? await getSlaAgreement(Number(id)) : undefined;
  if (!agreement) notFound();
  const [sellers, calendars] = await Promise.all([listSellers(), listSlaCalendars()]);
  return (
    <>
      <PageHeader
        title={agreement.name}
        description="Saving recomputes the open tickets it covers; tickets already closed keep the verdict they closed with."
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/sla">SLA agreements</Link>
          </>
        }
      />
      <SlaAgreementForm
        sellers={sellers.map((s) => ({ slug: s.slug, name: s.name }))}
        calendars={calendars.map((c) => ({ id: c.id, name: c.name, timeZone: c.timeZone }))}
        agreement={{ ...agreement, sellerSlug: agreement.sellerSlug }}
      />
    </>
  );
}
