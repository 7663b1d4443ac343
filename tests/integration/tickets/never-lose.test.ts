import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { closeDb, getDb } from '@/db';
import { outbox, tickets } from '@/db/schema';
import { createTicket, patchTicket } from '@/lib/actions/tickets';
import { startOutboxWorker, type OutboxWorker } from '@/lib/sync/outbox-worker';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox, waitFor, type DiscoveredSeller } from './ticket-desk-fixture';

const base = { description: 'Fibre cut suspected', severity: 'extensive', priority: 'critical', observedImpact: 'down', ticketType: 'maintenance', reporter } as const;

let dir: string;
let sandboxDb: string;
let sandboxPort: number;
let sandbox: RunningSandbox | undefined;
let worker: OutboxWorker | undefined;
let found: DiscoveredSeller[];
let proxy: http.Server;
let lostCreates = 0;

/** Forwards to the sandbox, but swallows the answer of the first create: the Seller acts, the Buyer never hears. */
async function startLossyProxy(target: string): Promise<string> {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      const isCreate = req.method === 'POST' && /\/troubleTicket$/.test(new URL(req.url ?? '/', 'http://x').pathname);
      if (isCreate && lostCreates === 0) {
        lostCreates++;
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, Object.fromEntries(upstream.headers.entries()));
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

function startWorker() {
  worker = startOutboxWorker({ intervalMs: 100, onError: () => undefined });
}

async function pendingCount() {
  return (await getDb().select().from(outbox).where(eq(outbox.state, 'pending')).all()).length;
}

beforeAll(async () => {
  ({ dir } = usePortalTestEnv());
  process.env.OUTBOX_RETRY_BASE_MS = '100';
  process.env.OUTBOX_RETRY_MAX_MS = '400';
  const user = await createUser('noc');
  actAs(user.id);
  sandboxDb = path.join(dir, 'sandbox.db');
  sandbox = await startTestSandbox(sandboxDb);
  sandboxPort = Number(new URL(sandbox.url).port);
  found = await discover(sandbox.url);
  const proxyUrl = await startLossyProxy(sandbox.url);
  const acme = found.find((s) => s.slug === 'acme')!;
  const lossy: DiscoveredSeller = {
    ...acme,
    slug: 'acme-lossy',
    name: 'Acme (lossy link)',
    baseUrls: {
      troubleTicket: acme.baseUrls.troubleTicket.replace(sandbox.url, proxyUrl),
      appointment: acme.baseUrls.appointment.replace(sandbox.url, proxyUrl),
      workOrder: acme.baseUrls.workOrder.replace(sandbox.url, proxyUrl),
    },
  };
  await registerSandboxSellers(dir, [...found, lossy]);
});

afterAll(async () => {
  await worker?.stop();
  await sandbox?.close();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  delete process.env.OUTBOX_RETRY_BASE_MS;
  delete process.env.OUTBOX_RETRY_MAX_MS;
});

describe('never lose a ticket', () => {
  it('queues creates and patches while the Seller is down, and after restarts each ticket exists once with its patch', async () => {
    await sandbox!.close();
    sandbox = undefined;

    const created = [];
    for (const [seller, product] of [
      ['acme', found.find((s) => s.slug === 'acme')!.products[0]!.id],
      ['globex', found.find((s) => s.slug === 'globex')!.products[0]!.id],
    ] as const) {
      const result = await createTicket({ ...base, seller, productId: product });
      expect(result.ok, result.message).toBe(true);
      expect(result.data?.delivery).toBe('queued');
      expect(result.message).toMatch(/Queued — will be sent/);
      created.push(result.data!);
    }
    for (const c of created) {
      const patched = await patchTicket({ ticketId: c.ticketId, note: `Update for ${c.externalId}`, priority: 'high' });
      expect(patched.ok, patched.message).toBe(true);
      expect(patched.data?.delivery).toBe('queued');
      const row = (await getDb().select().from(tickets).where(eq(tickets.id, c.ticketId)).get())!;
      expect(row.syncState).toBe('queued');
      expect(row.sellerTicketId).toBeNull();
      // A queued create is reachable by our id until the Seller has acknowledged it.
      expect(c.path).toBe(`/tickets/${c.ticketId === created[0]!.ticketId ? 'acme' : 'globex'}/${c.externalId}`);
    }
    expect(await pendingCount()).toBe(4);

    // The portal restarts (a new process would reopen the same file) and so does the Seller.
    closeDb();
    sandbox = await startTestSandbox(sandboxDb, sandboxPort);
    startWorker();
    await waitFor(async () => (await pendingCount()) === 0, 'the outbox to drain');

    for (const c of created) {
      const slug = c.path.split('/')[2]!;
      const atSeller = (await sellerTickets(sandbox.url, slug)).filter((t) => t.externalId === c.externalId);
      expect(atSeller).toHaveLength(1);
      expect(atSeller[0]!.priority).toBe('high');
      expect(atSeller[0]!.note?.filter((n) => n.text === `Update for ${c.externalId}`)).toHaveLength(1);
      const row = (await getDb().select().from(tickets).where(eq(tickets.id, c.ticketId)).get())!;
      expect(row.syncState).toBe('synced');
      expect(row.sellerTicketId).toBe(atSeller[0]!.id);
      expect(row.priority).toBe('high');
    }
  });

  it('reconciles a create whose answer was lost by looking it up by our id before any re-send', async () => {
    const product = found.find((s) => s.slug === 'acme')!.products[0]!.id;
    const result = await createTicket({ ...base, seller: 'acme-lossy', productId: product });
    expect(result.ok, result.message).toBe(true);
    expect(lostCreates).toBe(1);
    await waitFor(async () => (await pendingCount()) === 0, 'the lost create to be reconciled');
    const atSeller = (await sellerTickets(sandbox!.url, 'acme')).filter((t) => t.externalId === result.data!.externalId);
    expect(atSeller).toHaveLength(1);
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, result.data!.ticketId)).get())!;
    expect(row.sellerTicketId).toBe(atSeller[0]!.id);
    expect(row.syncState).toBe('synced');
    const item = (await getDb().select().from(outbox).where(eq(outbox.ticketId, row.id)).get())!;
    expect(item.state).toBe('done');
    expect(item.attempts).toBe(2);
  });
});
