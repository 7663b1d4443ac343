import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { inbox, products, sellerDocumentRejections, sellers, tickets, workOrders, type Seller } from '@/db/schema';
import { fetchDashboard } from '@/lib/data/dashboard';
import { listSellerNotificationViews } from '@/lib/data/notifications';
import { SonataSchemaError } from '@/lib/sonata/errors';
import { enqueueInbox } from '@/lib/sync/inbox';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { refreshSellerWorkforce, refreshTicket } from '@/lib/sync/seller-refresh';
import { usePortalTestEnv } from '../../support/portal-env';
import { startDocumentSeller, ticketDoc, workOrderDoc, type DocumentSeller } from '../../unit/notifications/fake-seller';
import { insertSeller } from '../../unit/notifications/support';

let seller: DocumentSeller;
let acme: Seller;
let worker: InboxWorker | undefined;

beforeEach(async () => {
  usePortalTestEnv();
  seller = await startDocumentSeller('acme');
  acme = await insertSeller('acme', seller.origin);
  await getDb().insert(products).values({ sellerId: acme.id, productId: 'PROD-1', label: 'Head office fibre' }).run();
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await seller.close();
});

const rejections = () => getDb().select().from(sellerDocumentRejections).all();

describe('a Seller document that breaks the schema beyond what the Seller is allowed', () => {
  it('is not cached, is recorded with its violations, and counts again when seen again', async () => {
    seller.docs.troubleTicket.set('TT-9', ticketDoc('TT-9', 'halfDone', '2026-11-27T10:00:00.000Z', { severity: 'apocalyptic' }));
    await expect(refreshTicket(acme, 'TT-9')).rejects.toBeInstanceOf(SonataSchemaError);
    await expect(refreshTicket(acme, 'TT-9')).rejects.toBeInstanceOf(SonataSchemaError);
    expect(await getDb().select().from(tickets).all()).toEqual([]);
    const [row, ...more] = await rejections();
    expect(more).toEqual([]);
    expect(row).toMatchObject({ sellerId: acme.id, api: 'troubleTicket', operationId: 'retrieveTroubleTicket', resourceId: 'TT-9', count: 2 });
    expect(row!.violations.map((v) => v.path).sort()).toEqual(['/severity', '/status', '/statusChange/0/status']);
    expect(row!.violations.every((v) => v.message.length > 0)).toBe(true);
  });

  it('fetched for a notification, it is not cached and is recorded; the event waits for a valid document', async () => {
    seller.docs.troubleTicket.set('TT-7', { ...ticketDoc('TT-7', 'inProgress', '2026-11-27T10:00:00.000Z'), relatedEntity: [] });
    await enqueueInbox({
      sellerId: acme.id,
      api: 'troubleTicket',
      eventId: 'e-1',
      eventType: 'troubleTicketStatusChangeEvent',
      eventTime: new Date().toISOString(),
      resourceId: 'TT-7',
      body: { eventId: 'e-1', eventType: 'troubleTicketStatusChangeEvent', event: { id: 'TT-7' } },
    });
    worker = startInboxWorker({ pollMs: 20, backoff: { baseMs: 5_000, maxMs: 5_000 } });
    await worker.idle();
    expect(await getDb().select().from(tickets).all()).toEqual([]);
    expect((await getDb().select().from(inbox).all())[0]?.state).not.toBe('done');
    const [row] = await rejections();
    expect(row).toMatchObject({ operationId: 'retrieveTroubleTicket', resourceId: 'TT-7' });
    expect(row!.violations).toEqual([expect.objectContaining({ path: '/relatedEntity' })]);
  });

  it('is shown in Settings → Notifications with its violations and counted in the dashboard per Seller', async () => {
    seller.docs.workorder.set('WO-1', { ...workOrderDoc('WO-1', 'open', true), state: 'sortOf' });
    seller.docs.workorder.set('WO-2', workOrderDoc('WO-2', 'open', true));
    const result = await refreshSellerWorkforce(acme);
    // The list answer itself breaks the schema: none of it is used.
    expect(result.workOrders).toBe(0);
    expect(result.errors.join(' ')).toMatch(/work orders: .*\/0\/state/);
    expect(await getDb().select().from(workOrders).all()).toEqual([]);

    const [view] = await listSellerNotificationViews();
    expect(view!.rejectedDocuments).toEqual([
      expect.objectContaining({ api: 'workOrder', operationId: 'listWorkOrder', resourceId: '', count: 1, violations: [expect.objectContaining({ path: '/0/state', keyword: 'enum' })] }),
    ]);
    expect(view!.toleratedDeviations.known).toContain('unknownMembers');

    const now = Date.now();
    const dashboard = await fetchDashboard({ sellerId: null, fromMs: now - 86_400_000, toMs: now, nowMs: now });
    expect(dashboard.now.refusedDocumentsBySeller).toEqual([expect.objectContaining({ sellerId: acme.id, count: 1 })]);
  });

  it('a deviation the Seller is allowed is cached; the same one is refused once an administrator withdraws it', async () => {
    seller.docs.troubleTicket.set('TT-5', { ...ticketDoc('TT-5', 'inProgress', '2026-11-27T10:00:00.000Z'), sellerRef: 'X-1' });
    expect((await refreshTicket(acme, 'TT-5')).outcome).toBe('inserted');
    await getDb().update(sellers).set({ toleratedDeviations: { known: [], allowed: [] } }).where(eq(sellers.id, acme.id)).run();
    const strict = (await getDb().select().from(sellers).where(eq(sellers.id, acme.id)).get())!;
    await expect(refreshTicket(strict, 'TT-5')).rejects.toBeInstanceOf(SonataSchemaError);
    expect((await rejections())[0]!.violations).toEqual([expect.objectContaining({ path: '/sellerRef', keyword: 'unexpectedProperty' })]);
    await getDb()
      .update(sellers)
      .set({ toleratedDeviations: { known: [], allowed: [{ operationId: 'retrieveTroubleTicket', path: '/sellerRef' }] } })
      .where(eq(sellers.id, acme.id))
      .run();
    const allowing = (await getDb().select().from(sellers).where(eq(sellers.id, acme.id)).get())!;
    expect((await refreshTicket(allowing, 'TT-5')).outcome).not.toBe('stale');
  });
});
