import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { ROLES } from '@/db/schema';
import * as appointmentActions from '@/lib/actions/appointments';
import { actionPermission } from '@/lib/actions/authorized-action';
import { can, whyNot, type Permission } from '@/lib/auth/permissions';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { CONTACTS, workforceSnapshot } from './workforce-fixture';
import { GET as calendarFeed } from '@/app/(portal)/appointments/feed.json/route';

type Action = (input: Record<string, unknown>) => Promise<{ ok: boolean; status?: number; message?: string }>;

const start = new Date(Date.now() + 7 * 86_400_000).toISOString();
const end = new Date(Date.now() + 7 * 86_400_000 + 7_200_000).toISOString();

/** Well-formed inputs, so a refusal can only come from the permission check. */
const VALID_INPUT: Record<string, Record<string, unknown>> = {
  searchTimeSlots: { seller: 'globex', workOrderId: 'wo-1', windows: [{ start, end }] },
  bookAppointment: { seller: 'globex', workOrderId: 'wo-1', slot: { start, end }, ...CONTACTS, note: 'n' },
  rescheduleAppointment: { seller: 'globex', id: 'ap-1', slot: { start, end } },
  updateAppointmentDetails: { seller: 'globex', id: 'ap-1', note: 'n' },
  cancelAppointment: { seller: 'globex', id: 'ap-1' },
  refreshFromSellers: { seller: 'globex', workOrderId: 'wo-1' },
};

const EXPECTED_PERMISSION: Record<string, Permission> = {
  searchTimeSlots: 'appointments.write',
  bookAppointment: 'appointments.write',
  rescheduleAppointment: 'appointments.write',
  updateAppointmentDetails: 'appointments.write',
  cancelAppointment: 'appointments.write',
  refreshFromSellers: 'sellers.refresh',
};

const entries = Object.entries(appointmentActions).filter(([, v]) => typeof v === 'function') as Array<[string, Action]>;

beforeEach(() => {
  usePortalTestEnv();
});

describe('every appointment action', () => {
  it('is declared with its permission and has a test input', () => {
    expect(entries.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED_PERMISSION).sort());
    for (const [name, action] of entries) {
      expect(actionPermission(action), name).toBe(EXPECTED_PERMISSION[name]);
      expect(VALID_INPUT[name], name).toBeDefined();
    }
  });

  it('refuses a caller without a session (401) and changes nothing', async () => {
    await createUser('coordinator');
    for (const [name, action] of entries) {
      const before = await workforceSnapshot();
      actAs(null);
      expect(await action(VALID_INPUT[name]!), name).toMatchObject({ ok: false, status: 401 });
      expect(await workforceSnapshot(), name).toEqual(before);
    }
  });

  for (const role of ROLES) {
    const refused = entries.filter(([name]) => !can(role, EXPECTED_PERMISSION[name]!));
    if (refused.length === 0) continue;
    it(`refuses the ${role} role (403) for ${refused.map(([n]) => n).join(', ')} and changes nothing`, async () => {
      const user = await createUser(role);
      for (const [name, action] of refused) {
        const before = await workforceSnapshot();
        actAs(user.id);
        const state = await action(VALID_INPUT[name]!);
        expect(state, name).toMatchObject({ ok: false, status: 403 });
        expect(state.message, name).toBe(whyNot(role, EXPECTED_PERMISSION[name]!));
        expect(await workforceSnapshot(), name).toEqual(before);
      }
    });
  }

  it('lets a field coordinator past the permission check with the same inputs (then the unknown Seller is reported)', async () => {
    actAs((await createUser('coordinator')).id);
    for (const [name, action] of entries) {
      const state = await action(VALID_INPUT[name]!);
      expect(state.status, `${name}: ${JSON.stringify(state)}`).toBe(404);
    }
  });

  it('a deactivated account is refused like no session', async () => {
    const user = await createUser('admin');
    const { getDb } = await import('@/db');
    const { users } = await import('@/db/schema');
    const { eq } = await import('drizzle-orm');
    await getDb().update(users).set({ active: false }).where(eq(users.id, user.id)).run();
    actAs(user.id);
    expect(await appointmentActions.cancelAppointment({ seller: 'globex', id: 'ap-1' })).toMatchObject({ ok: false, status: 401 });
  });
});

describe('the calendar feed', () => {
  it('answers 401 without a session and the cached appointments with one', async () => {
    actAs(null);
    const request = new Request('http://127.0.0.1:3000/appointments/feed.json?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z');
    expect((await calendarFeed(request, undefined)).status).toBe(401);
    actAs((await createUser('noc')).id);
    const res = await calendarFeed(request, undefined);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [] });
  });
});
