import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { tickets } from '@/db/schema';
import { createTicket } from '@/lib/actions/tickets';
import { deliverTicket, makeDueNow } from '@/lib/sync/outbox';
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

async function deliverAFewTimes(ticketId: number) {
  for (let i = 0; i < 5; i++) {
    await makeDueNow(ticketId);
    await deliverTicket(ticketId, { force: true });
  }
}

/** A Seller that ignores the externalId filter and lists oldest first, paging honestly (or not at all). */
function ignoringFilter(pageHonestly: boolean) {
  let dropped = 0;
  proxy.set(({ method, path: p }) => {
    if (method === 'POST' && p.endsWith('/troubleTicket') && dropped === 0) {
      dropped += 1;
      return { kind: 'dropAnswer' };
    }
    if (method === 'GET' && p.endsWith('/troubleTicket')) {
      return {
        kind: 'mutate',
        stripQuery: ['externalId', 'offset', 'limit'],
        change: (list, asked) => {
          const all = (list as unknown[]).reverse();
          if (!pageHonestly) return all.slice(0, 5);
          const offset = Number(asked.searchParams.get('offset') ?? 0);
          const limit = Number(asked.searchParams.get('limit') ?? 100);
          return all.slice(offset, offset + limit);
        },
      };
    }
    return undefined;
  });
}

describe('a create whose answer was lost, at a Seller that ignores the externalId filter', () => {
  it('is found on a later page and bound to the Seller’s ticket with our id, never re-sent', async () => {
    proxy.clear();
    for (let i = 0; i < 6; i++) expect((await createTicket({ ...base, seller: 'acme', productId: product })).ok).toBe(true);
    ignoringFilter(true);
    const result = await createTicket({ ...base, seller: 'acme', productId: product });
    const { ticketId, externalId } = result.data as { ticketId: number; externalId: string };
    await deliverAFewTimes(ticketId);
    const held = (await sellerTickets(sandbox.url, 'acme')).filter((t) => t.externalId === externalId);
    expect(held).toHaveLength(1);
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get())!;
    expect(row.sellerTicketId).toBe(held[0]!.id);
    expect(row.syncState).toBe('synced');
  });

  it('is neither bound to another ticket nor sent twice when the Seller’s list never shows it', async () => {
    ignoringFilter(false);
    const result = await createTicket({ ...base, seller: 'acme', productId: product });
    const { ticketId, externalId } = result.data as { ticketId: number; externalId: string };
    await deliverAFewTimes(ticketId);
    expect((await sellerTickets(sandbox.url, 'acme')).filter((t) => t.externalId === externalId)).toHaveLength(1);
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get())!;
    expect(row.sellerTicketId).toBeNull();
    expect(row.syncState).toBe('queued');
    expect(row.syncError).toBeTruthy();
    proxy.clear();
  });
});
