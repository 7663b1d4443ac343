import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { ROLES, tickets } from '@/db/schema';
import * as incidentActions from '@/lib/actions/incidents';
import { actionPermission } from '@/lib/actions/authorized-action';
import { createTicket } from '@/lib/actions/tickets';
import { can, whyNot, type Permission } from '@/lib/auth/permissions';
import { refreshAllIncidents } from '@/lib/sync/incident-refresh';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { incidentSnapshot, raiseIncident, registerSellers, removeDir, startIncidentSandbox } from './incident-fixture';

type Action = (input: Record<string, unknown>) => Promise<{ ok: boolean; status?: number; message?: string }>;

const EXPECTED_PERMISSION: Record<string, Permission> = {
  refreshIncidents: 'sellers.refresh',
  refreshIncident: 'sellers.refresh',
  findOpenIncidentsForProduct: 'incidents.view',
  linkIncidentToTicket: 'incidents.link',
};

const entries = Object.entries(incidentActions).filter(([, v]) => typeof v === 'function') as Array<[string, Action]>;
const validInput: Record<string, Record<string, unknown>> = {};
let sandbox: RunningSandbox;
let dir: string;
let nocId: number;

beforeAll(async () => {
  usePortalTestEnv();
  const started = await startIncidentSandbox();
  sandbox = started.sandbox;
  dir = started.dir;
  await registerSellers(dir, started.sellers);
  // An incident at the Seller that we have not seen yet: a refresh would store it.
  const known = (await raiseIncident(sandbox, 'acme', { description: 'Fibre cut', productIds: ['acme-prod-evpl-003'], impact: 'down', incidentType: 'repair', priority: 'high', severity: 'significant' })).id;
  await refreshAllIncidents();
  await raiseIncident(sandbox, 'acme', { description: 'Not yet fetched', productIds: ['acme-prod-evpl-003'], impact: 'down', incidentType: 'repair', priority: 'high', severity: 'significant' });
  nocId = (await createUser('noc')).id;
  actAs(nocId);
  const created = await createTicket({
    seller: 'acme',
    productId: 'acme-prod-evpl-003',
    description: 'No traffic',
    severity: 'significant',
    priority: 'high',
    observedImpact: 'down',
    ticketType: 'maintenance',
    reporter: { name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example' },
  });
  const ticket = await getDb().select().from(tickets).where(eq(tickets.externalId, (created.data as { externalId: string }).externalId)).get();
  Object.assign(validInput, {
    refreshIncidents: {},
    refreshIncident: { seller: 'acme', id: known },
    findOpenIncidentsForProduct: { seller: 'acme', productId: 'acme-prod-evpl-003' },
    linkIncidentToTicket: { seller: 'acme', incidentId: known, ticketId: ticket!.id, note: 'Caused by the cut' },
  });
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) removeDir(dir);
});

describe('every incident action', () => {
  it('is declared with its permission', () => {
    expect(entries.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED_PERMISSION).sort());
    for (const [name, action] of entries) expect(actionPermission(action), name).toBe(EXPECTED_PERMISSION[name]);
  });

  it('refuses a caller without a session (401) and changes nothing', async () => {
    for (const [name, action] of entries) {
      const before = await incidentSnapshot();
      actAs(null);
      expect(await action(validInput[name]!), name).toMatchObject({ ok: false, status: 401 });
      expect(await incidentSnapshot(), name).toEqual(before);
    }
  });

  it('refuses an inactive user (401) and changes nothing', async () => {
    const user = await createUser('admin', 'gone@example.test');
    const { users } = await import('@/db/schema');
    await getDb().update(users).set({ active: false }).where(eq(users.id, user.id)).run();
    for (const [name, action] of entries) {
      const before = await incidentSnapshot();
      actAs(user.id);
      expect((await action(validInput[name]!)).ok, name).toBe(false);
      expect(await incidentSnapshot(), name).toEqual(before);
    }
  });

  for (const role of ROLES) {
    const refused = entries.filter(([name]) => !can(role, EXPECTED_PERMISSION[name]!));
    if (refused.length === 0) continue;
    it(`refuses the ${role} role (403) for ${refused.map(([n]) => n).join(', ')} and changes nothing`, async () => {
      const user = await createUser(role, `${role}-guard@example.test`);
      for (const [name, action] of refused) {
        const before = await incidentSnapshot();
        actAs(user.id);
        const state = await action(validInput[name]!);
        expect(state, name).toMatchObject({ ok: false, status: 403 });
        expect(state.message, name).toBe(whyNot(role, EXPECTED_PERMISSION[name]!));
        expect(await incidentSnapshot(), name).toEqual(before);
      }
    });
  }

  it('with the permission, the same inputs go through and change the database', async () => {
    actAs(nocId);
    const before = await incidentSnapshot();
    expect(await incidentActions.refreshIncidents({})).toMatchObject({ ok: true });
    const afterRefresh = await incidentSnapshot();
    expect(afterRefresh.incidents.length).toBe(before.incidents.length + 1);
    expect(await incidentActions.linkIncidentToTicket(validInput.linkIncidentToTicket!)).toMatchObject({ ok: true });
    expect((await incidentSnapshot()).outbox.length).toBe(afterRefresh.outbox.length + 1);
  });
});
