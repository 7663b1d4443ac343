import type { Metadata } from 'next';
import Link from 'next/link';
import { TemplateForm } from '@/components/settings/template-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { templateSellerOptions } from '@/lib/data/ticket-templates';

export const metadata: Metadata = { title: 'Add template · Settings' };

export default async function NewTemplatePage() {
  await requirePageUser('templates.manage', { path: '/settings/templates/new' });
  return (
    <>
      <PageHeader title="Add template" eyebrow={<Link href="/settings/templates">Templates</Link>} />
      <TemplateForm sellers={await templateSellerOptions()} />
    </>
  );
}
