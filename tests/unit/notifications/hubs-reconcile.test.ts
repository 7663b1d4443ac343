import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox, listenerCredentials, notificationHubs, sellers, sellerSyncState, tickets, type Seller } from '@/db/schema';
import { authenticateListenerClient } from '@/lib/listener/listener-auth';
import { syncAllSellerNotifications, registerSellerHubs } from '@/lib/sync/hub-registration';
import { startInboxWorker } from '@/lib/sync/inbox-worker';
import { reconcileSeller } from '@/lib/sync/reconcile';
import { usePortalTestEnv } from '../../support/portal-env';
import { startDocumentSeller, ticketDoc, type DocumentSeller } from './fake-seller';
import { insertSeller } from './support';

let seller: DocumentSeller;
let acme: Seller;

beforeEach(async () => {
  usePortalTestEnv();
  seller = await startDocumentSeller('acme');
  acme = await insertSeller('acme', seller.origin);
});
afterEach(async () => {
  await seller.close();
});

describe('hub registration', () => {
  it('registers one hub per notification API with our callback prefix, and keeps them on the next pass', async () => {
    const outcomes = await registerSellerHubs(acme);
    expect(outcomes.map((o) => [o.api, o.state])).toEqual([
      ['troubleTicket', 'registered'],
      ['appointment', 'registered'],
      ['workOrder', 'registered'],
    ]);
    expect(seller.hubs.map((h) => [h.api, h.callback])).toEqual([
      ['troubleTicket', 'http://127.0.0.1:3000/sellers/acme'],
      ['appointment', 'http://127.0.0.1:3000/sellers/acme'],
      ['workOrderManagement', 'http://127.0.0.1:3000/sellers/acme'],
    ]);
    await syncAllSellerNotifications();
    expect(seller.hubs).toHaveLength(3);
    const rows = await getDb().select().from(notificationHubs).all();
    expect(rows.map((r) => r.hubId).sort()).toEqual(['hub-1', 'hub-2', 'hub-3']);
  });

  it('re-registers on demand (dropping the old hubs) and unregisters when the Seller is disabled', async () => {
    await registerSellerHubs(acme);
    await registerSellerHubs(acme, { force: true });
    expect(seller.hubs.map((h) => h.id)).toEqual(['hub-4', 'hub-5', 'hub-6']);
    await getDb().update(sellers).set({ enabled: false }).where(eq(sellers.id, acme.id)).run();
    await syncAllSellerNotifications();
    expect(seller.hubs).toHaveLength(0);
    expect((await getDb().select().from(notificationHubs).all()).every((h) => h.state === 'unregistered')).toBe(true);
  });

  it('records a failed registration for the settings screen', async () => {
    await seller.close();
    const outcomes = await registerSellerHubs(acme);
    expect(outcomes.every((o) => o.state === 'failed')).toBe(true);
    expect((await getDb().select().from(notificationHubs).all())[0]?.lastError).toMatch(/unreachable/i);
    seller = await startDocumentSeller('acme');
  });
});

describe('sandbox Sellers get our listener credentials', () => {
  it('finds the sandbox by discovery and hands it fresh credentials that work at our token endpoint', async () => {
    const received: Array<{ path: string; body: { tokenUrl: string; clientId: string; clientSecret: string } }> = [];
    const control = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/_sandbox/sellers') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ sellers: [{ slug: 'globex', baseUrls: { troubleTicket: sandboxSeller.troubleTicketBaseUrl } }] }));
        }
        if (req.method === 'PUT') received.push({ path: req.url ?? '', body: JSON.parse(body) });
        if (req.url?.includes('/hub')) {
          res.writeHead(201, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ id: `h-${received.length}`, callback: 'x' }));
        }
        if (req.url?.includes('/oauth2/token')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 60 }));
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
    const sandboxSeller = await insertSeller('globex', origin);
    await syncAllSellerNotifications({ pushCredentials: true });
    control.close();

    expect(received.map((r) => r.path)).toEqual(['/_sandbox/globex/buyer-auth']);
    const pushed = received[0]!.body;
    expect(pushed.tokenUrl).toBe('http://127.0.0.1:3000/oauth2/token');
    expect(await authenticateListenerClient(pushed.clientId, pushed.clientSecret)).not.toBeNull();
    const stored = await getDb().select().from(listenerCredentials).where(eq(listenerCredentials.sellerId, sandboxSeller.id)).all();
    expect(stored.map((c) => c.deliveredVia)).toEqual(['sandbox']);
    expect(JSON.stringify(stored)).not.toContain(pushed.clientSecret);
    // acme's origin is no sandbox: it is told nothing.
    expect(await getDb().select().from(listenerCredentials).where(eq(listenerCredentials.sellerId, acme.id)).all()).toHaveLength(0);
  });
});

describe('reconciliation', () => {
  it('queues a fetch for each ticket whose Seller status differs from the cache, and records the run', async () => {
    seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'resolved', '2026-11-27T10:00:00.000Z'));
    seller.docs.troubleTicket.set('TT-2', ticketDoc('TT-2', 'inProgress', '2026-11-27T10:00:00.000Z'));
    const first = await reconcileSeller(acme);
    expect(first).toMatchObject({ checked: 2, queued: 2 });
    const worker = startInboxWorker({ pollMs: 20 });
    await worker.idle();
    expect((await getDb().select().from(tickets).all()).map((t) => [t.sellerTicketId, t.status]).sort()).toEqual([
      ['TT-1', 'resolved'],
      ['TT-2', 'inProgress'],
    ]);

    // A missed notification: TT-2 was closed at the Seller.
    seller.docs.troubleTicket.set('TT-2', ticketDoc('TT-2', 'closed', '2026-11-27T11:00:00.000Z'));
    const second = await reconcileSeller(acme);
    expect(second.queued).toBe(1);
    await worker.idle();
    await worker.stop();
    expect((await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, 'TT-2')).get())?.status).toBe('closed');
    const state = await getDb().select().from(sellerSyncState).where(eq(sellerSyncState.sellerId, acme.id)).get();
    expect(state?.lastReconcileAt).toBeTruthy();
    expect(state?.lastReconcileResult).toMatch(/fetched again/);
    expect((await getDb().select().from(inbox).all()).every((e) => e.state === 'done')).toBe(true);
  });

  it('records a failed run without moving its starting point', async () => {
    await seller.close();
    const result = await reconcileSeller(acme);
    expect(result.error).toBeTruthy();
    const state = await getDb().select().from(sellerSyncState).where(eq(sellerSyncState.sellerId, acme.id)).get();
    expect(state?.lastReconcileError).toBeTruthy();
    expect(state?.lastReconcileFrom).toBeNull();
    seller = await startDocumentSeller('acme');
  });
});
