import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { inbox, sellerDocumentRejections, sellers, sellerToleratedDeviations, tickets, waitingItems, workOrders } from '@/db/schema';
import { closeTicket, createTicket } from '@/lib/actions/tickets';
import { resetEnv } from '@/lib/env';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { syncAllSellerNotifications } from '@/lib/sync/hub-registration';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { refreshSellerWorkforce } from '@/lib/sync/seller-refresh';
import { removeDir, startHarness, type Harness } from '../sandbox/harness';
import { registerSandboxSellers, type DiscoveredSeller } from '../tickets/ticket-desk-fixture';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { startListenerServer } from './listener-server';

/**
 * The portal against the sandbox as it starts by default: three strict Sellers and vandelay, which answers with the
 * sources' defects and notifies repeated, late and out of order. Tickets are opened and closed through the ticket
 * actions, the Sellers' moves arrive as notifications on the listener routes over HTTP, and work orders are listed and
 * followed, at each of the four alike.
 */

const FOUR = ['acme', 'globex', 'initech', 'vandelay'] as const;
const WAIT = { timeout: 20_000, interval: 50 };
let h: Harness;
let portal: Awaited<ReturnType<typeof startListenerServer>>;
let worker: InboxWorker;

async function control(method: string, path: string, body?: unknown) {
  const res = await h.control(method, path, body);
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

const cachedTicket = (id: string) => getDb().select().from(tickets).where(eq(tickets.sellerTicketId, id)).get();
const cachedWorkOrder = (id: string) => getDb().select().from(workOrders).where(eq(workOrders.sellerResourceId, id)).get();

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  actAs((await createUser('noc')).id);
  portal = await startListenerServer();
  process.env.PUBLIC_URL = portal.url;
  resetEnv();
  h = await startHarness({}, dir);
  await registerSandboxSellers(dir, Object.values(h.sellers) as unknown as DiscoveredSeller[]);
  await syncAllSellerNotifications({ pushCredentials: true });
  worker = startInboxWorker({ pollMs: 50 });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await portal?.close();
  if (h) removeDir(h.dir);
});

describe('the portal with all four sandbox Sellers', () => {
  it('the sandbox plays four Sellers by default and the portal registered them all', async () => {
    expect(Object.keys(h.sellers)).toEqual([...FOUR]);
    expect((await getDb().select().from(sellers).all()).map((s) => s.slug).sort()).toEqual([...FOUR]);
    for (const slug of FOUR) expect(JSON.stringify((await h.control('GET', `/${slug}/buyer-auth`)).body), slug).toContain(portal.url);
  });

  it.each(FOUR)('%s: a ticket opened, worked by the Seller through notifications, resolved and closed', async (slug) => {
    const created = await createTicket({
      seller: slug,
      productId: h.sellers[slug]!.products[0]!.id,
      description: `Loss of light at ${slug}`,
      severity: 'significant',
      priority: 'high',
      observedImpact: 'down',
      ticketType: 'assistance',
      reporter: { name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example' },
    });
    expect(created.ok, created.message).toBe(true);
    expect(created.data?.delivery).toBe('sent');
    const row = (await getDb().select().from(tickets).where(eq(tickets.externalId, created.data!.externalId)).get())!;
    const id = row.sellerTicketId!;
    expect(row.status).toBe('acknowledged');

    await control('POST', `/${slug}/tickets/${id}/status`, { status: 'inProgress' });
    await control('POST', `/${slug}/tickets/${id}/request-information`, { text: 'Which port is dark?' });
    await expect.poll(async () => (await cachedTicket(id))?.status, WAIT).toBe('pending');
    await expect
      .poll(async () => (await getDb().select().from(waitingItems).where(eq(waitingItems.ticketId, row.id)).all()).filter((i) => !i.clearedAt).map((i) => i.kind), WAIT)
      .toEqual(['informationRequired']);
    await control('POST', `/${slug}/tickets/${id}/status`, { status: 'inProgress' });
    await control('POST', `/${slug}/tickets/${id}/resolve`, { text: 'Cleaned the connector' });
    await expect.poll(async () => (await cachedTicket(id))?.status, WAIT).toBe('resolved');

    const closed = await closeTicket({ ticketId: row.id });
    expect(closed.ok, closed.message).toBe(true);
    await expect.poll(async () => (await cachedTicket(id))?.status, WAIT).toBe('closed');
    // Late, repeated and back-dated events leave the cache on the Seller's latest document.
    await expect.poll(async () => (await getDb().select().from(inbox).all()).filter((e) => e.state !== 'done').length, WAIT).toBe(0);
    const atSeller = await h.mef(slug, 'troubleTicket', 'GET', `/troubleTicket/${id}`);
    expect((await cachedTicket(id))?.document).toEqual(atSeller.body);
  }, 60_000);

  it.each(FOUR)('%s: work orders arrive by notification and are listed by the workforce refresh', async (slug) => {
    const productId = h.sellers[slug]!.products[0]!.id;
    const opened = await createTicket({
      seller: slug,
      productId,
      description: `Technician needed at ${slug}`,
      severity: 'minor',
      priority: 'low',
      observedImpact: 'degraded',
      ticketType: 'assistance',
      reporter: { name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example' },
    });
    expect(opened.ok, opened.message).toBe(true);
    const id = (await getDb().select().from(tickets).where(eq(tickets.externalId, opened.data!.externalId)).get())!.sellerTicketId!;
    const wo = (await control('POST', `/${slug}/tickets/${id}/work-orders`, { appointmentRequired: true })) as { id: string };
    await expect.poll(async () => (await cachedWorkOrder(wo.id))?.appointmentRequired, WAIT).toBe(true);
    await control('POST', `/${slug}/work-orders/${wo.id}/state`, { state: 'cancelled' });
    await expect.poll(async () => (await cachedWorkOrder(wo.id))?.status, WAIT).toBe('cancelled');

    const refreshed = await refreshSellerWorkforce((await getSellerBySlug(slug))!);
    expect(refreshed.errors).toEqual([]);
    expect(refreshed.workOrders).toBe(1);
    expect((await cachedWorkOrder(wo.id))?.status).toBe('cancelled');
  }, 60_000);

  it('nothing was refused; vandelay delivered events more than once, each stored once; only vandelay needed tolerance', async () => {
    expect(await getDb().select().from(sellerDocumentRejections).all()).toEqual([]);
    const vandelay = (await getSellerBySlug('vandelay'))!;
    const rows = await getDb().select().from(inbox).where(eq(inbox.sellerId, vandelay.id)).all();
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(rows.length);
    const listenerCalls = portal.calls.filter((c) => c.path.startsWith('/sellers/vandelay/') && c.path.includes('/listener/'));
    expect(listenerCalls.every((c) => c.status === 204)).toBe(true);
    expect(listenerCalls.length).toBeGreaterThan(rows.length);

    const seen = await getDb().select().from(sellerToleratedDeviations).all();
    expect(new Set(seen.map((s) => s.sellerId))).toEqual(new Set([vandelay.id]));
    expect(new Set(seen.map((s) => s.deviation))).toEqual(new Set(['unknownMembers', 'mediaTypeWithoutCharset', 'listItemsMissingRequired', 'bareWorkOrderList']));
  });
});
