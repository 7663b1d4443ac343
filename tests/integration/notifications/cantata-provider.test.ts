import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox, notificationHubs, sellers, tickets, type Seller } from '@/db/schema';
import { createTicket } from '@/lib/actions/tickets';
import { resetEnv } from '@/lib/env';
import { syncAllSellerNotifications } from '@/lib/sync/hub-registration';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { sellersFileEntries, type DiscoveredSeller } from '@/lib/sync/sandbox-discovery';
import { applySellersFile } from '@/lib/sync/sellers-file';
import { sandboxSellers } from '@/sandbox/sellers';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { removeDir, startHarness, type Harness } from '../sandbox/harness';
import { startListenerServer } from './listener-server';

/**
 * The sandbox plays a Cantata Service Provider (SANDBOX_CANTATA=1) next to a Sonata Seller. Registered with the portal
 * from its discovery entry, it is called on /mefApi/cantata, notifies our /mefApi/cantata listeners, and the cache
 * follows it; the Sonata Seller beside it keeps its /mefApi/sonata paths.
 */

let h: Harness;
let portal: Awaited<ReturnType<typeof startListenerServer>>;
let worker: InboxWorker;
let discovered: DiscoveredSeller[];
const WAIT = { timeout: 20_000, interval: 50 };

const sellerRow = async (slug: string): Promise<Seller> => (await getDb().select().from(sellers).where(eq(sellers.slug, slug)).get())!;
const hubsOf = async (slug: string) =>
  getDb().select().from(notificationHubs).where(eq(notificationHubs.sellerId, (await sellerRow(slug)).id)).all();

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  portal = await startListenerServer();
  process.env.PUBLIC_URL = portal.url;
  resetEnv();
  actAs((await createUser('noc')).id);
  h = await startHarness({ sellers: sandboxSellers({ SANDBOX_CANTATA: '1' }) });
  discovered = ((await (await fetch(`${h.sandbox.url}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] }).sellers;
  const file = path.join(dir, 'sellers.json');
  fs.writeFileSync(file, JSON.stringify(sellersFileEntries(discovered, ['acme', 'umbrella'])));
  await applySellersFile(file);
  await syncAllSellerNotifications({ pushCredentials: true });
  worker = startInboxWorker({ pollMs: 50 });
});

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await portal?.close();
  if (h) removeDir(h.dir);
});

describe('a Cantata provider from the sandbox', () => {
  it('is played only when switched on, and discovery describes it on the cantata reference point', async () => {
    expect(sandboxSellers({}).map((s) => s.slug)).toEqual(['acme', 'globex', 'initech', 'vandelay']);
    expect(sandboxSellers({ SANDBOX_CANTATA: '1' }).map((s) => s.slug)).toEqual(['acme', 'globex', 'initech', 'vandelay', 'umbrella']);
    const umbrella = discovered.find((s) => s.slug === 'umbrella')!;
    expect(umbrella.referencePoint).toBe('cantata');
    expect(umbrella.baseUrls).toEqual({
      troubleTicket: `${h.sandbox.url}/umbrella/mefApi/cantata/troubleTicket/v4`,
      appointment: `${h.sandbox.url}/umbrella/mefApi/cantata/appointment/v2`,
      workOrder: `${h.sandbox.url}/umbrella/mefApi/cantata/workOrderManagement/v2`,
    });
    expect(discovered.find((s) => s.slug === 'acme')!.referencePoint).toBe('sonata');
    expect((await sellerRow('umbrella')).referencePoint).toBe('cantata');
    expect((await sellerRow('acme')).referencePoint).toBe('sonata');
  });

  it('serves its APIs on /mefApi/cantata only; a Sonata Seller is not on /mefApi/cantata', async () => {
    const token = await h.token('umbrella');
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${h.sandbox.url}/umbrella/mefApi/cantata/troubleTicket/v4/troubleTicket`, { headers: auth })).status).toBe(200);
    const onSonata = await fetch(`${h.sandbox.url}/umbrella/mefApi/sonata/troubleTicket/v4/troubleTicket`, { headers: auth });
    expect(onSonata.status).toBe(404);
    expect(await onSonata.json()).toMatchObject({ code: 'notFound' });
    const acmeToken = await h.token('acme');
    expect((await fetch(`${h.sandbox.url}/acme/mefApi/cantata/troubleTicket/v4/troubleTicket`, { headers: { authorization: `Bearer ${acmeToken}` } })).status).toBe(404);
  });

  it('holds our hubs registered on the cantata reference point with our callback prefix', async () => {
    const hubs = await hubsOf('umbrella');
    expect(hubs.map((hub) => [hub.api, hub.state, hub.referencePoint, hub.callback]).sort()).toEqual([
      ['appointment', 'registered', 'cantata', `${portal.url}/sellers/umbrella`],
      ['troubleTicket', 'registered', 'cantata', `${portal.url}/sellers/umbrella`],
      ['workOrder', 'registered', 'cantata', `${portal.url}/sellers/umbrella`],
    ]);
    expect((await hubsOf('acme')).every((hub) => hub.referencePoint === 'sonata' && hub.state === 'registered')).toBe(true);
  });

  it('takes a ticket created through the portal, and its notifications reach the cantata listener and the cache', async () => {
    const product = discovered.find((s) => s.slug === 'umbrella')!.products[0]!.id;
    const result = await createTicket({
      seller: 'umbrella',
      productId: product,
      description: 'Managed SD-WAN edge unreachable',
      severity: 'significant',
      priority: 'high',
      observedImpact: 'down',
      ticketType: 'assistance',
      reporter: { name: 'Nora Operator', number: '+33 1 23 45 67 89', emailAddress: 'nora@noc.example' },
    });
    expect(result.ok, result.message).toBe(true);
    expect(result.data?.delivery).toBe('sent');
    const row = (await getDb().select().from(tickets).where(eq(tickets.externalId, result.data!.externalId)).get())!;
    expect(row.status).toBe('acknowledged');
    const sellerTicketId = row.sellerTicketId!;
    const atProvider = (await h.control('GET', '/umbrella/tickets')).body as Array<{ id: string; externalId?: string }>;
    expect(atProvider.filter((t) => t.externalId === result.data!.externalId).map((t) => t.id)).toEqual([sellerTicketId]);

    const moved = await h.control('POST', `/umbrella/tickets/${sellerTicketId}/status`, { status: 'inProgress' });
    expect(moved.status, moved.text).toBeLessThan(300);
    const cached = () => getDb().select().from(tickets).where(eq(tickets.sellerTicketId, sellerTicketId)).get();
    await expect.poll(async () => (await cached())?.status, WAIT).toBe('inProgress');

    const listenerPath = '/sellers/umbrella/mefApi/cantata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent';
    expect(portal.calls.filter((c) => c.path === listenerPath).map((c) => c.status)).toContain(204);
    expect(portal.calls.filter((c) => c.path.startsWith('/sellers/umbrella/mefApi/sonata/'))).toEqual([]);
    const umbrellaId = (await sellerRow('umbrella')).id;
    await expect
      .poll(async () => (await getDb().select().from(inbox).where(and(eq(inbox.sellerId, umbrellaId), eq(inbox.resourceId, sellerTicketId))).all()).map((e) => e.state), WAIT)
      .toContain('done');
    const atSeller = await h.mef('umbrella', 'troubleTicket', 'GET', `/troubleTicket/${sellerTicketId}`);
    expect((await cached())?.document).toEqual(atSeller.body);
  });

  it('registers a hub again when it was registered on the other reference point', async () => {
    const acme = await sellerRow('acme');
    const before = await hubsOf('acme');
    // As if acme had been a Cantata provider when the hubs were made.
    await getDb().update(notificationHubs).set({ referencePoint: 'cantata' }).where(eq(notificationHubs.sellerId, acme.id)).run();
    await syncAllSellerNotifications();
    const after = await hubsOf('acme');
    expect(after.map((hub) => hub.referencePoint)).toEqual(['sonata', 'sonata', 'sonata']);
    expect(after.every((hub) => hub.state === 'registered')).toBe(true);
    const newIds = new Set(after.map((hub) => hub.hubId));
    expect(before.some((hub) => newIds.has(hub.hubId))).toBe(false);
    // Left alone when it already matches.
    await syncAllSellerNotifications();
    expect((await hubsOf('acme')).map((hub) => hub.hubId)).toEqual(after.map((hub) => hub.hubId));
  });
});
