import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { tickets } from '@/db/schema';
import { createTicket } from '@/lib/actions/tickets';
import { deliverTicket, dueTicketIds, makeDueNow } from '@/lib/sync/outbox';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';
import { discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox } from '../integration/tickets/ticket-desk-fixture';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

let sandbox: RunningSandbox;
let proxy: FaultProxy;
let product: string;
const base = { description: 'Down', severity: 'minor', priority: 'low', observedImpact: 'down', ticketType: 'assistance', reporter } as const;

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  process.env.OUTBOX_RETRY_BASE_MS = '50';
  process.env.OUTBOX_RETRY_MAX_MS = '100';
  actAs((await createUser('noc')).id);
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  const found = await discover(sandbox.url);
  proxy = await startFaultProxy(sandbox.url);
  const acme = found.find((s) => s.slug === 'acme')!;
  product = acme.products[0]!.id;
  await registerSandboxSellers(dir, found, {
    acme: {
      troubleTicketBaseUrl: acme.baseUrls.troubleTicket.replace(sandbox.url, proxy.origin),
      tokenUrl: acme.tokenUrl.replace(sandbox.url, proxy.origin),
      timeoutMs: 1000,
    },
  });
});

afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
});

/**
 * lib/sync/outbox.ts send(), create branch (line ~318):
 *   const match = found.items.find((t) => t.externalId === body.externalId) ?? found.items[0];
 * A Seller that ignores the externalId filter (or answers a page without our ticket) makes the retry adopt some other
 * ticket: the operation is marked done, our ticket keeps no Seller id and its later patches stay blocked.
 * Fix: drop `?? found.items[0]` (TroubleTicket_Find carries externalId, so the exact match is always possible).
 */
describe('a create retried at a Seller that ignores the externalId filter', () => {
  it('binds our ticket to the Seller’s ticket with our id, not to whatever comes first', async () => {
    proxy.clear();
    for (let i = 0; i < 6; i++) expect((await createTicket({ ...base, seller: 'acme', productId: product })).ok).toBe(true);
    let dropped = 0;
    proxy.set(({ method, path: p }) => {
      if (method === 'POST' && p.endsWith('/troubleTicket') && dropped === 0) {
        dropped += 1;
        return { kind: 'dropAnswer' };
      }
      // Ignores the filter and lists oldest first, so our new ticket is not on the first page.
      if (method === 'GET' && p.endsWith('/troubleTicket')) return { kind: 'mutate', stripQuery: ['externalId', 'limit'], change: (list) => (list as unknown[]).reverse().slice(0, 5) };
      return undefined;
    });
    const result = await createTicket({ ...base, seller: 'acme', productId: product });
    const { ticketId, externalId } = result.data as { ticketId: number; externalId: string };
    for (let i = 0; i < 5; i++) {
      await makeDueNow(ticketId);
      await deliverTicket(ticketId, { force: true });
    }
    const held = (await sellerTickets(sandbox.url, 'acme')).filter((t) => t.externalId === externalId);
    expect(held).toHaveLength(1);
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get())!;
    expect(row.sellerTicketId).toBe(held[0]!.id);
  });
});

/**
 * lib/sync/outbox.ts deliverItem (line ~263, `await send(item, ctx.ticket, ctx.client, retried)`): there is no
 * per-Seller circuit breaker, so while a Seller is down every due ticket of that Seller opens its own connection (and
 * token request) on every pass. Fix, one line with lib/sync/circuit-breaker.ts:
 *   await withSellerBreaker(item.sellerId, () => send(item, ctx.ticket, ctx.client, retried));
 */
describe('a Seller that is down while many tickets are due', () => {
  it('is not called once per ticket on every pass', async () => {
    proxy.set(() => ({ kind: 'down' }));
    for (let i = 0; i < 10; i++) await createTicket({ ...base, seller: 'acme', productId: product });
    const before = proxy.seen.length;
    for (const id of await dueTicketIds(100, new Date(Date.now() + 60_000))) {
      await makeDueNow(id);
      await deliverTicket(id, { force: true });
    }
    expect(proxy.seen.length - before).toBeLessThanOrEqual(5);
  });
});
