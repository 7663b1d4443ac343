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
import { storeTicket } from '@/tests/support/seller-documents';
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
 * lib/sync/inbox-worker.ts processResource (line 216, `const outcome = await applyFetched(...)`): when storing the
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
