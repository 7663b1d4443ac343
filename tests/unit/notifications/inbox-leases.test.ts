import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox, products, tickets, type Seller } from '@/db/schema';
import { changesAfter } from '@/lib/sync/change-feed';
import { claimResource, enqueueInbox, releaseDeadLeases, renewLease } from '@/lib/sync/inbox';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { usePortalTestEnv } from '../../support/portal-env';
import { startDocumentSeller, ticketDoc, type DocumentSeller } from './fake-seller';
import { insertSeller } from './support';

const TYPE = 'troubleTicketStatusChangeEvent';
let acmeSeller: DocumentSeller;
let acme: Seller;
const workers: InboxWorker[] = [];
let counter = 0;

async function deliver(seller: Seller, id: string) {
  const eventId = `l-${++counter}`;
  return enqueueInbox({
    sellerId: seller.id,
    api: 'troubleTicket',
    eventId,
    eventType: TYPE,
    eventTime: new Date().toISOString(),
    resourceId: id,
    body: { eventId, eventType: TYPE, event: { id } },
  });
}

function run(options: Parameters<typeof startInboxWorker>[0] = {}) {
  const worker = startInboxWorker({ pollMs: 20, backoff: { baseMs: 10, maxMs: 40 }, ...options });
  workers.push(worker);
  return worker;
}

function seed(seller: DocumentSeller, ids: string[]) {
  for (const id of ids) seller.docs.troubleTicket.set(id, ticketDoc(id, 'inProgress', '2026-11-27T10:00:00.000Z'));
}

async function until(probe: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const allDone = () => getDb().select().from(inbox).all().every((r) => r.state === 'done');

beforeEach(async () => {
  usePortalTestEnv();
  acmeSeller = await startDocumentSeller('acme');
  acme = await insertSeller('acme', acmeSeller.origin);
  await getDb().insert(products).values({ sellerId: acme.id, productId: 'PROD-1', label: 'Head office fibre' }).run();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await acmeSeller.close();
});

describe('leases between workers', () => {
  it('two workers on one database fetch and apply each resource once', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `TT-${i}`);
    seed(acmeSeller, ids);
    for (const id of ids) for (let k = 0; k < 3; k++) await deliver(acme, id);
    acmeSeller.state.delayMs = 30;
    run({ owner: 'worker-a' });
    run({ owner: 'worker-b' });
    await until(allDone);
    const singleGets = acmeSeller.gets.filter((p) => /\/troubleTicket\/TT-/.test(p));
    expect(singleGets).toHaveLength(12);
    expect(new Set(singleGets).size).toBe(12);
    const ticketChanges = (await changesAfter(0)).filter((e) => e.topic === 'ticket');
    expect(ticketChanges.map((e) => e.payload.id).sort()).toEqual([...ids].sort());
    expect(getDb().select().from(tickets).all()).toHaveLength(12);
  });

  it('leaves a resource alone while another worker holds it, and takes it over once the lease has expired', async () => {
    seed(acmeSeller, ['TT-1']);
    await deliver(acme, 'TT-1');
    const held = await claimResource(acme.id, 'ticket', 'TT-1', 'stalled-worker', 300);
    expect(held).toHaveLength(1);
    run({ owner: 'worker-b' });
    await new Promise((r) => setTimeout(r, 150));
    expect(acmeSeller.gets).toHaveLength(0);
    await until(allDone, 5_000);
    expect(acmeSeller.gets.filter((p) => p.endsWith('/TT-1'))).toHaveLength(1);
  });

  it('a worker whose lease was taken over cannot settle what it claimed', async () => {
    await deliver(acme, 'TT-1');
    await deliver(acme, 'TT-1');
    const t0 = Date.now();
    const mine = await claimResource(acme.id, 'ticket', 'TT-1', 'a', 100, t0);
    expect(mine.map((r) => r.eventId)).toHaveLength(2);
    // Not expired yet: b gets nothing, and a newer entry does not go to b either.
    await deliver(acme, 'TT-1');
    expect(await claimResource(acme.id, 'ticket', 'TT-1', 'b', 100, t0 + 50)).toEqual([]);
    // Expired: b takes all three over, and a's renewal before applying fails.
    const taken = await claimResource(acme.id, 'ticket', 'TT-1', 'b', 100, t0 + 150);
    expect(taken).toHaveLength(3);
    expect(await renewLease(mine.map((r) => r.id), 'a', 100, t0 + 160)).toBe(false);
    expect(await renewLease(taken.map((r) => r.id), 'b', 100, t0 + 160)).toBe(true);
  });

  it('claims one entity kind of a resource id only', async () => {
    await deliver(acme, 'X-1');
    await enqueueInbox({
      sellerId: acme.id,
      api: 'appointment',
      eventId: 'ap-x1',
      eventType: 'appointmentStatusChangeEvent',
      eventTime: new Date().toISOString(),
      resourceId: 'X-1',
      body: {},
    });
    const claimed = await claimResource(acme.id, 'ticket', 'X-1', 'a', 1_000);
    expect(claimed.map((r) => r.eventType)).toEqual([TYPE]);
    expect(await claimResource(acme.id, 'appointment', 'X-1', 'b', 1_000)).toHaveLength(1);
  });

  it('frees at start the leases of a dead process on this host, not those of a live one', async () => {
    await deliver(acme, 'TT-1');
    await deliver(acme, 'TT-2');
    await claimResource(acme.id, 'ticket', 'TT-1', `h1:999999999:x`, 60_000);
    await claimResource(acme.id, 'ticket', 'TT-2', `h1:${process.pid}:y`, 60_000);
    expect(await releaseDeadLeases('h1')).toBe(1);
    const rows = getDb().select().from(inbox).all();
    expect(rows.find((r) => r.resourceId === 'TT-1')?.leaseOwner).toBeNull();
    expect(rows.find((r) => r.resourceId === 'TT-2')?.leaseOwner).toBe(`h1:${process.pid}:y`);
  });
});

describe('parallel per Seller, in order per resource', () => {
  it('fetches different resources at once, never more than the bound for one Seller, while another Seller has its own', async () => {
    const globexSeller = await startDocumentSeller('globex');
    try {
      const globex = await insertSeller('globex', globexSeller.origin);
      const ids = Array.from({ length: 9 }, (_, i) => `TT-${i}`);
      seed(acmeSeller, ids);
      seed(globexSeller, ids);
      for (const id of ids) {
        await deliver(acme, id);
        await deliver(globex, id);
      }
      acmeSeller.state.delayMs = 80;
      globexSeller.state.delayMs = 80;
      run({ perSellerConcurrency: 3, concurrency: 64 });
      await until(allDone);
      expect(acmeSeller.state.maxInFlight).toBe(3);
      expect(globexSeller.state.maxInFlight).toBe(3);
    } finally {
      await globexSeller.close();
    }
  });

  it('coalesces events that arrive during a fetch into one more fetch, and never fetches one resource twice at once', async () => {
    seed(acmeSeller, ['TT-1']);
    acmeSeller.state.delayMs = 150;
    await deliver(acme, 'TT-1');
    run({ perSellerConcurrency: 8 });
    await until(() => acmeSeller.gets.length === 1);
    for (let k = 0; k < 5; k++) await deliver(acme, 'TT-1');
    await until(allDone);
    expect(acmeSeller.gets.filter((p) => p.endsWith('/TT-1'))).toHaveLength(2);
    expect(acmeSeller.state.maxInFlightPerPath).toBe(1);
  });
});
