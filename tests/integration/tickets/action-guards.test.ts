import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { getDb } from '@/db';
import { auditLog, contacts, outbox, ROLES, sellers, ticketViews, tickets, type Role } from '@/db/schema';
import * as bulkActions from '@/lib/actions/bulk-tickets';
import * as contactActions from '@/lib/actions/contacts';
import * as ticketActions from '@/lib/actions/tickets';
import { actionPermission } from '@/lib/actions/authorized-action';
import { can } from '@/lib/auth/permissions';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { reporter } from './ticket-desk-fixture';

type Action = (input: Record<string, unknown>) => Promise<{ ok: boolean; status?: number }>;
interface Fixture {
  ticketId: number;
  contactId: number;
  viewId: number;
  outboxId: number;
}

/** A valid input for each action, so a refusal can only come from the session or permission check. */
const VALID_INPUT: Record<string, (f: Fixture) => Record<string, unknown>> = {
  createTicket: () => ({ seller: 'acme', productId: 'P-1', description: 'x', severity: 'minor', priority: 'low', observedImpact: 'degraded', ticketType: 'assistance', reporter }),
  patchTicket: (f) => ({ ticketId: f.ticketId, note: 'hello' }),
  cancelTicket: (f) => ({ ticketId: f.ticketId }),
  closeTicket: (f) => ({ ticketId: f.ticketId }),
  reopenTicket: (f) => ({ ticketId: f.ticketId, reason: 'not fixed' }),
  refreshTicketFromSeller: (f) => ({ ticketId: f.ticketId }),
  sendTicketNow: (f) => ({ ticketId: f.ticketId }),
  discardRejectedOperation: (f) => ({ outboxId: f.outboxId }),
  saveTicketView: () => ({ name: 'Mine', search: 'priority=high' }),
  deleteTicketView: (f) => ({ viewId: f.viewId }),
  addWorkOrderTicketNote: () => ({ seller: 'acme', workOrderId: 'WO-1', note: 'from the site' }),
  createContact: () => ({ name: 'New', number: '1', emailAddress: 'new@example.test' }),
  updateContact: (f) => ({ contactId: f.contactId, name: 'Changed', number: '2', emailAddress: 'c@example.test' }),
  deleteContact: (f) => ({ contactId: f.contactId }),
  previewBulkTicketAction: (f) => ({ action: 'accept', scope: 'selected', ticketIds: [f.ticketId] }),
  runBulkTicketAction: (f) => ({ action: 'accept', scope: 'selected', ticketIds: [f.ticketId] }),
  bulkTicketProgress: (f) => ({ outboxIds: [f.outboxId] }),
};

let fixture: Fixture;
const users = new Map<Role, number>();

async function snapshot() {
  const db = getDb();
  return JSON.stringify({
    tickets: await db.select().from(tickets).all(),
    outbox: await db.select().from(outbox).all(),
    contacts: await db.select().from(contacts).all(),
    views: await db.select().from(ticketViews).all(),
    audit: await db.select().from(auditLog).all(),
  });
}

beforeEach(async () => {
  usePortalTestEnv();
  users.clear();
  for (const role of ROLES) users.set(role, (await createUser(role, `${role}@example.test`)).id);
  const db = getDb();
  const seller = await db
    .insert(sellers)
    .values({ slug: 'acme', name: 'Acme', troubleTicketBaseUrl: 'http://127.0.0.1:9/tt', appointmentBaseUrl: 'http://127.0.0.1:9/ap', workOrderBaseUrl: 'http://127.0.0.1:9/wo', tokenUrl: 'http://127.0.0.1:9/t', clientId: 'c', clientSecretEnc: 'x' })
    .returning()
    .get();
  const ticket = await db
    .insert(tickets)
    .values({ sellerId: seller.id, sellerTicketId: 'TT-1', externalId: 'NOC-2026-000001', productId: 'P-1', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'degraded', status: 'resolved', document: {} })
    .returning()
    .get();
  const item = await db
    .insert(outbox)
    .values({ sellerId: seller.id, ticketId: ticket.id, operation: 'patch', payload: {}, state: 'rejected', nextAttemptAt: new Date().toISOString() })
    .returning()
    .get();
  const contact = await db.insert(contacts).values({ name: 'Old', number: '1', emailAddress: 'old@example.test' }).returning().get();
  const view = await db.insert(ticketViews).values({ userId: users.get('manager')!, name: 'Theirs', search: 'open=1' }).returning().get();
  fixture = { ticketId: ticket.id, contactId: contact.id, viewId: view.id, outboxId: item.id };
});

const MODULES: Array<[string, Record<string, unknown>]> = [
  ['lib/actions/tickets', ticketActions],
  ['lib/actions/contacts', contactActions],
  ['lib/actions/bulk-tickets', bulkActions],
];

describe.each(MODULES)('every action of %s', (_name, module) => {
  const entries = Object.entries(module).filter(([, v]) => typeof v === 'function') as Array<[string, Action]>;

  it('is declared with a permission and has a test input', () => {
    expect(entries.length).toBeGreaterThan(2);
    for (const [name, action] of entries) {
      expect(actionPermission(action), name).toBeDefined();
      expect(VALID_INPUT[name], name).toBeDefined();
    }
  });

  it.each(entries.map(([name]) => name))('%s is refused without a session and changes nothing', async (name) => {
    const action = module[name] as Action;
    actAs(null);
    const before = await snapshot();
    const result = await action(VALID_INPUT[name]!(fixture));
    expect(result.ok).toBe(false);
    expect(result.status).toBe(401);
    expect(await snapshot()).toBe(before);
  });

  it.each(entries.map(([name]) => name))('%s is refused for every role lacking its permission and changes nothing', async (name) => {
    const action = module[name] as Action;
    const permission = actionPermission(action)!;
    const lacking = ROLES.filter((r) => !can(r, permission));
    for (const role of lacking) {
      actAs(users.get(role)!);
      const before = await snapshot();
      const result = await action(VALID_INPUT[name]!(fixture));
      expect(result.ok, `${name} as ${role}`).toBe(false);
      expect(result.status, `${name} as ${role}`).toBe(403);
      expect(await snapshot()).toBe(before);
    }
    // The write actions are closed to the manager role, which reads only.
    if (permission === 'tickets.write' || permission === 'contacts.manage') expect(lacking).toContain('manager');
  });
});

describe('saved views belong to their user', () => {
  it('cannot delete another user’s view', async () => {
    actAs(users.get('noc')!);
    const before = await snapshot();
    const result = await ticketActions.deleteTicketView({ viewId: fixture.viewId });
    expect(result.ok).toBe(false);
    expect(result.status).toBe(404);
    expect(await snapshot()).toBe(before);
  });
});
