import { TabNav } from '@/components/ui/tab-nav';

const ITEMS = [
  { href: '/settings/sellers', label: 'Sellers' },
  { href: '/settings/products', label: 'Products' },
  { href: '/settings/sla', label: 'SLA agreements' },
  { href: '/settings/users', label: 'Users' },
  { href: '/settings/notifications', label: 'Notifications' },
] as const;

export type SettingsSection = (typeof ITEMS)[number]['href'];

export function SettingsNav({ current }: { current: SettingsSection }) {
  return <TabNav items={ITEMS} current={current} label="Settings sections" className="mb-6" />;
}
