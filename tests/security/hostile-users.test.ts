import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, noteSnippets, outbox, products, ROLES, sellers, ticketTemplates, ticketViews, tickets, users, type Role } from '@/db/schema';
import { actionPermission } from '@/lib/actions/authorized-action';
import { can } from '@/lib/auth/permissions';
import { sealClientSecret } from '@/lib/sellers/registry';
import * as ticketActions from '@/lib/actions/tickets';
import * as userActions from '@/lib/actions/users';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

type Action = (input: Record<string, unknown>) => Promise<{ ok: boolean; status?: number; message?: string; data?: unknown }>;

const ACTIONS_DIR = path.resolve(import.meta.dirname, '../../lib/actions');
/** Every server-action module, read from the folder so that a new one is covered without editing this test. */
const actionFiles = fs
  .readdirSync(ACTIONS_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'authorized-action.ts')
  .sort();

const roleUsers = new Map<Role, number>();
let sellerId: number;
let otherSellerId: number;
let ticketId: number;

async function dbSnapshot(): Promise<string> {
  const db = getDb();
  return JSON.stringify({
    tickets: await db.select().from(tickets).all(),
    outbox: await db.select().from(outbox).all(),
    users: await db.select().from(users).all(),
    sellers: await db.select().from(sellers).all(),
    products: await db.select().from(products).all(),
    views: await db.select().from(ticketViews).all(),
    templates: await db.select().from(ticketTemplates).all(),
    snippets: await db.select().from(noteSnippets).all(),
    audit: await db.select().from(auditLog).all(),
  });
}

beforeAll(async () => {
  usePortalTestEnv();
  for (const role of ROLES) roleUsers.set(role, (await createUser(role, `${role}@hostile.test`)).id);
  const db = getDb();
  // An unreachable Seller (port 9, discard): anything sent to it waits in the outbox.
  const base = { troubleTicketBaseUrl: 'http://127.0.0.1:9/tt', appointmentBaseUrl: 'http://127.0.0.1:9/ap', workOrderBaseUrl: 'http://127.0.0.1:9/wo', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'c', timeoutMs: 500 };
  sellerId = (await db.insert(sellers).values({ slug: 'acme', name: 'Acme', ...base, clientSecretEnc: sealClientSecret('s', 'acme') }).returning().get()).id;
  otherSellerId = (await db.insert(sellers).values({ slug: 'globex', name: 'Globex', ...base, clientSecretEnc: sealClientSecret('s', 'globex') }).returning().get()).id;
  await db.insert(products).values({ sellerId, productId: 'P-1', label: 'Line 1' }).run();
  ticketId = (
    await db
      .insert(tickets)
      .values({ sellerId, sellerTicketId: 'TT-1', externalId: 'LEGACY-1', productId: 'P-1', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'degraded', status: 'inProgress', document: { id: 'TT-1', status: 'inProgress', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'degraded', note: [] } })
      .returning()
      .get()
  ).id;
});

describe.each(actionFiles)('server actions of lib/actions/%s', (file) => {
  it('are all declared with a permission, and every role gets exactly what the permission table says', async () => {
    const mod = (await import(path.join(ACTIONS_DIR, file))) as Record<string, unknown>;
    const actions = Object.entries(mod).filter(([, v]) => typeof v === 'function') as Array<[string, Action]>;
    expect(actions.length, file).toBeGreaterThan(0);
    for (const [name, action] of actions) {
      const permission = actionPermission(action);
      expect(permission, `${file}:${name} has no permission`).toBeDefined();

      actAs(null);
      const before = await dbSnapshot();
      const anonymous = await action({});
      expect(anonymous, `${name} without a session`).toMatchObject({ ok: false, status: 401 });
      expect(await dbSnapshot(), `${name} without a session changed data`).toBe(before);

      for (const role of ROLES) {
        actAs(roleUsers.get(role)!);
        // An empty input: a permitted role gets past the gate and stops at validation; nothing is changed.
        const result = await action({});
        if (can(role, permission!)) {
          expect([401, 403], `${name} as ${role}`).not.toContain(result.status);
        } else {
          expect(result, `${name} as ${role}`).toMatchObject({ ok: false, status: 403 });
          expect(await dbSnapshot(), `${name} as ${role} changed data`).toBe(before);
        }
      }
    }
  });
});

describe('tampered and extra fields', () => {
  it('a create cannot choose our ticket id, its status, its sync state, its author or the note source', async () => {
    const noc = roleUsers.get('noc')!;
    const admin = roleUsers.get('admin')!;
    actAs(noc);
    const result = await ticketActions.createTicket({
      seller: 'acme',
      productId: 'P-1',
      description: 'Link down',
      severity: 'minor',
      priority: 'low',
      observedImpact: 'down',
      ticketType: 'assistance',
      reporter: { name: 'Nora', number: '1', emailAddress: 'nora@noc.example' },
      note: 'first words',
      // none of these are on the form
      externalId: 'EVIL-1',
      status: 'closed',
      syncState: 'synced',
      sellerTicketId: 'TT-1',
      sellerId: otherSellerId,
      createdByUserId: admin,
      source: 'seller',
    });
    expect(result.ok, result.message).toBe(true);
    const { ticketId: createdId } = result.data as { ticketId: number };
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, createdId)).get())!;
    expect(row.externalId).not.toBe('EVIL-1');
    expect(row.sellerId).toBe(sellerId);
    expect(row.sellerTicketId).toBeNull();
    expect(row.status).toBeNull();
    expect(row.syncState).toBe('queued');
    expect(row.createdByUserId).toBe(noc);
    const item = (await getDb().select().from(outbox).where(eq(outbox.ticketId, createdId)).get())!;
    const body = (item.payload as { create: { externalId: string; note?: Array<{ source: string }> } }).create;
    expect(body.externalId).toBe(row.externalId);
    expect(body.note?.every((n) => n.source === 'buyer')).toBe(true);
    expect(item.sellerId).toBe(sellerId);
  });

  it('a patch cannot send a Seller-sourced note, change the Seller or pick another ticket’s outbox', async () => {
    actAs(roleUsers.get('noc')!);
    const result = await ticketActions.patchTicket({
      ticketId,
      note: 'please check the CPE',
      notes: [{ id: 'n1', source: 'seller', text: 'forged', author: 'Seller', date: new Date().toISOString() }],
      source: 'seller',
      sellerId: otherSellerId,
      status: 'closed',
    });
    expect(result.ok, result.message).toBe(true);
    const items = await getDb().select().from(outbox).where(eq(outbox.ticketId, ticketId)).all();
    expect(items).toHaveLength(1);
    expect(items[0]!.sellerId).toBe(sellerId);
    const notes = (items[0]!.payload as { patch: { notes: Array<{ source: string; text: string }> } }).patch.notes;
    expect(notes).toEqual([expect.objectContaining({ source: 'buyer', text: 'please check the CPE' })]);
    expect(JSON.stringify(items[0]!.payload)).not.toContain('forged');
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get())!;
    expect(row.status).toBe('inProgress');
  });

  it('text with HTML, script and SQL is stored exactly as typed and the tables survive', async () => {
    actAs(roleUsers.get('noc')!);
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)> '; DROP TABLE tickets; -- " OR 1=1 --`;
    const result = await ticketActions.createTicket({
      seller: 'acme',
      productId: 'P-1',
      description: hostile,
      severity: 'minor',
      priority: 'low',
      observedImpact: 'down',
      ticketType: 'assistance',
      reporter: { name: `Robert'); DROP TABLE users;--`, number: '1', emailAddress: 'bobby@noc.example' },
      note: hostile,
    });
    expect(result.ok, result.message).toBe(true);
    const { ticketId: createdId } = result.data as { ticketId: number };
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, createdId)).get())!;
    expect(row.description).toBe(hostile);
    const body = ((await getDb().select().from(outbox).where(eq(outbox.ticketId, createdId)).get())!.payload as {
      create: { description: string; note: Array<{ text: string }>; relatedContactInformation: Array<{ name: string }> };
    }).create;
    expect(body.description).toBe(hostile);
    expect(body.note[0]!.text).toBe(hostile);
    expect(body.relatedContactInformation.map((c) => c.name)).toContain(`Robert'); DROP TABLE users;--`);
    expect((await getDb().select().from(users).all()).length).toBe(ROLES.length);
  });

  it('a saved view is always the caller’s own, whatever user id the form carries', async () => {
    const noc = roleUsers.get('noc')!;
    actAs(noc);
    const result = await ticketActions.saveTicketView({ name: 'Mine', search: 'priority=high', userId: roleUsers.get('admin')! });
    expect(result.ok, result.message).toBe(true);
    const rows = await getDb().select().from(ticketViews).where(eq(ticketViews.name, 'Mine')).all();
    expect(rows.map((r) => r.userId)).toEqual([noc]);
  });

  it('a password reset cannot also promote or deactivate the user', async () => {
    actAs(roleUsers.get('admin')!);
    const target = roleUsers.get('manager')!;
    const result = await userActions.resetUserPassword({ id: target, password: 'A-long-new-passw0rd!', role: 'admin', active: false });
    expect(result.ok, result.message).toBe(true);
    const row = (await getDb().select().from(users).where(eq(users.id, target)).get())!;
    expect(row.role).toBe('manager');
    expect(row.active).toBe(true);
  });

  it('a non-admin cannot change a role even by naming their own id', async () => {
    const noc = roleUsers.get('noc')!;
    actAs(noc);
    const result = await userActions.changeUserRole({ id: noc, role: 'admin' });
    expect(result).toMatchObject({ ok: false, status: 403 });
    expect((await getDb().select().from(users).where(eq(users.id, noc)).get())!.role).toBe('noc');
  });
});
