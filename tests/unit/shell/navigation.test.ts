import { describe, expect, it } from 'vitest';
import type { Role } from '@/db/schema';
import { can, NAVIGATION, navigationFor, ROLE_LABELS, whyNot } from '@/lib/auth/permissions';
import { isActiveHref } from '@/components/layout/sidebar';

const WORK_AREAS = ['Tickets', 'Incidents', 'Appointments', 'Work orders', 'Dashboard'];

const EXPECTED: Record<Role, string[]> = {
  noc: WORK_AREAS,
  manager: [...WORK_AREAS, 'Service levels', 'Audit trail'],
  coordinator: WORK_AREAS,
  admin: [...WORK_AREAS, 'Service levels', 'Audit trail', 'Settings'],
};

describe('navigation per role', () => {
  for (const role of Object.keys(EXPECTED) as Role[]) {
    it(`${ROLE_LABELS[role]} sees exactly ${EXPECTED[role].join(', ')}`, () => {
      expect(navigationFor(role).map((i) => i.label)).toEqual(EXPECTED[role]);
    });
  }

  it('shows the audit trail to managers and administrators only, and says why to the others', () => {
    for (const role of ['noc', 'coordinator'] as const) {
      expect(can(role, 'audit.view')).toBe(false);
      expect(whyNot(role, 'audit.view')).toBe('The audit trail is for managers and administrators.');
    }
    expect(can('manager', 'audit.view') && can('admin', 'audit.view')).toBe(true);
  });

  it('shows Settings to administrators only, and says why to the others', () => {
    for (const role of ['noc', 'manager', 'coordinator'] as const) {
      expect(navigationFor(role).some((i) => i.href === '/settings')).toBe(false);
      expect(can(role, 'settings.view')).toBe(false);
      expect(whyNot(role, 'settings.view')).toMatch(/administrators/i);
    }
    expect(navigationFor('admin').some((i) => i.href === '/settings')).toBe(true);
  });

  it('shows nothing without a role', () => {
    expect(navigationFor(null)).toEqual([]);
    expect(navigationFor(undefined)).toEqual([]);
    expect(whyNot(null, 'tickets.view')).toBe('Sign in first.');
  });

  it('lists each entry only if the role holds the permission that guards its page', () => {
    for (const role of Object.keys(EXPECTED) as Role[]) {
      const shown = new Set(navigationFor(role).map((i) => i.href));
      for (const item of NAVIGATION) expect(shown.has(item.href)).toBe(can(role, item.permission));
    }
  });

  it('every role has a readable label', () => {
    for (const role of Object.keys(EXPECTED) as Role[]) expect(ROLE_LABELS[role].length).toBeGreaterThan(2);
  });
});

describe('active sidebar entry', () => {
  it('marks the section and its sub-pages, not look-alike prefixes', () => {
    expect(isActiveHref('/tickets', '/tickets')).toBe(true);
    expect(isActiveHref('/tickets/TT-12', '/tickets')).toBe(true);
    expect(isActiveHref('/tickets-archive', '/tickets')).toBe(false);
    expect(isActiveHref('/work-orders', '/tickets')).toBe(false);
  });
});
