import type { Metadata } from 'next';
import Link from 'next/link';
import { SellerNotificationsCard } from '@/components/notifications/seller-notifications-card';
import { SettingsNav } from '@/components/settings/settings-nav';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can } from '@/lib/auth/permissions';
import { listSellerNotificationViews } from '@/lib/data/notifications';

export const metadata: Metadata = { title: 'Notifications · Settings' };
export const dynamic = 'force-dynamic';

export default async function NotificationsSettingsPage() {
  const user = await requirePageUser('settings.view', { path: '/settings/notifications' });
  const views = await listSellerNotificationViews();
  return (
    <>
      <PageHeader
        title="Seller notifications"
        eyebrow={<Link href="/settings">Settings</Link>}
        description="Sellers tell us about changes by calling our listeners with a token from our token endpoint. Each Seller has its own credentials and one hub per API."
      />
      <SettingsNav current="/settings/notifications" />
      {views.length === 0 ? (
        <EmptyState title="No Sellers yet" description="Add a Seller first; its notification channel shows here." />
      ) : (
        <div className="flex flex-col gap-4">
          {views.map((view) => (
            <SellerNotificationsCard key={view.slug} view={view} canManage={can(user.role, 'sellers.manage')} />
          ))}
        </div>
      )}
    </>
  );
}
