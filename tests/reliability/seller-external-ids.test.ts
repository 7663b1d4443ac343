import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { products, tickets } from '@/db/schema';
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

beforeEach(async () => {
  usePortalTestEnv();
  acme = await startDocumentSeller('acme');
  globex = await startDocumentSeller('globex');
  acmeId = (await insertSeller('acme', acme.origin)).id;
  globexId = (await insertSeller('globex', globex.origin)).id;
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await acme.close();
  await globex.close();
});

/** Our ticket ids are ours: a Seller document cannot take one, collide with another Seller's, or block our sequence. */
describe('a Seller document naming an id that is not its own', () => {
  it('is stored beside the other Seller’s ticket without touching it', async () => {
    const mine = await storeTicket(acmeId, ticketDoc('TT-A', 'inProgress', '2026-11-27T10:00:00.000Z', { externalId: 'NOC-2026-000123' }) as unknown as TroubleTicket, new Date().toISOString());
    globex.docs.troubleTicket.set('TT-G', ticketDoc('TT-G', 'pending', '2026-11-27T10:00:00.000Z', { externalId: 'NOC-2026-000123' }));
    worker = startInboxWorker({ pollMs: 50, backoff: { baseMs: 50, maxMs: 100 } });
    await enqueueInbox({ sellerId: globexId, api: 'troubleTicket', eventId: 'e-g', eventType: 'troubleTicketStatusChangeEvent', eventTime: new Date().toISOString(), resourceId: 'TT-G', body: {} });
    await worker.idle();
    const theirs = await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, 'TT-G')).get();
    expect(theirs?.sellerId).toBe(globexId);
    expect(theirs?.status).toBe('pending');
    const untouched = (await getDb().select().from(tickets).where(eq(tickets.id, mine.ticket.id)).get())!;
    expect(untouched.sellerId).toBe(acmeId);
    expect(untouched.status).toBe('inProgress');
  });

  it('does not block our next ticket number', async () => {
    const year = new Date().getUTCFullYear();
    const seen = await storeTicket(acmeId, ticketDoc('TT-X', 'inProgress', `${year}-01-01T10:00:00.000Z`, { externalId: `NOC-${year}-000001` }) as unknown as TroubleTicket, new Date().toISOString());
    expect(seen.ticket.externalId).not.toBe(`NOC-${year}-000001`);
    await getDb().insert(products).values({ sellerId: acmeId, productId: 'PROD-1', label: 'Line' }).run();
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
    });
    // This fake Seller has no create operation, so the answer is a refusal; what matters is that our id was free.
    expect(result.status).not.toBe(500);
    const ours = await getDb().select().from(tickets).where(eq(tickets.externalId, `NOC-${year}-000001`)).get();
    expect(ours?.sellerTicketId ?? null).toBeNull();
    expect(ours?.description).toBe('Down');
  });
});
