import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appointments, inbox, incidents, products, tickets, waitingItems, workOrders, type Seller } from '@/db/schema';
import { changesAfter } from '@/lib/sync/change-feed';
import { enqueueInbox } from '@/lib/sync/inbox';
import { applyFetched, startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { usePortalTestEnv } from '../../support/portal-env';
import { appointmentDoc, incidentDoc, startDocumentSeller, ticketDoc, workOrderDoc, type DocumentSeller } from './fake-seller';
import { insertSeller } from './support';

let seller: DocumentSeller;
let acme: Seller;
let worker: InboxWorker | undefined;
let counter = 0;

async function deliver(api: 'troubleTicket' | 'appointment' | 'workOrder', eventType: string, id: string, eventId = `e-${++counter}`) {
  return enqueueInbox({
    sellerId: acme.id,
    api,
    eventId,
    eventType,
    eventTime: new Date().toISOString(),
    resourceId: id,
    body: { eventId, eventType, event: { id } },
  });
}

function run(options: Parameters<typeof startInboxWorker>[0] = {}) {
  worker = startInboxWorker({ pollMs: 20, backoff: { baseMs: 10, maxMs: 40 }, ...options });
  return worker;
}

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

describe('inbox worker', () => {
  it('fetches the ticket after an event, stores it, marks the event done and tells open screens', async () => {
    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'inProgress', '2026-11-27T10:00:00.000Z'));
    await deliver('troubleTicket', 'troubleTicketStatusChangeEvent', 'TT-1');
    await run().idle();
    const [row] = await getDb().select().from(tickets).all();
    expect(row).toMatchObject({ sellerTicketId: 'TT-1', status: 'inProgress' });
    const [entry] = await getDb().select().from(inbox).all();
    expect(entry?.state).toBe('done');
    expect((await changesAfter(0)).map((e) => [e.topic, e.payload.id, e.payload.status])).toContainEqual(['ticket', 'TT-1', 'inProgress']);
  });

  it('settles every pending event about one resource with a single GET', async () => {
    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'inProgress', '2026-11-27T10:00:00.000Z'));
    for (let i = 0; i < 5; i++) await deliver('troubleTicket', 'troubleTicketAttributeValueChangeEvent', 'TT-1');
    await run().idle();
    expect(seller.gets).toHaveLength(1);
    expect((await getDb().select().from(inbox).all()).every((r) => r.state === 'done')).toBe(true);
  });

  it('retries a failed GET with backoff and applies the event once the Seller answers', async () => {
    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'pending', '2026-11-27T10:00:00.000Z'));
    seller.state.failNext = 2;
    await deliver('troubleTicket', 'troubleTicketInformationRequiredEvent', 'TT-1');
    await run({ backoff: { baseMs: 300, maxMs: 300 } }).idle();
    const [entry] = await getDb().select().from(inbox).all();
    expect(entry?.state).toBe('pending');
    expect(entry?.attempts).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await getDb().select().from(inbox).all())[0]?.state, { timeout: 5000 }).toBe('done');
    expect(seller.gets.length).toBe(3);
    expect((await getDb().select().from(tickets).all())[0]?.status).toBe('pending');
  });

  it('gives up on a resource the Seller keeps saying does not exist', async () => {
    await deliver('troubleTicket', 'troubleTicketStatusChangeEvent', 'TT-404');
    run();
    await expect.poll(async () => (await getDb().select().from(inbox).all())[0]?.state, { timeout: 5000 }).toBe('failed');
    const [entry] = await getDb().select().from(inbox).all();
    expect(entry?.lastError).toMatch(/unknown id/);
    expect(await getDb().select().from(tickets).all()).toHaveLength(0);
  });

  it('never lets an older document overwrite a newer one, whatever order the answers come in', async () => {
    const newer = ticketDoc('TT-1', 'resolved', '2026-11-27T12:00:00.000Z');
    const older = { ...newer, status: 'inProgress', statusChange: [{ status: 'inProgress', changeDate: '2026-11-27T11:00:00.000Z' }] };
    await applyFetched(acme, { requestedAt: '2026-11-27T12:00:01.000Z', document: { entity: 'ticket', doc: newer as never } }, [], 'x');
    const late = await applyFetched(acme, { requestedAt: '2026-11-27T11:00:01.000Z', document: { entity: 'ticket', doc: older as never } }, [], 'x');
    expect(late.outcome).toBe('stale');
    expect((await getDb().select().from(tickets).all())[0]?.status).toBe('resolved');

    // Same for the other caches: a GET sent earlier loses against one sent later.
    await applyFetched(acme, { requestedAt: '2026-11-27T12:00:00.000Z', document: { entity: 'workOrder', doc: workOrderDoc('WO-1', 'planned', false) as never } }, [], 'x');
    await applyFetched(acme, { requestedAt: '2026-11-27T11:00:00.000Z', document: { entity: 'workOrder', doc: workOrderDoc('WO-1', 'open', true) as never } }, [], 'x');
    expect((await getDb().select().from(workOrders).all())[0]).toMatchObject({ status: 'planned', appointmentRequired: false });
  });

  it('opens and clears "waiting on you" items as a ticket goes pending, in progress, resolved and closed', async () => {
    const w = run();
    const open = async () =>
      (await getDb().select().from(waitingItems).all()).filter((i) => i.clearedAt === null).map((i) => i.kind);

    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'pending', '2026-11-27T10:00:00.000Z', { note: [{ id: 'n1', source: 'seller', text: 'Which rack?', date: '2026-11-27T10:00:00.000Z', author: 'Seller' }] }));
    await deliver('troubleTicket', 'troubleTicketInformationRequiredEvent', 'TT-1');
    await w.idle();
    expect(await open()).toEqual(['informationRequired']);
    const item = (await getDb().select().from(waitingItems).all())[0]!;
    expect(item.detail).toBe('Which rack?');
    expect((await changesAfter(0)).find((e) => e.topic === 'ticket')?.payload.actionable?.title).toMatch(/needs information/);

    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'inProgress', '2026-11-27T10:05:00.000Z'));
    await deliver('troubleTicket', 'troubleTicketStatusChangeEvent', 'TT-1');
    await w.idle();
    expect(await open()).toEqual([]);

    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'resolved', '2026-11-27T10:10:00.000Z'));
    await deliver('troubleTicket', 'troubleTicketResolvedEvent', 'TT-1');
    await w.idle();
    expect(await open()).toEqual(['clearanceRequested']);

    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'closed', '2026-11-27T10:20:00.000Z'));
    await deliver('troubleTicket', 'troubleTicketStatusChangeEvent', 'TT-1');
    await w.idle();
    expect(await open()).toEqual([]);
    expect((await changesAfter(0)).filter((e) => e.topic === 'waiting').map((e) => e.payload.status)).toEqual(['opened', 'cleared', 'opened', 'cleared']);
  });

  it('asks for an appointment instead of information when the pending ticket has a work order that needs one', async () => {
    const w = run();
    seller.docs.workorder.set('WO-1', workOrderDoc('WO-1', 'open', true));
    await deliver('workOrder', 'workOrderAppointmentRequiredEvent', 'WO-1');
    await w.idle();
    seller.docs.troubleTicket.set('TT-2', ticketDoc('TT-2', 'pending', '2026-11-27T10:00:00.000Z', { workOrder: [{ id: 'WO-1' }] }));
    await deliver('troubleTicket', 'troubleTicketStatusChangeEvent', 'TT-2');
    await w.idle();
    const open = (await getDb().select().from(waitingItems).all()).filter((i) => !i.clearedAt);
    expect(open.map((i) => i.kind)).toEqual(['appointmentRequired']);
    expect((await getDb().select().from(workOrders).all())[0]?.appointmentRequired).toBe(true);
  });

  it('caches incidents, and opens a "new incident" item only for one on our products', async () => {
    const w = run();
    seller.docs.incident.set('IN-1', incidentDoc('IN-1', 'inProgress', 'PROD-1'));
    seller.docs.incident.set('IN-2', incidentDoc('IN-2', 'inProgress', 'SOMEONE-ELSE'));
    await deliver('troubleTicket', 'incidentCreateEvent', 'IN-1');
    await deliver('troubleTicket', 'incidentCreateEvent', 'IN-2');
    await w.idle();
    const rows = await getDb().select().from(incidents).all();
    expect(rows.map((r) => [r.sellerResourceId, r.productId]).sort()).toEqual([['IN-1', 'PROD-1'], ['IN-2', null]]);
    const items = await getDb().select().from(waitingItems).all();
    expect(items.map((i) => [i.kind, i.entityId])).toEqual([['newIncident', 'IN-1']]);

    seller.docs.incident.set('IN-1', incidentDoc('IN-1', 'closed', 'PROD-1', '2026-11-27T11:00:00.000Z'));
    await deliver('troubleTicket', 'incidentStatusChangeEvent', 'IN-1');
    await w.idle();
    expect((await getDb().select().from(waitingItems).where(eq(waitingItems.entityId, 'IN-1')).get())?.clearedAt).not.toBeNull();
  });

  it('caches appointments and flags a change the Seller made to one we knew', async () => {
    const w = run();
    seller.docs.appointment.set('AP-1', appointmentDoc('AP-1', 'confirmed', 'WO-1'));
    await deliver('appointment', 'appointmentStatusChangeEvent', 'AP-1');
    await w.idle();
    expect(await getDb().select().from(waitingItems).all()).toHaveLength(0);
    seller.docs.appointment.set('AP-1', appointmentDoc('AP-1', 'confirmed', 'WO-1', '2026-11-28T13:00:00.000Z'));
    await deliver('appointment', 'appointmentAttributeValueChangeEvent', 'AP-1');
    await w.idle();
    const [row] = await getDb().select().from(appointments).all();
    expect(row).toMatchObject({ workOrderId: 'WO-1', startAt: '2026-11-28T13:00:00.000Z' });
    expect((await getDb().select().from(waitingItems).all()).map((i) => i.kind)).toEqual(['appointmentChanged']);
  });

  it('URL-encodes the opaque event.id in the GET path and never leaves the registered host', async () => {
    const id = '../../x?y#z';
    seller.docs.troubleTicket.set(id, ticketDoc(id, 'inProgress', '2026-11-27T10:00:00.000Z'));
    await deliver('troubleTicket', 'troubleTicketStatusChangeEvent', id);
    await run().idle();
    expect(seller.gets).toEqual([`/acme/mefApi/sonata/troubleTicket/v4/troubleTicket/${encodeURIComponent(id)}`]);
    expect((await getDb().select().from(tickets).all())[0]?.sellerTicketId).toBe(id);
  });
});
