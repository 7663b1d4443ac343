import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, tickets } from '@/db/schema';
import { cancelTicket, closeTicket, createTicket, patchTicket, refreshTicketFromSeller, reopenTicket } from '@/lib/actions/tickets';
import { deliverTicket, makeDueNow } from '@/lib/sync/outbox';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';
import { control, discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox, type DiscoveredSeller } from '../integration/tickets/ticket-desk-fixture';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';

let sandbox: RunningSandbox;
let proxy: FaultProxy;
let found: DiscoveredSeller[];
let acmeProduct: string;
let globexProduct: string;

const base = { description: 'Packet loss on the access', severity: 'moderate', priority: 'medium', observedImpact: 'degraded', ticketType: 'assistance', reporter } as const;

/** Which request a fault is aimed at. */
const OPERATIONS = {
  create: (m: string, p: string) => m === 'POST' && /\/troubleTicket$/.test(p),
  patch: (m: string) => m === 'PATCH',
  cancel: (m: string, p: string) => m === 'POST' && p.endsWith('/cancel'),
  close: (m: string, p: string) => m === 'POST' && p.endsWith('/close'),
  reopen: (m: string, p: string) => m === 'POST' && p.endsWith('/reopen'),
  list: (m: string, p: string) => m === 'GET' && /\/troubleTicket$/.test(p),
} as const;

function inject(operation: keyof typeof OPERATIONS, fault: Fault, times = Infinity) {
  let left = times;
  proxy.set(({ method, path: p }) => {
    if (left > 0 && OPERATIONS[operation](method, p)) {
      left -= 1;
      return fault;
    }
    return undefined;
  });
}

async function ticketRow(ticketId: number) {
  return (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get())!;
}

async function items(ticketId: number) {
  return getDb().select().from(outbox).where(eq(outbox.ticketId, ticketId)).orderBy(asc(outbox.id)).all();
}

/** Runs the outbox for one ticket until nothing is pending (what the worker does on its own, without waiting). */
async function drain(ticketId: number) {
  for (let i = 0; i < 20; i++) {
    const pending = await getDb().select().from(outbox).where(and(eq(outbox.ticketId, ticketId), eq(outbox.state, 'pending'))).all();
    if (pending.length === 0) return;
    await makeDueNow(ticketId);
    await deliverTicket(ticketId, { force: true });
  }
  throw new Error(`ticket ${ticketId} still has pending operations`);
}

async function atSeller(slug: string, externalId: string) {
  return (await sellerTickets(sandbox.url, slug)).filter((t) => t.externalId === externalId);
}

async function create(seller = 'acme') {
  const result = await createTicket({ ...base, seller, productId: seller === 'acme' ? acmeProduct : globexProduct });
  expect(result.ok, result.message).toBe(true);
  return result.data as { ticketId: number; externalId: string; delivery: string };
}

/** A ticket the Seller has acknowledged and then resolved, as the cache knows it. */
async function resolvedTicket() {
  proxy.clear();
  const t = await create();
  const row = await ticketRow(t.ticketId);
  await control(sandbox.url, 'POST', `/acme/tickets/${encodeURIComponent(row.sellerTicketId!)}/resolve`, { text: 'Replaced the SFP' });
  expect((await refreshTicketFromSeller({ ticketId: t.ticketId })).ok).toBe(true);
  expect((await ticketRow(t.ticketId)).status).toBe('resolved');
  return t;
}

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  process.env.OUTBOX_RETRY_BASE_MS = '50';
  process.env.OUTBOX_RETRY_MAX_MS = '200';
  actAs((await createUser('noc')).id);
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  found = await discover(sandbox.url);
  proxy = await startFaultProxy(sandbox.url);
  const acme = found.find((s) => s.slug === 'acme')!;
  acmeProduct = acme.products[0]!.id;
  globexProduct = found.find((s) => s.slug === 'globex')!.products[0]!.id;
  await registerSandboxSellers(dir, found, {
    acme: { troubleTicketBaseUrl: acme.baseUrls.troubleTicket.replace(sandbox.url, proxy.origin), timeoutMs: 1000 },
  });
});

afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
  delete process.env.OUTBOX_RETRY_BASE_MS;
  delete process.env.OUTBOX_RETRY_MAX_MS;
});

describe('a Seller that is down', () => {
  it('create: the operator sees "queued" with the reason, the retry sends it once', async () => {
    inject('create', { kind: 'down' });
    const t = await create();
    expect(t.delivery).toBe('queued');
    const row = await ticketRow(t.ticketId);
    expect(row.syncState).toBe('queued');
    expect(row.syncError).toMatch(/unreachable|ECONNRESET|socket|closed/i);
    const [item] = await items(t.ticketId);
    expect(item).toMatchObject({ operation: 'create', state: 'pending' });
    expect(item!.attempts).toBeGreaterThanOrEqual(1);
    expect(item!.nextAttemptAt > new Date(Date.now() - 1000).toISOString()).toBe(true);

    proxy.clear();
    await drain(t.ticketId);
    expect(await atSeller('acme', t.externalId)).toHaveLength(1);
    expect((await ticketRow(t.ticketId)).syncState).toBe('synced');
  });

  it('patch: queued while down, the note reaches the Seller exactly once', async () => {
    proxy.clear();
    const t = await create();
    inject('patch', { kind: 'down' });
    const patched = await patchTicket({ ticketId: t.ticketId, note: 'Still down after reboot' });
    expect(patched.ok, patched.message).toBe(true);
    expect((patched.data as { delivery: string }).delivery).toBe('queued');
    expect((await ticketRow(t.ticketId)).syncState).toBe('queued');
    proxy.clear();
    await drain(t.ticketId);
    const [ticket] = await atSeller('acme', t.externalId);
    expect(ticket!.note?.filter((n) => n.text === 'Still down after reboot')).toHaveLength(1);
  });

  it('cancel: queued while down, cancelled once afterwards', async () => {
    proxy.clear();
    const t = await create();
    inject('cancel', { kind: 'down' });
    expect((await cancelTicket({ ticketId: t.ticketId })).ok).toBe(true);
    expect((await ticketRow(t.ticketId)).syncState).toBe('queued');
    proxy.clear();
    await drain(t.ticketId);
    const [ticket] = await atSeller('acme', t.externalId);
    expect(['assessingCancellation', 'cancelled']).toContain(ticket!.status);
    expect(proxy.seen.filter((s) => OPERATIONS.cancel(s.method, s.path) && !s.fault)).toHaveLength(1);
  });

  it.each(['close', 'reopen'] as const)('%s: queued while down, done once afterwards', async (operation) => {
    const t = await resolvedTicket();
    const before = proxy.seen.length;
    inject(operation, { kind: 'down' });
    const result = operation === 'close' ? await closeTicket({ ticketId: t.ticketId }) : await reopenTicket({ ticketId: t.ticketId, reason: 'Still flapping' });
    expect(result.ok, result.message).toBe(true);
    expect((await ticketRow(t.ticketId)).syncState).toBe('queued');
    proxy.clear();
    await drain(t.ticketId);
    const [ticket] = await atSeller('acme', t.externalId);
    expect(ticket!.status).toBe(operation === 'close' ? 'closed' : 'reopened');
    const sent = proxy.seen.slice(before).filter((s) => OPERATIONS[operation](s.method, s.path) && !s.fault);
    expect(sent).toHaveLength(1);
    expect((await ticketRow(t.ticketId)).syncState).toBe('synced');
  });
});

describe('a Seller that answers badly', () => {
  it.each<[string, Fault]>([
    ['slower than the timeout (it created the ticket meanwhile)', { kind: 'slow', ms: 2200 }],
    ['503', { kind: 'status', status: 503 }],
    ['500', { kind: 'status', status: 500 }],
    ['429 with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
    ['a 201 whose body is not JSON', { kind: 'malformed' }],
    ['a 201 whose body breaks the MEF schema', { kind: 'mutate', change: (b) => ({ id: (b as { id: string }).id, status: 42 }) }],
    ['a 201 and then the connection dropped', { kind: 'dropAnswer' }],
  ])('create answered with %s: retried, and the Seller holds the ticket exactly once', async (_what, fault) => {
    inject('create', fault, 1);
    const t = await create();
    expect(t.delivery).toBe('queued');
    const row = await ticketRow(t.ticketId);
    expect(row.syncState).toBe('queued');
    expect(row.syncError).toBeTruthy();
    await drain(t.ticketId);
    const held = await atSeller('acme', t.externalId);
    expect(held).toHaveLength(1);
    const synced = await ticketRow(t.ticketId);
    expect(synced.sellerTicketId).toBe(held[0]!.id);
    expect(synced.syncState).toBe('synced');
    expect(synced.status).toBe('acknowledged');
    // Nothing of a broken answer is left in the cache.
    expect(synced.description).toBe(base.description);
    const rows = await getDb().select().from(tickets).where(eq(tickets.externalId, t.externalId)).all();
    expect(rows).toHaveLength(1);
  });

  it('patch answered late: the retry sees the note already there and does not send it again', async () => {
    proxy.clear();
    const t = await create();
    inject('patch', { kind: 'slow', ms: 2200 }, 1);
    const patched = await patchTicket({ ticketId: t.ticketId, note: 'Late answer note' });
    expect(patched.ok).toBe(true);
    await drain(t.ticketId);
    const [ticket] = await atSeller('acme', t.externalId);
    expect(ticket!.note?.filter((n) => n.text === 'Late answer note')).toHaveLength(1);
  });

  it('a 422 is the Seller’s decision: not retried, shown to the operator with its reason', async () => {
    inject('create', { kind: 'status', status: 422, body: JSON.stringify([{ code: 'invalidValue', reason: 'Product is not serviceable', propertyPath: '/relatedEntity/0/id' }]) }, 1);
    const result = await createTicket({ ...base, seller: 'acme', productId: acmeProduct });
    expect(result).toMatchObject({ ok: false, status: 422 });
    expect(result.message).toMatch(/Product is not serviceable/);
    const latest = (await getDb().select().from(tickets).orderBy(asc(tickets.id)).all()).at(-1)!;
    const t = { ticketId: latest.id, externalId: latest.externalId };
    const row = await ticketRow(t.ticketId);
    expect(row.syncState).toBe('rejected');
    expect(row.syncError).toMatch(/Product is not serviceable/);
    const [item] = await items(t.ticketId);
    expect(item!.state).toBe('rejected');
    expect(await atSeller('acme', t.externalId)).toHaveLength(0);
  });

  it('keeps other Sellers working while one is down', async () => {
    inject('create', { kind: 'down' });
    const stuck = await create('acme');
    const other = await create('globex');
    expect(stuck.delivery).toBe('queued');
    expect(other.delivery).toBe('sent');
    expect(await atSeller('globex', other.externalId)).toHaveLength(1);
    proxy.clear();
    await drain(stuck.ticketId);
    expect(await atSeller('acme', stuck.externalId)).toHaveLength(1);
  });
});
