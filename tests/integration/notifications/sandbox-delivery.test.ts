import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appointments, inbox, incidents, products, sellers, tickets, waitingItems, workOrders, type Seller } from '@/db/schema';
import { rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { sealClientSecret } from '@/lib/sellers/registry';
import { resetEnv } from '@/lib/env';
import { syncAllSellerNotifications } from '@/lib/sync/hub-registration';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { LISTENER_OPERATIONS } from '@/lib/sync/listener-catalog';
import { appointmentContacts, removeDir, startHarness, ticketBody, type Harness } from '../sandbox/harness';
import { usePortalTestEnv } from '../../support/portal-env';
import { startListenerServer } from './listener-server';

/**
 * The sandbox Sellers deliver real notifications, with tokens from our token endpoint, to the listener route
 * handlers served over HTTP; the inbox worker fetches each resource back from the sandbox into the caches.
 */

let h: Harness;
let portal: Awaited<ReturnType<typeof startListenerServer>>;
let worker: InboxWorker;
const registered: Record<string, Seller> = {};
const WAIT = { timeout: 20_000, interval: 50 };

async function control(method: string, path: string, body?: unknown) {
  const res = await h.control(method, path, body);
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

async function openTicket(slug: string, externalId: string): Promise<string> {
  const product = h.sellers[slug]!.products[0]!.id;
  const res = await h.mef(slug, 'troubleTicket', 'POST', '/troubleTicket', ticketBody(product, { externalId }));
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function cachedTicket(id: string) {
  return getDb().select().from(tickets).where(eq(tickets.sellerTicketId, id)).get();
}

async function openItems() {
  return (await getDb().select().from(waitingItems).all()).filter((i) => i.clearedAt === null);
}

beforeAll(async () => {
  usePortalTestEnv();
  portal = await startListenerServer();
  process.env.PUBLIC_URL = portal.url;
  resetEnv();
  h = await startHarness();
  for (const slug of ['acme', 'globex']) {
    const s = h.sellers[slug]!;
    const [row] = await getDb()
      .insert(sellers)
      .values({
        slug,
        name: slug,
        troubleTicketBaseUrl: s.baseUrls.troubleTicket,
        appointmentBaseUrl: s.baseUrls.appointment,
        workOrderBaseUrl: s.baseUrls.workOrder,
        tokenUrl: s.tokenUrl,
        clientId: s.clientId,
        clientSecretEnc: sealClientSecret(s.clientSecret, slug),
      })
      .returning();
    registered[slug] = row!;
    for (const p of s.products) await getDb().insert(products).values({ sellerId: row!.id, productId: p.id, label: p.name }).run();
  }
  await syncAllSellerNotifications({ pushCredentials: true });
  worker = startInboxWorker({ pollMs: 50 });
});

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await portal?.close();
  if (h) removeDir(h.dir);
});

describe('notifications from the sandbox', () => {
  it('registered one hub per API at each Seller and handed over credentials', async () => {
    for (const slug of ['acme', 'globex']) {
      const auth = await h.control('GET', `/${slug}/buyer-auth`);
      expect(auth.status).toBe(200);
      expect(JSON.stringify(auth.body)).toContain(`${portal.url}/oauth2/token`);
    }
  });

  it('delivers every event type of the three notification APIs, and the caches follow the Seller', async () => {
    // Tickets at acme: status change, attribute change, information required, resolved.
    const t1 = await openTicket('acme', 'NOC-INT-000001');
    await control('POST', `/acme/tickets/${t1}/status`, { status: 'inProgress' });
    await control('PATCH', `/acme/tickets/${t1}`, { sellerPriority: 'critical' });
    await control('POST', `/acme/tickets/${t1}/request-information`, { text: 'Which port is affected?' });
    await expect.poll(async () => (await cachedTicket(t1))?.status, WAIT).toBe('pending');
    await expect.poll(async () => (await openItems()).map((i) => i.kind), WAIT).toEqual(['informationRequired']);
    expect((await cachedTicket(t1))?.sellerPriority).toBe('critical');

    await control('POST', `/acme/tickets/${t1}/status`, { status: 'inProgress' });
    await control('POST', `/acme/tickets/${t1}/resolve`, { text: 'Replaced the line card' });
    await expect.poll(async () => (await cachedTicket(t1))?.status, WAIT).toBe('resolved');
    await expect.poll(async () => (await openItems()).map((i) => i.kind), WAIT).toEqual(['clearanceRequested']);

    // Work orders and appointments at globex.
    const t2 = await openTicket('globex', 'NOC-INT-000002');
    const wo = (await control('POST', `/globex/tickets/${t2}/work-orders`, { appointmentRequired: true })) as { id: string };
    await expect.poll(async () => (await getDb().select().from(workOrders).where(eq(workOrders.sellerResourceId, wo.id)).get())?.appointmentRequired, WAIT).toBe(true);
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    const slots = await h.mef('globex', 'appointment', 'POST', '/searchTimeSlot', {
      workOrder: { id: wo.id },
      requestedTimeSlot: [{ validFor: { startDateTime: days(1), endDateTime: days(15) } }],
    });
    expect(slots.status, slots.text).toBe(201);
    const booked = await h.mef('globex', 'appointment', 'POST', '/appointment', {
      workOrder: { id: wo.id },
      validFor: slots.body.availableTimeSlot[0].validFor,
      relatedContactInformation: appointmentContacts,
    });
    expect(booked.status, booked.text).toBe(201);
    const apId = booked.body.id as string;
    await control('POST', `/globex/appointments/${apId}/notes`, { text: 'Gate code 4711' });
    await control('POST', `/globex/appointments/${apId}/start`);
    await expect.poll(async () => (await getDb().select().from(appointments).where(eq(appointments.sellerResourceId, apId)).get())?.status, WAIT).toBe('inProgress');
    const wo2 = (await control('POST', `/globex/tickets/${t2}/work-orders`, { appointmentRequired: false })) as { id: string };
    await control('POST', `/globex/work-orders/${wo2.id}/require-appointment`);
    await expect.poll(async () => (await getDb().select().from(workOrders).where(eq(workOrders.sellerResourceId, wo2.id)).get())?.appointmentRequired, WAIT).toBe(true);

    // Incidents at acme: created, attribute change, status change.
    const product = h.sellers.acme!.products[0]!.id;
    const incident = (await control('POST', '/acme/incidents', {
      description: 'Fibre cut between Paris and Lyon',
      productIds: [product],
      impact: 'down',
      incidentType: 'repair',
      priority: 'high',
      severity: 'significant',
    })) as { id: string };
    await control('PATCH', `/acme/incidents/${incident.id}`, { description: 'Fibre cut between Paris and Lyon, crews on site' });
    await control('POST', `/acme/incidents/${incident.id}/status`, { status: 'inProgress' });
    await expect.poll(async () => (await getDb().select().from(incidents).where(eq(incidents.sellerResourceId, incident.id)).get())?.status, WAIT).toBe('inProgress');
    expect((await getDb().select().from(incidents).where(eq(incidents.sellerResourceId, incident.id)).get())?.productId).toBe(product);
    expect((await openItems()).map((i) => i.kind)).toContain('newIncident');

    // Every listener was called with a real token and every event applied.
    await expect
      .poll(async () => new Set((await getDb().select().from(inbox).all()).map((e) => e.eventType)).size, WAIT)
      .toBe(LISTENER_OPERATIONS.length);
    await expect.poll(async () => (await getDb().select().from(inbox).all()).filter((e) => e.state !== 'done').length, WAIT).toBe(0);
    expect(portal.calls.filter((c) => c.path.includes('/listener/')).every((c) => c.status === 204)).toBe(true);
    expect(portal.calls.some((c) => c.path === '/oauth2/token')).toBe(true);

    // The cache holds what the Seller holds now.
    const atSeller = await h.mef('acme', 'troubleTicket', 'GET', `/troubleTicket/${t1}`);
    expect((await cachedTicket(t1))?.document).toEqual(atSeller.body);
  });

  it('leaves the newest state whatever order events arrive in, and applies repeated deliveries once', async () => {
    const t3 = await openTicket('acme', 'NOC-INT-000003');
    for (const status of ['inProgress', 'pending', 'inProgress']) await control('POST', `/acme/tickets/${t3}/status`, { status });
    await control('POST', `/acme/tickets/${t3}/resolve`, { text: 'Done' });
    await expect.poll(async () => (await cachedTicket(t3))?.status, WAIT).toBe('resolved');

    // A late, older event arrives after all that: fetched again, the state stays the Seller's newest.
    const issued = await rotateListenerCredential(registered.acme!, 'onboarding', { keepOthers: true });
    const tokenRes = await fetch(`${portal.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: issued.clientId, client_secret: issued.clientSecret }),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const late = {
      eventId: 'late-1',
      eventTime: new Date(Date.now() - 3_600_000).toISOString(),
      eventType: 'troubleTicketStatusChangeEvent',
      event: { id: t3 },
    };
    const send = (body: unknown) =>
      fetch(`${portal.url}/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf-8', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    for (let i = 0; i < 3; i++) expect(await send(late)).toBe(204);
    const parallel = { ...late, eventId: 'late-2' };
    expect(await Promise.all(Array.from({ length: 10 }, () => send(parallel)))).toEqual(Array(10).fill(204));
    const rows = (await getDb().select().from(inbox).all()).filter((e) => e.eventId.startsWith('late-'));
    expect(rows).toHaveLength(2);
    await expect.poll(async () => (await getDb().select().from(inbox).where(eq(inbox.eventId, 'late-2')).get())?.state, WAIT).toBe('done');
    expect((await cachedTicket(t3))?.status).toBe('resolved');

    // Forged: acme's token on globex's listener, and no token at all, change nothing.
    const before = (await getDb().select().from(inbox).all()).length;
    const forged = await fetch(`${portal.url}/sellers/globex/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...late, eventId: 'forged-1' }),
    });
    expect(forged.status).toBe(403);
    const anonymous = await fetch(`${portal.url}/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...late, eventId: 'forged-2' }),
    });
    expect(anonymous.status).toBe(401);
    expect((await getDb().select().from(inbox).all()).length).toBe(before);
  });
});
