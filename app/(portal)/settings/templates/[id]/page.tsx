import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TemplateForm } from '@/components/settings/template-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { getTicketTemplate, templateSellerOptions } from '@/lib/data/ticket-templates';

export const metadata: Metadata = { title: 'Template · Settings' };

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser('templates.manage', { path: `/settings/templates/${id}` });
  const template = /^\d+$/.test(id) ? await getTicketTemplate(Number(id)) : undefined;
  if (!template) notFound();
  return (
    <>
      <PageHeader title={template.name} eyebrow={<Link href="/settings/templates">Templates</Link>} />
      <TemplateForm sellers={await templateSellerOptions()} template={template} />
    </>
  );
}
