import { TabNav } from '@/components/ui/tab-nav';
import { can, type Permission } from '@/lib/auth/permissions';
import type { Role } from '@/db/schema';

const ITEMS = [
  { href: '/settings/sellers', label: 'Sellers', permission: 'sellers.manage' },
  { href: '/settings/products', label: 'Products', permission: 'products.manage' },
  { href: '/settings/sla', label: 'SLA agreements', permission: 'sla.manage' },
  { href: '/settings/templates', label: 'Templates', permission: 'templates.manage' },
  { href: '/settings/users', label: 'Users', permission: 'users.manage' },
  { href: '/settings/notifications', label: 'Notifications', permission: 'settings.view' },
] as const satisfies ReadonlyArray<{ href: string; label: string; permission: Permission }>;

export type SettingsSection = (typeof ITEMS)[number]['href'];

/** The Settings tabs; given the viewer's role, only the sections that role may open. */
export function SettingsNav({ current, role }: { current: SettingsSection; role?: Role }) {
  const items = role ? ITEMS.filter((item) => can(role, item.permission)) : ITEMS;
  return <TabNav items={items} current={current} label="Settings sections" className="mb-6" />;
}
