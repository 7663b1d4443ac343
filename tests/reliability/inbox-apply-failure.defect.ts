import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { inbox, tickets } from '@/db/schema';
import { createTicket } from '@/lib/actions/tickets';
import { enqueueInbox } from '@/lib/sync/inbox';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { applyTicketDocument } from '@/lib/sync/ticket-cache';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';
import { startDocumentSeller, ticketDoc, type DocumentSeller } from '../unit/notifications/fake-seller';
import { insertSeller } from '../unit/notifications/support';

let acme: DocumentSeller;
let globex: DocumentSeller;
let worker: InboxWorker | undefined;
let acmeId: number;
let globexId: number;

async function notify(sellerId: number, id: string) {
  await enqueueInbox({ sellerId, api: 'troubleTicket', eventId: `e-${Math.random()}`, eventType: 'troubleTicketStatusChangeEvent', eventTime: new Date().toISOString(), resourceId: id, body: {} });
}

beforeEach(async () => {
  usePortalTestEnv();
  acme = await startDocumentSeller('acme');
  globex = await startDocumentSeller('globex');
  acmeId = (await insertSeller('acme', acme.origin)).id;
  globexId = (await insertSeller('globex', globex.origin)).id;
});

afterEach(async () => {
  await worker?.stop();
  await acme.close();
  await globex.close();
});

/**
 * lib/sync/inbox-worker.ts processResource (line ~206, `const outcome = await applyFetched(...)`): when storing the
 * fetched document throws (a document that breaks the schema and hits NOT NULL, a unique-key clash), the error goes
 * to the scan's catch, the events stay pending and due, and the next scan fetches again at once: a hot loop of GETs.
 * Fix: wrap applyFetched in try/catch and, on failure, rescheduleInboxItems(ids, backoff, message) (or
 * failInboxItems after maxPermanent attempts), like a failed GET.
 */
describe('a document the cache cannot store', () => {
  it('is retried with backoff, not fetched in a loop, and the reason is kept', async () => {
    acme.docs.troubleTicket.set('TT-BAD', { id: 'TT-BAD', status: 'inProgress' });
    worker = startInboxWorker({ pollMs: 1000, backoff: { baseMs: 1000, maxMs: 5000 } });
    await notify(acmeId, 'TT-BAD');
    await new Promise((r) => setTimeout(r, 1500));
    const fetches = acme.gets.filter((g) => g.endsWith('/TT-BAD')).length;
    expect(fetches).toBeLessThanOrEqual(3);
    const item = (await getDb().select().from(inbox).get())!;
    expect(item.attempts).toBeGreaterThanOrEqual(1);
    expect(item.lastError).toBeTruthy();
  });
});

/**
 * lib/sync/ticket-cache.ts applyTicketDocumentTx, insert branch (line ~91): a ticket first seen from a Seller keeps
 * the Seller's `externalId` as our ticket id. tickets.external_id is unique across Sellers and our own ids
 * (NOC-YYYY-NNNNNN) come from a sequence, so a Seller document that names another Seller's ticket id, or one of ours
 * not yet issued, cannot be stored (and then loops, above) or later blocks every new ticket at that number.
 * Fix: on insert, keep doc.externalId only when no other row holds it and it is not in our own id pattern
 * (isExternalId); otherwise store `${sellerId}:${doc.id}` as the row's id (the document keeps the Seller's value).
 */
describe('a Seller document naming an id that is not its own', () => {
  it('is stored beside the other Seller’s ticket without touching it', async () => {
    const mine = await applyTicketDocument(acmeId, ticketDoc('TT-A', 'inProgress', '2026-11-27T10:00:00.000Z', { externalId: 'NOC-2026-000123' }) as unknown as TroubleTicket, new Date().toISOString());
    globex.docs.troubleTicket.set('TT-G', ticketDoc('TT-G', 'pending', '2026-11-27T10:00:00.000Z', { externalId: 'NOC-2026-000123' }));
    worker = startInboxWorker({ pollMs: 50, backoff: { baseMs: 50, maxMs: 100 } });
    await notify(globexId, 'TT-G');
    await new Promise((r) => setTimeout(r, 500));
    const theirs = await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, 'TT-G')).get();
    expect(theirs?.sellerId).toBe(globexId);
    const untouched = (await getDb().select().from(tickets).where(eq(tickets.id, mine.ticket.id)).get())!;
    expect(untouched.sellerId).toBe(acmeId);
    expect(untouched.status).toBe('inProgress');
  });

  it('does not block our next ticket number', async () => {
    const year = new Date().getUTCFullYear();
    await applyTicketDocument(acmeId, ticketDoc('TT-X', 'inProgress', `${year}-01-01T10:00:00.000Z`, { externalId: `NOC-${year}-000001` }) as unknown as TroubleTicket, new Date().toISOString());
    await getDb().insert((await import('@/db/schema')).products).values({ sellerId: acmeId, productId: 'PROD-1', label: 'Line' }).run();
    actAs((await createUser('noc')).id);
    const result = await createTicket({
      seller: 'acme',
      productId: 'PROD-1',
      description: 'Down',
      severity: 'minor',
      priority: 'low',
      observedImpact: 'down',
      ticketType: 'assistance',
      reporter: { name: 'N', number: '1', emailAddress: 'n@noc.example' },
    }).catch((err: unknown) => ({ ok: false, message: String(err) }));
    expect(result.ok, result.message).toBe(true);
  });
});
