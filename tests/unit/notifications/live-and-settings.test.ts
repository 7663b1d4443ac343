import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { getDb } from '@/db';
import { listenerCredentials, outbox, tickets, waitingItems } from '@/db/schema';
import { GET as liveGet } from '@/app/api/live/route';
import { actionPermission } from '@/lib/actions/authorized-action';
import {
  dismissWaitingItem,
  issueListenerCredentials,
  reconcileNow,
  reregisterHubs,
  revokeListenerCredentialsAction,
} from '@/lib/actions/notifications';
import { authenticateListenerClient } from '@/lib/listener/listener-auth';
import { routePermission } from '@/lib/auth/route-guard';
import { listOpenWaitingItems, listSellerNotificationViews } from '@/lib/data/notifications';
import { recordChange } from '@/lib/sync/change-feed';
import { invalidationsFor, toastFor } from '@/components/notifications/live-invalidation';
import { openWaitingItemTx } from '@/lib/sync/waiting-items';
import { transaction } from '@/db/transaction';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { insertSeller } from './support';

beforeEach(() => {
  usePortalTestEnv();
});

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  while (!text.includes(needle)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  return text;
}

describe('/api/live', () => {
  it('refuses a request without a session', async () => {
    actAs(null);
    const res = await liveGet(new Request('http://127.0.0.1:3000/api/live'), undefined);
    expect(res.status).toBe(401);
    expect(routePermission(liveGet)).toBe('tickets.view');
  });

  it('streams changes to a signed-in user as server-sent events with their feed position, and stops when the client leaves', async () => {
    const user = await createUser('manager');
    actAs(user.id);
    const abort = new AbortController();
    const res = await liveGet(new Request('http://127.0.0.1:3000/api/live', { signal: abort.signal }), undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    expect(await readUntil(reader, 'connected')).toContain('retry:');
    await recordChange('ticket', { seller: 'acme', id: 'TT-1', status: 'resolved', actionable: { title: 'NOC-1: resolved', href: '/tickets/NOC-1' } });
    const text = await readUntil(reader, 'TT-1');
    expect(text).toMatch(/id: \d+\nevent: ticket\ndata: \{.*"id":"TT-1".*"status":"resolved"/);
    abort.abort();
    await expect(reader.read()).resolves.toMatchObject({ done: true });
  });
});

describe('live event mapping in the browser', () => {
  it('invalidates the ticket queue and that Seller’s ticket details, and toasts only actionable events', () => {
    const invalidations = invalidationsFor('ticket', { seller: 'acme', id: 'TT-1' });
    expect(invalidations).toContainEqual({ queryKey: ['tickets'] });
    const predicate = invalidations.find((i) => 'predicate' in i) as { predicate: (k: readonly unknown[]) => boolean };
    expect(predicate.predicate(['ticket', 'acme', 'TT-1'])).toBe(true);
    expect(predicate.predicate(['ticket', 'globex', 'TT-1'])).toBe(false);
    expect(invalidationsFor('appointment', { seller: 'acme' })).toContainEqual({ queryKey: ['calendar'] });
    expect(toastFor({ seller: 'acme', id: 'TT-1' })).toBeNull();
    expect(toastFor({ seller: 'acme', actionable: { title: 'X needs information', href: '/t' } })?.title).toBe('X needs information');
  });
});

describe('settings actions', () => {
  it('are refused without a session and to non-administrators', async () => {
    await insertSeller('acme');
    const noc = await createUser('noc');
    for (const action of [issueListenerCredentials, revokeListenerCredentialsAction, reregisterHubs, reconcileNow]) {
      expect(actionPermission(action)).toBe('sellers.manage');
      actAs(null);
      expect(await action({ slug: 'acme' })).toMatchObject({ ok: false, status: 401 });
      actAs(noc.id);
      expect(await action({ slug: 'acme' })).toMatchObject({ ok: false, status: 403 });
    }
    expect(await getDb().select().from(listenerCredentials).all()).toHaveLength(0);
  });

  it('issues credentials whose secret is shown once and works at the token endpoint; revoking ends them', async () => {
    await insertSeller('acme');
    const admin = await createUser('admin');
    actAs(admin.id);
    const issued = await issueListenerCredentials({ slug: 'acme' });
    expect(issued.ok).toBe(true);
    const { clientId, clientSecret, tokenUrl, callback } = issued.data!;
    expect(tokenUrl).toBe('http://127.0.0.1:3000/oauth2/token');
    expect(callback).toBe('http://127.0.0.1:3000/sellers/acme');
    expect(await authenticateListenerClient(clientId, clientSecret)).not.toBeNull();
    const [view] = await listSellerNotificationViews();
    expect(JSON.stringify(view)).not.toContain(clientSecret);
    expect(view?.credentials[0]?.secretHint).toBe(clientSecret.slice(-4));

    expect(await revokeListenerCredentialsAction({ slug: 'acme' })).toMatchObject({ ok: true, data: { revoked: 1 } });
    expect(await authenticateListenerClient(clientId, clientSecret)).toBeNull();
    expect(await issueListenerCredentials({ slug: 'nobody' })).toMatchObject({ ok: false, status: 404 });
  });
});

describe('"Waiting on you" list', () => {
  it('hides a request once our answer is queued, and lets news items be dismissed', async () => {
    const acme = await insertSeller('acme');
    const user = await createUser('noc');
    const ticket = (
      await getDb()
        .insert(tickets)
        .values({
          sellerId: acme.id,
          sellerTicketId: 'TT-1',
          externalId: 'NOC-2026-000001',
          productId: 'P',
          description: 'd',
          severity: 'critical',
          priority: 'high',
          ticketType: 'assistance',
          observedImpact: 'unavailable',
          status: 'pending',
          document: {},
        })
        .returning()
    )[0]!;
    await transaction(async (tx) => {
      await openWaitingItemTx(tx, { sellerId: acme.id, kind: 'informationRequired', entityType: 'ticket', entityId: 'TT-1', ticketId: ticket.id, title: 'needs info', href: '/tickets/NOC-2026-000001' });
      await openWaitingItemTx(tx, { sellerId: acme.id, kind: 'newIncident', entityType: 'incident', entityId: 'IN-1', title: 'new incident', href: '/incidents' });
    });
    expect((await listOpenWaitingItems()).map((i) => i.kind).sort()).toEqual(['informationRequired', 'newIncident']);

    await getDb().insert(outbox).values({ sellerId: acme.id, ticketId: ticket.id, operation: 'patch', payload: {}, nextAttemptAt: new Date().toISOString() }).run();
    expect((await listOpenWaitingItems()).map((i) => i.kind)).toEqual(['newIncident']);

    actAs(null);
    const incidentItem = (await listOpenWaitingItems())[0]!;
    expect(await dismissWaitingItem({ id: incidentItem.id })).toMatchObject({ ok: false, status: 401 });
    actAs(user.id);
    const infoItem = (await getDb().select().from(waitingItems).where(eq(waitingItems.kind, 'informationRequired')).get())!;
    expect(await dismissWaitingItem({ id: infoItem.id })).toMatchObject({ ok: false, status: 404 });
    expect(await dismissWaitingItem({ id: incidentItem.id })).toMatchObject({ ok: true });
    expect(await listOpenWaitingItems()).toEqual([]);
  });
});
