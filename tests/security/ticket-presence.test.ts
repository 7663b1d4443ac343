import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as liveGet } from '@/app/api/live/route';
import { POST as presencePost } from '@/app/api/presence/route';
import { getDb } from '@/db';
import { sellers, tickets } from '@/db/schema';
import { setUserActive } from '@/lib/actions/users';
import type { PresenceMessage } from '@/lib/domain/ticket-presence';
import { ticketPresence } from '@/lib/live/presence';
import { liveStreams } from '@/lib/live/stream-registry';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

/**
 * Presence on a ticket is announced through /api/presence by the caller for their own tab only, on tickets that
 * exist, from the portal's own pages, at a bounded rate; and it reaches only the live streams of tabs on that ticket.
 */

const ORIGIN = 'http://127.0.0.1:3000';
let noc: { id: number; name: string };
let admin: { id: number; name: string };
let manager: { id: number; name: string };
let flooder: { id: number; name: string };
let ticketA: number;
let ticketB: number;
const controllers: AbortController[] = [];

function announce(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return presencePost(
    new Request(`${ORIGIN}/api/presence`, {
      method: 'POST',
      headers: { host: '127.0.0.1:3000', origin: ORIGIN, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    undefined,
  );
}

/** A live stream for a tab, with the presence frames it receives. */
async function openTab(tabId: string) {
  const controller = new AbortController();
  controllers.push(controller);
  const res = await liveGet(new Request(`${ORIGIN}/api/live?tab=${tabId}`, { signal: controller.signal }), undefined);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const presence: PresenceMessage[] = [];
  let buffer = '';
  let done = false;
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) {
        done = true;
        return;
      }
      buffer += decoder.decode(chunk.value);
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        if (lines.includes('event: presence')) presence.push(JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as PresenceMessage);
      }
    }
  })();
  return {
    presence,
    ended: () => done,
    close: () => controller.abort(),
    /** Waits until a frame matches (frames arrive as the registry sends them, within this process). */
    async next(match: (m: PresenceMessage) => boolean): Promise<PresenceMessage> {
      for (let i = 0; i < 200; i++) {
        const found = presence.find(match);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no matching presence frame among ${JSON.stringify(presence)}`);
    },
  };
}

beforeAll(async () => {
  usePortalTestEnv();
  const toUser = (u: { id: number; name: string }) => ({ id: u.id, name: u.name });
  noc = toUser(await createUser('noc', 'noc@presence.test'));
  admin = toUser(await createUser('admin', 'admin@presence.test'));
  manager = toUser(await createUser('manager', 'manager@presence.test'));
  flooder = toUser(await createUser('noc', 'flood@presence.test'));
  const db = getDb();
  const seller = db
    .insert(sellers)
    .values({ slug: 'acme', name: 'Acme', troubleTicketBaseUrl: 'http://127.0.0.1:9/tt', appointmentBaseUrl: 'http://127.0.0.1:9/ap', workOrderBaseUrl: 'http://127.0.0.1:9/wo', tokenUrl: 'http://127.0.0.1:9/t', clientId: 'c', clientSecretEnc: 'x' })
    .returning()
    .get();
  const insert = (n: number) =>
    db
      .insert(tickets)
      .values({ sellerId: seller.id, sellerTicketId: `TT-${n}`, externalId: `NOC-2026-00000${n}`, productId: 'P-1', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'degraded', status: 'inProgress', document: {} })
      .returning()
      .get().id;
  ticketA = insert(1);
  ticketB = insert(2);
});

afterAll(() => {
  for (const c of controllers) c.abort();
  for (const u of [noc, admin, manager, flooder]) liveStreams().endAllOf(u.id);
  actAs(null);
});

describe('presence announcements (/api/presence)', () => {
  it('reach the other tabs on the ticket, and only them', async () => {
    actAs(admin.id);
    const adminTab = await openTab('admin-tab-1');
    expect((await announce({ tabId: 'admin-tab-1', ticketId: ticketA, state: 'viewing' })).status).toBe(204);
    actAs(manager.id);
    const managerTab = await openTab('manager-tab-1');
    expect((await announce({ tabId: 'manager-tab-1', ticketId: ticketB, state: 'viewing' })).status).toBe(204);

    actAs(noc.id);
    expect((await announce({ tabId: 'noc-tab-1', ticketId: ticketA, state: 'writing' })).status).toBe(204);
    const seen = await adminTab.next((m) => m.others.some((p) => p.userId === noc.id));
    expect(seen).toEqual({ ticketId: ticketA, others: [{ userId: noc.id, name: noc.name, writing: true }] });
    // The manager's tab shows another ticket: it hears nothing of this one.
    expect(managerTab.presence.every((m) => m.ticketId === ticketB)).toBe(true);
    expect(managerTab.presence.flatMap((m) => m.others)).toEqual([]);
    actAs(noc.id);
    expect((await announce({ tabId: 'noc-tab-1', ticketId: ticketA, state: 'left' })).status).toBe(204);
    await adminTab.next((m) => m.ticketId === ticketA && m.others.length === 0);
  });

  it('refuse an announcement that names another user, and record nothing for anyone', async () => {
    actAs(noc.id);
    const before = JSON.stringify(ticketPresence().present(ticketB));
    for (const forged of [
      { tabId: 'noc-tab-2', ticketId: ticketB, state: 'viewing', userId: admin.id },
      { tabId: 'noc-tab-2', ticketId: ticketB, state: 'writing', name: admin.name },
      { tabId: 'noc-tab-2', ticketId: ticketB, state: 'writing', user: { id: admin.id } },
    ]) {
      const res = await announce(forged);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: Record<string, string[]> };
      expect(body.errors._form?.[0]).toMatch(/^Only tabId, ticketId and state may be announced/);
    }
    expect(JSON.stringify(ticketPresence().present(ticketB))).toBe(before);
  });

  it('refuse a ticket that does not exist', async () => {
    actAs(noc.id);
    const res = await announce({ tabId: 'noc-tab-3', ticketId: 999_999, state: 'viewing' });
    expect(res.status).toBe(404);
    expect(ticketPresence().present(999_999)).toEqual([]);
  });

  it('explain bad input under its field', async () => {
    actAs(noc.id);
    const notJson = await announce('{"tabId":');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/must be JSON/);
    const bad = await announce({ tabId: 'x', ticketId: 'seven', state: 'typing' });
    expect(bad.status).toBe(400);
    const { errors } = (await bad.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(errors).sort()).toEqual(['state', 'tabId', 'ticketId']);
    expect(errors.state![0]).toMatch(/viewing, writing, idle or left/);
  });

  it('refuse another site, a user without a session and a deactivated user', async () => {
    actAs(noc.id);
    const crossSite = await announce({ tabId: 'noc-tab-4', ticketId: ticketB, state: 'viewing' }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    actAs(null);
    expect((await announce({ tabId: 'noc-tab-4', ticketId: ticketB, state: 'viewing' })).status).toBe(401);
    const gone = await createUser('noc', 'gone@presence.test');
    actAs(admin.id);
    expect((await setUserActive({ id: gone.id, active: false })).ok).toBe(true);
    actAs(gone.id);
    expect((await announce({ tabId: 'gone-tab-1', ticketId: ticketB, state: 'viewing' })).status).toBe(401);
    expect(ticketPresence().present(ticketB).map((p) => p.userId)).not.toContain(noc.id);
    expect(ticketPresence().present(ticketB).map((p) => p.userId)).not.toContain(gone.id);
  });

  it('are rate-limited per user', async () => {
    actAs(flooder.id);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await announce({ tabId: 'flood-tab-1', ticketId: ticketB, state: 'writing' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 204)).toBe(true);
    const refused = await announce({ tabId: 'flood-tab-1', ticketId: ticketB, state: 'writing' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not held back by it.
    actAs(noc.id);
    expect((await announce({ tabId: 'noc-tab-5', ticketId: ticketB, state: 'viewing' })).status).toBe(204);
  });
});
