import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import { GET as liveGet } from '@/app/api/live/route';
import { liveEventStream } from '@/lib/live/sse';
import { getDb } from '@/db';
import { changeFeed, inbox, outbox, tickets } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { enqueueTx, recomputeSyncStateTx } from '@/lib/sync/outbox';
import { changesAfter, feedPosition, pruneFeed, recordChange } from '@/lib/sync/change-feed';
import { LeaseLostError, storeSellerDocument } from '@/lib/sync/cache-writer';
import { ticketDoc, workOrderDoc } from '../notifications/fake-seller';
import { insertSeller } from '../notifications/support';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { storeDocument } from '../../support/seller-documents';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads SSE frames until `done` says enough or the deadline passes. */
async function readFrames(res: Response, done: (frames: Frame[]) => boolean, timeoutMs = 3000): Promise<Frame[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (!done(frames) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value);
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        if (field === 'id' || field === 'event' || field === 'data') frame[field] = rest.join(': ');
      }
      if (frame.event) frames.push(frame);
    }
  }
  await reader.cancel();
  return frames;
}

function open(headers: Record<string, string> = {}, query = ''): Promise<Response> {
  return liveGet(new Request(`http://127.0.0.1:3000/api/live${query}`, { headers }), undefined);
}

let acmeId: number;

beforeEach(async () => {
  usePortalTestEnv();
  acmeId = (await insertSeller('acme')).id;
  actAs((await createUser('noc')).id);
});

afterEach(() => actAs(null));

describe('change feed', () => {
  it('records a change in the same transaction as the cache write, with a strictly increasing position', async () => {
    const before = await feedPosition();
    const first = await storeDocument(acmeId, { entity: 'ticket', doc: ticketDoc('TT-1', 'inProgress', '2026-11-27T10:00:00.000Z') as never }, '2026-11-27T10:00:01.000Z');
    const second = await storeDocument(acmeId, { entity: 'ticket', doc: ticketDoc('TT-1', 'resolved', '2026-11-27T11:00:00.000Z') as never }, '2026-11-27T11:00:01.000Z');
    expect([first.outcome, second.outcome]).toEqual(['inserted', 'updated']);
    const changes = (await changesAfter(before)).filter((c) => c.topic === 'ticket');
    expect(changes.map((c) => c.payload.status)).toEqual(['inProgress', 'resolved']);
    expect(changes[1]!.seq).toBeGreaterThan(changes[0]!.seq);
    expect(changes[0]).toMatchObject({ payload: { seller: 'acme', id: 'TT-1', localId: first.localId } });
  });

  it('records nothing for a stale or unchanged document, and nothing when the transaction rolls back', async () => {
    await storeDocument(acmeId, { entity: 'workOrder', doc: workOrderDoc('WO-1', 'planned', false) as never }, '2026-11-27T12:00:00.000Z');
    const after = await feedPosition();
    expect((await storeDocument(acmeId, { entity: 'workOrder', doc: workOrderDoc('WO-1', 'open', true) as never }, '2026-11-27T11:00:00.000Z')).outcome).toBe('stale');
    expect((await storeDocument(acmeId, { entity: 'workOrder', doc: workOrderDoc('WO-1', 'planned', false) as never }, '2026-11-27T12:30:00.000Z')).outcome).toBe('unchanged');
    await expect(
      transaction((tx) => {
        tx.insert(changeFeed).values({ at: new Date().toISOString(), topic: 'ticket', seller: 'acme', payload: { seller: 'acme' } }).run();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await feedPosition()).toBe(after);
  });

  it('records every move of a queued operation (queued, sending, done or refused)', async () => {
    const [ticket] = await getDb()
      .insert(tickets)
      .values({ sellerId: acmeId, externalId: 'NOC-2026-000001', productId: 'P', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'noImpact', status: 'resolved', sellerTicketId: 'TT-9', syncState: 'synced', document: {}, documentHash: '', updatedAt: new Date().toISOString() })
      .returning();
    const before = await feedPosition();
    const item = await transaction(async (tx) => await enqueueTx(tx, { sellerId: acmeId, ticketId: ticket!.id, operation: 'close', payload: {} }));
    await transaction(async (tx) => {
      tx.update(outbox).set({ state: 'done' }).where(eq(outbox.id, item.id)).run();
      await recomputeSyncStateTx(tx, ticket!.id);
    });
    const moves = (await changesAfter(before)).filter((c) => c.topic === 'ticket').map((c) => c.payload.syncState);
    expect(item.state).toBe('pending');
    expect(moves).toEqual(['queued', 'synced']);
  });

  it('writes nothing, not even to the feed, when the inbox lease behind the document was taken over', async () => {
    const now = new Date().toISOString();
    const [entry] = await getDb()
      .insert(inbox)
      .values({ sellerId: acmeId, api: 'troubleTicket', eventId: 'e-1', eventType: 'troubleTicketStatusChangeEvent', eventTime: now, resourceId: 'TT-5', body: {}, state: 'pending', attempts: 0, nextAttemptAt: now, receivedAt: now, leaseOwner: 'other-worker', leaseUntil: now })
      .returning();
    const before = await feedPosition();
    const seller = { id: acmeId, slug: 'acme', name: 'Acme' };
    const doc = ticketDoc('TT-5', 'inProgress', '2026-11-27T10:00:00.000Z') as never;
    await expect(storeSellerDocument({ seller, document: { entity: 'ticket', doc }, requestedAt: now, cause: 'x', settles: [entry!.id], leaseOwner: 'me' })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await getDb().select().from(tickets).all()).toHaveLength(0);
    expect(await feedPosition()).toBe(before);
    await storeSellerDocument({ seller, document: { entity: 'ticket', doc }, requestedAt: now, cause: 'x', settles: [entry!.id], leaseOwner: 'other-worker' });
    expect((await getDb().select().from(inbox).all())[0]).toMatchObject({ state: 'done', leaseOwner: null });
  });

  it('keeps the newest entry when pruning, so positions never go back', async () => {
    await recordChange('sellerSync', { seller: 'acme', eventType: 'hubs' });
    await recordChange('sellerSync', { seller: 'acme', eventType: 'hubs' });
    const newest = await feedPosition();
    expect(await pruneFeed(new Date(Date.now() + 60_000).toISOString())).toBeGreaterThan(0);
    expect(await feedPosition()).toBe(newest);
  });
});

describe('/api/live over the change feed', () => {
  it('replays every change after ?since= (the position a page was rendered at), in order, with their positions as ids', async () => {
    const since = await feedPosition();
    await recordChange('ticket', { seller: 'acme', id: 'TT-1', status: 'acknowledged' });
    await recordChange('ticket', { seller: 'acme', id: 'TT-2', status: 'pending' });
    const frames = await readFrames(await open({}, `?since=${since}`), (f) => f.length >= 2);
    expect(frames.map((f) => [f.event, JSON.parse(f.data!).id])).toEqual([
      ['ticket', 'TT-1'],
      ['ticket', 'TT-2'],
    ]);
    expect(frames.map((f) => Number(f.id))).toEqual([since + 1, since + 2]);
  });

  it('resumes after Last-Event-ID, which wins over ?since=', async () => {
    await recordChange('ticket', { seller: 'acme', id: 'TT-1' });
    const seen = await feedPosition();
    await recordChange('ticket', { seller: 'acme', id: 'TT-2' });
    const frames = await readFrames(await open({ 'last-event-id': String(seen) }, '?since=0'), (f) => f.length >= 1, 1500);
    expect(frames.map((f) => JSON.parse(f.data!).id)).toEqual(['TT-2']);
  });

  it('then follows new changes as they are committed', async () => {
    const res = await open({}, `?since=${await feedPosition()}`);
    setTimeout(() => void recordChange('workOrder', { seller: 'acme', id: 'WO-7', status: 'open' }), 50);
    const frames = await readFrames(res, (f) => f.some((x) => x.event === 'workOrder'));
    expect(frames.find((f) => f.event === 'workOrder')?.data).toContain('"WO-7"');
  });

  it('tells a browser whose position was pruned, or lies ahead of the feed, to reload, then carries on from now', async () => {
    await recordChange('ticket', { seller: 'acme', id: 'TT-1' });
    await recordChange('ticket', { seller: 'acme', id: 'TT-2' });
    await recordChange('ticket', { seller: 'acme', id: 'TT-3' });
    await pruneFeed(new Date(Date.now() + 60_000).toISOString());
    for (const position of ['0', '999999']) {
      const frames = await readFrames(await open({ 'last-event-id': position }), (f) => f.length >= 1, 1500);
      expect(frames[0]?.event).toBe('reload');
      expect(Number(frames[0]?.id)).toBe(await feedPosition());
      expect(frames.filter((f) => f.event === 'ticket')).toHaveLength(0);
    }
  });

  it('sends heartbeats that carry the stream position, so a browser can tell it lost changes on the way', async () => {
    const since = await feedPosition();
    await recordChange('ticket', { seller: 'acme', id: 'TT-1' });
    const res = liveEventStream(new Request(`http://127.0.0.1:3000/api/live?since=${since}`), 100);
    const frames = await readFrames(res, (f) => f.some((x) => x.event === 'heartbeat'));
    const beat = frames.find((f) => f.event === 'heartbeat');
    expect(JSON.parse(beat!.data!)).toEqual({ position: since + 1 });
  });

  it('ignores a position that is not a number', async () => {
    await recordChange('ticket', { seller: 'acme', id: 'TT-1' });
    const frames = await readFrames(await open({ 'last-event-id': '../../etc' }, '?since=abc'), (f) => f.length >= 1, 800);
    expect(frames).toEqual([]);
  });
});
