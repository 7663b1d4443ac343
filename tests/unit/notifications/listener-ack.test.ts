import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { databaseFile, getDb } from '@/db';
import { inbox, listenerCredentials, sellers, sellerSyncState } from '@/db/schema';
import { stopInboxWriter, writeInboxRow, type InboxRow } from '@/db/inbox-writer';
import { POST as ticketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { LISTENER_ACCESS_REFRESH_MS } from '@/lib/listener/listener-access';
import { signListenerToken } from '@/lib/listener/listener-auth';
import { listenerAccessChanged } from '@/lib/sellers/access-changes';
import { rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { onInboxCommitted } from '@/lib/sync/inbox';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { usePortalTestEnv } from '../../support/portal-env';
import { event, insertSeller } from './support';

const TYPE = 'troubleTicketStatusChangeEvent';
let token: string;
let credentialId: number;
let sellerId: number;

function post(body: unknown, slug = 'acme') {
  const request = new Request(`http://127.0.0.1:3000/sellers/${slug}/mefApi/sonata/troubleTicketNotification/v4/listener/${TYPE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return ticketListener(request, { params: Promise.resolve({ slug, version: 'v4', eventType: TYPE }) });
}

function row(eventId: string, extra: Partial<InboxRow> = {}): InboxRow {
  return {
    sellerId,
    api: 'troubleTicket',
    eventId,
    eventType: TYPE,
    eventTime: new Date().toISOString(),
    resourceId: 'TT-1',
    body: JSON.stringify(event(TYPE, 'TT-1', eventId)),
    ...extra,
  };
}

beforeEach(async () => {
  usePortalTestEnv();
  const acme = await insertSeller('acme');
  sellerId = acme.id;
  const c = await rotateListenerCredential(acme);
  credentialId = c.credential.id;
  token = signListenerToken({ sellerSlug: 'acme', credentialId, scopes: [...LISTENER_SCOPES] }).token;
});

afterEach(async () => {
  vi.useRealTimers();
  await stopInboxWriter();
});

describe('listener access is checked in memory', () => {
  it('reads no database row per call: a revocation written behind its back counts only after the refresh bound', async () => {
    expect((await post(event(TYPE, 'TT-1', 'warm'))).status).toBe(204);
    // Another process revokes the credential and disables nothing else: this process has not been told.
    getDb().update(listenerCredentials).set({ revokedAt: new Date().toISOString() }).where(eq(listenerCredentials.id, credentialId)).run();
    expect((await post(event(TYPE, 'TT-1', 'still-cached'))).status).toBe(204);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + LISTENER_ACCESS_REFRESH_MS + 50);
    const refused = await post(event(TYPE, 'TT-1', 'after-refresh'));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'invalidCredentials' });
  });

  it('obeys a change made in this process at once', async () => {
    expect((await post(event(TYPE, 'TT-1', 'before'))).status).toBe(204);
    getDb().update(sellers).set({ enabled: false }).where(eq(sellers.id, sellerId)).run();
    listenerAccessChanged();
    const refused = await post(event(TYPE, 'TT-1', 'disabled'));
    expect(refused.status).toBe(403);

    getDb().update(sellers).set({ enabled: true }).where(eq(sellers.id, sellerId)).run();
    listenerAccessChanged();
    expect((await post(event(TYPE, 'TT-1', 'enabled-again'))).status).toBe(204);
  });

  it('accepts a credential issued after the view was loaded, and refuses one revoked through the registry at once', async () => {
    expect((await post(event(TYPE, 'TT-1', 'first'))).status).toBe(204);
    const globex = await insertSeller('globex');
    const fresh = await rotateListenerCredential(globex);
    token = signListenerToken({ sellerSlug: 'globex', credentialId: fresh.credential.id, scopes: [...LISTENER_SCOPES] }).token;
    expect((await post(event(TYPE, 'GX-1', 'globex-1'), 'globex')).status).toBe(204);

    await rotateListenerCredential(globex); // revokes the one before
    expect((await post(event(TYPE, 'GX-1', 'globex-2'), 'globex')).status).toBe(401);
  });

  it('refuses a signed token naming a credential that never existed', async () => {
    token = signListenerToken({ sellerSlug: 'acme', credentialId: 9_999, scopes: [...LISTENER_SCOPES] }).token;
    expect((await post(event(TYPE, 'TT-1', 'ghost'))).status).toBe(401);
    expect(getDb().select().from(inbox).all()).toHaveLength(0);
  });
});

describe('the inbox writer thread', () => {
  it('commits entries sent together, answers duplicates as such and wakes the inbox worker', async () => {
    const woken = vi.fn();
    const stop = onInboxCommitted(woken);
    try {
      const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => post(event(TYPE, `TT-${i % 4}`, `burst-${i}`)).then((r) => r.status)));
      expect(statuses).toEqual(Array(40).fill(204));
      expect(getDb().select().from(inbox).all()).toHaveLength(40);
      expect(woken).toHaveBeenCalled();
      expect(getDb().select().from(sellerSyncState).where(eq(sellerSyncState.sellerId, sellerId)).get()?.lastEventAt).toBeTruthy();
    } finally {
      stop();
    }
    const outcomes = await Promise.all([writeInboxRow(databaseFile(), row('burst-3')), writeInboxRow(databaseFile(), row('new-one'))]);
    expect(outcomes).toEqual(['duplicate', 'inserted']);
  });

  it('fails only the entry the database refuses, not the others of its batch', async () => {
    getDb().run(sql`CREATE TRIGGER inbox_refuse_one BEFORE INSERT ON inbox WHEN NEW.event_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const settled = await Promise.allSettled(['ok-1', 'bad', 'ok-2'].map((id) => writeInboxRow(databaseFile(), row(id))));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.message).toMatch(/refused/);
    expect(
      getDb()
        .select({ eventId: inbox.eventId })
        .from(inbox)
        .all()
        .map((r) => r.eventId)
        .sort(),
    ).toEqual(['ok-1', 'ok-2']);
  });

  it('stores the event so the inbox worker reads it back like any other row', async () => {
    const sent = event(TYPE, 'TT-7', 'shape');
    expect((await post(sent)).status).toBe(204);
    const stored = getDb().select().from(inbox).where(eq(inbox.eventId, 'shape')).get();
    expect(stored).toMatchObject({ sellerId, api: 'troubleTicket', eventType: TYPE, resourceId: 'TT-7', state: 'pending', attempts: 0 });
    expect(stored?.body).toEqual(sent);
  });

  it('starts again after it was stopped, and follows the database file when it changes', async () => {
    await writeInboxRow(databaseFile(), row('one'));
    await stopInboxWriter();
    expect(await writeInboxRow(databaseFile(), row('two'))).toBe('inserted');

    usePortalTestEnv();
    const other = await insertSeller('acme');
    sellerId = other.id;
    expect(await writeInboxRow(databaseFile(), row('one'))).toBe('inserted');
    expect(getDb().select().from(inbox).all().map((r) => r.eventId)).toEqual(['one']);
  });
});
