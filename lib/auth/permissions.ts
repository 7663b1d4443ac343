import type { Role } from '@/db/schema';

export const ROLE_LABELS: Record<Role, string> = {
  noc: 'NOC operator',
  manager: 'Manager',
  coordinator: 'Field coordinator',
  admin: 'Administrator',
};

const EVERYONE: readonly Role[] = ['noc', 'manager', 'coordinator', 'admin'];

/**
 * The one table of who may do what. Server actions and route handlers enforce it; the UI reads it to hide or
 * disable controls and to say why.
 */
export const PERMISSIONS = {
  'tickets.view': { roles: EVERYONE, why: '' },
  'tickets.write': { roles: ['noc', 'admin'], why: 'Only NOC operators and administrators open or change tickets.' },
  'incidents.view': { roles: EVERYONE, why: '' },
  'incidents.link': { roles: ['noc', 'admin'], why: 'Only NOC operators and administrators link incidents to tickets.' },
  'workOrders.view': { roles: EVERYONE, why: '' },
  'workOrders.ticketNote': {
    roles: ['noc', 'coordinator', 'admin'],
    why: "Only NOC operators, field coordinators and administrators add notes and photos to a work order's ticket.",
  },
  // Staging a file changes no ticket; it only serves the forms that send attachments: tickets.write and workOrders.ticketNote.
  'attachments.stage': {
    roles: ['noc', 'coordinator', 'admin'],
    why: 'Only roles that add attachments to tickets upload files.',
  },
  'appointments.view': { roles: EVERYONE, why: '' },
  'appointments.write': {
    roles: ['coordinator', 'admin'],
    why: 'Only field coordinators and administrators book, move or cancel appointments.',
  },
  'dashboard.view': { roles: EVERYONE, why: '' },
  'audit.view': { roles: ['manager', 'admin'], why: 'The audit trail is for managers and administrators.' },
  'sellers.refresh': {
    roles: ['noc', 'coordinator', 'admin'],
    why: 'Managers read what the Sellers have sent, which their notifications keep current; only roles that act ask the Sellers again.',
  },
  'settings.view': { roles: ['admin'], why: 'Settings are for administrators.' },
  'sellers.manage': { roles: ['admin'], why: 'Only administrators manage Sellers and their credentials.' },
  'products.manage': { roles: ['admin'], why: 'Only administrators manage the product inventory.' },
  'users.manage': { roles: ['admin'], why: 'Only administrators manage users and roles.' },
  'sla.view': { roles: ['manager', 'admin'], why: 'Scorecards and credit-claim evidence are for managers and administrators.' },
  'sla.manage': { roles: ['admin'], why: 'Only administrators edit SLA agreements and calendars.' },
  'contacts.manage': { roles: ['noc', 'coordinator', 'admin'], why: 'Managers have read-only access to contacts.' },
  'templates.manage': {
    roles: ['noc', 'admin'],
    why: 'Only NOC operators and administrators keep ticket templates and note snippets.',
  },
} as const satisfies Record<string, { roles: readonly Role[]; why: string }>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | undefined | null, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

/** Why `role` may not do `permission`, or null when it may. */
export function whyNot(role: Role | undefined | null, permission: Permission): string | null {
  if (can(role, permission)) return null;
  return role ? PERMISSIONS[permission].why : 'Sign in first.';
}

export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
}

export const NAVIGATION: readonly NavItem[] = [
  { href: '/tickets', label: 'Tickets', permission: 'tickets.view' },
  { href: '/incidents', label: 'Incidents', permission: 'incidents.view' },
  { href: '/appointments', label: 'Appointments', permission: 'appointments.view' },
  { href: '/work-orders', label: 'Work orders', permission: 'workOrders.view' },
  { href: '/dashboard', label: 'Dashboard', permission: 'dashboard.view' },
  { href: '/service-levels', label: 'Service levels', permission: 'sla.view' },
  { href: '/audit', label: 'Audit trail', permission: 'audit.view' },
  { href: '/settings', label: 'Settings', permission: 'settings.view' },
];

export function navigationFor(role: Role | undefined | null): NavItem[] {
  return NAVIGATION.filter((item) => can(role, item.permission));
}
