import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';

export const metadata: Metadata = { title: 'Settings' };

const SECTIONS = [
  {
    href: '/settings/sellers',
    title: 'Sellers',
    description: 'The Sellers you open tickets with: their API base URLs, OAuth2 client and request options.',
  },
  {
    href: '/settings/products',
    title: 'Products',
    description: 'Your product inventory per Seller, with the site of each product. Import and export as CSV.',
  },
  {
    href: '/settings/sla',
    title: 'SLA agreements',
    description: 'What each Seller promised: targets per severity or priority, pause states, business-hour calendars.',
  },
  {
    href: '/settings/templates',
    title: 'Templates',
    description: 'Ticket templates for the create form, per Seller or product, and note snippets for ticket updates.',
  },
  {
    href: '/settings/users',
    title: 'Users',
    description: 'Who may sign in to the portal and with which role.',
  },
  {
    href: '/settings/notifications',
    title: 'Notifications',
    description: 'How each Seller reaches our listeners: credentials, hubs, events received, inbox backlog, reconciliation.',
  },
] as const;

export default async function SettingsPage() {
  await requirePageUser('settings.view', { path: '/settings' });
  return (
    <>
      <PageHeader title="Settings" description="Administration of the portal." />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        {SECTIONS.map((s) => (
          <Link key={s.href} href={s.href} className="group rounded-lg focus-visible:outline-2 focus-visible:outline-ring">
            <Card className="h-full transition-colors group-hover:border-border-strong">
              <h2 className="text-sm font-semibold text-fg group-hover:underline">{s.title}</h2>
              <p className="mt-1 text-sm text-fg-muted">{s.description}</p>
            </Card>
          </Link>
        ))}
      </div>
    </>
  );
}
