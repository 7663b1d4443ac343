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

/** The outbox delivers through the per-Seller circuit breaker (lib/sync/circuit-breaker.ts, default 5 outages). */
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
