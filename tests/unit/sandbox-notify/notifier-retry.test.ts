import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyOf, createNotifyFixture, T0, type NotifyFixture } from './notify-fixture';

let f: NotifyFixture;
beforeEach(async () => {
  f = await createNotifyFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const resolved = (resourceId: string) =>
  ({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId }) as const;

describe('retries', () => {
  it('retries after the listener was down, once it is up again', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    await f.listener.stop();
    const n = f.notifier({ now: Date.now, retry: { baseMs: 100, maxMs: 200, maxElapsedMs: 60_000 } });
    n.publish(resolved('TT-1'));
    await n.drain();
    // the real clock runs on, so further retries may already have happened; the first one is the oldest
    const first = n.deliveries('acme').at(-1);
    expect(first).toMatchObject({ attempt: 1, outcome: 'retrying' });
    expect(first?.httpStatus).toBeUndefined();
    expect(first?.error).toMatch(/ECONNREFUSED/);

    await f.listener.restart();
    await f.listener.waitForRequests(1);
    await n.drain();
    const attempts = n.deliveries('acme');
    expect(attempts[0]).toMatchObject({ httpStatus: 204, outcome: 'delivered' });
    expect(attempts.slice(1).every((a) => a.outcome === 'retrying' && /ECONNREFUSED/.test(a.error ?? ''))).toBe(true);
    expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
    expect(bodyOf(f.listener.received[0]!).eventId).toBe(first?.eventId);
  });

  it.each([500, 503, 408, 429])('retries after HTTP %i', async (status) => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.answers.push(status);
    const n = f.notifier();
    n.publish(resolved('TT-1'));
    await n.drain();
    expect(f.listener.received).toHaveLength(1);
    f.clock.now = T0 + 60_000;
    await n.drain();
    expect(n.deliveries('acme').map((a) => [a.httpStatus, a.outcome])).toEqual([
      [204, 'delivered'],
      [status, 'retrying'],
    ]);
  });

  it.each([400, 403, 404, 422])('gives up on HTTP %i and moves on to the next event', async (status) => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.answers.push(status);
    const n = f.notifier();
    n.publish(resolved('TT-1'));
    n.publish(resolved('TT-2'));
    await n.drain();
    f.clock.now = T0 + 3600_000;
    await n.drain();
    expect(f.listener.received.map((r) => bodyOf(r).event.id)).toEqual(['TT-1', 'TT-2']);
    expect(n.deliveries('acme').map((a) => [a.resourceId, a.httpStatus, a.outcome])).toEqual([
      ['TT-2', 204, 'delivered'],
      ['TT-1', status, 'gaveUp'],
    ]);
    expect(f.db.prepare(`SELECT state, last_error FROM notify_delivery WHERE resource_id = 'TT-1'`).get()).toEqual({
      state: 'gaveUp',
      last_error: `HTTP ${status}`,
    });
  });

  it('backs off exponentially, capped, and gives up when the retry budget is spent', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.fallback = 503;
    const n = f.notifier({ retry: { baseMs: 1_000, maxMs: 4_000, maxElapsedMs: 10_000 } });
    n.publish(resolved('TT-1'));
    const attemptsAt = async (t: number) => {
      f.clock.now = T0 + t;
      await n.drain();
      return f.listener.received.length;
    };
    expect(await attemptsAt(0)).toBe(1);
    expect(await attemptsAt(999)).toBe(1);
    expect(await attemptsAt(1_000)).toBe(2); // waits 1 s
    expect(await attemptsAt(2_999)).toBe(2);
    expect(await attemptsAt(3_000)).toBe(3); // then 2 s
    expect(await attemptsAt(6_999)).toBe(3);
    expect(await attemptsAt(7_000)).toBe(4); // then 4 s
    expect(await attemptsAt(10_000)).toBe(5); // 4 s more would pass the budget: last try at its end
    expect(await attemptsAt(100_000)).toBe(5);
    expect(n.deliveries('acme').map((a) => a.outcome)).toEqual(['gaveUp', 'retrying', 'retrying', 'retrying', 'retrying']);
  });

  it('draws the backoff with full jitter', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.answers.push(503);
    const n = f.notifier({ random: () => 0.25, retry: { baseMs: 8_000, maxMs: 60_000, maxElapsedMs: 60_000 } });
    n.publish(resolved('TT-1'));
    await n.drain();
    f.clock.now = T0 + 1_999;
    await n.drain();
    expect(f.listener.received).toHaveLength(1);
    f.clock.now = T0 + 2_000;
    await n.drain();
    expect(f.listener.received).toHaveLength(2);
  });

  it('honours Retry-After seconds on 429 as a floor', async () => {
    // the stub cannot send Retry-After, so this goes through a tiny dedicated listener
    const http = await import('node:http');
    let calls = 0;
    const server = http.createServer((req, res) => {
      calls += 1;
      req.resume();
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '120' });
        res.end();
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      f.addHub('acme', 'troubleTicket', { id: 'hub-tt', callback: `http://127.0.0.1:${port}` });
      const n = f.notifier({ retry: { baseMs: 1_000, maxMs: 1_000, maxElapsedMs: 600_000 } });
      n.publish(resolved('TT-1'));
      await n.drain();
      f.clock.now = T0 + 119_999;
      await n.drain();
      expect(calls).toBe(1);
      f.clock.now = T0 + 120_000;
      await n.drain();
      expect(calls).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('times out an attempt that gets no answer and retries it', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.answers.push('hang');
    const n = f.notifier({ attemptTimeoutMs: 150 });
    n.publish(resolved('TT-1'));
    await n.drain();
    expect(n.deliveries('acme')[0]).toMatchObject({ error: 'timeout', outcome: 'retrying' });
    f.clock.now = T0 + 60_000;
    await n.drain();
    expect(n.deliveries('acme')[0]).toMatchObject({ httpStatus: 204, outcome: 'delivered' });
  });

  it('drops queued events of a hub that was unregistered meanwhile', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.answers.push(503);
    const n = f.notifier();
    n.publish(resolved('TT-1'));
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1' });
    await n.drain();
    f.hubs.set('acme/troubleTicket', []);
    f.clock.now = T0 + 60_000;
    await n.drain();
    expect(f.listener.received).toHaveLength(1);
    expect(f.db.prepare(`SELECT state FROM notify_delivery ORDER BY id`).pluck().all()).toEqual(['gaveUp', 'gaveUp']);
  });
});

describe('ordering and parallelism', () => {
  const statusChange = (resourceId: string) =>
    ({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId }) as const;
  const attributeChange = (resourceId: string) =>
    ({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketAttributeValueChangeEvent', resourceId }) as const;
  const eventsAbout = (prefix: string, id: string) =>
    f.listener.received.filter((r) => r.path.startsWith(`${prefix}/`) && bodyOf(r).event.id === id).map((r) => bodyOf(r).eventType);

  it('sends events about different resources side by side, never more than the per-hub bound at once', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-a', callback: `${f.listener.url}/a` });
    f.listener.answerDelayMs = 40;
    const n = f.notifier({ concurrencyPerHub: 4 });
    for (let i = 1; i <= 12; i += 1) n.publish(resolved(`TT-${i}`));
    await n.drain();
    expect(f.listener.received).toHaveLength(12);
    expect(f.listener.maxConcurrentByPrefix.get('/a')).toBe(4);
    expect(n.deliveries('acme', 100).every((a) => a.outcome === 'delivered')).toBe(true);
  });

  it('keeps a slow resource\'s events in order, one at a time, while other resources overtake it', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-a', callback: `${f.listener.url}/a` });
    f.listener.delayFor = (req) => (bodyOf(req).event.id === 'TT-SLOW' ? 500 : 5);
    const n = f.notifier();
    n.publish(statusChange('TT-SLOW'));
    n.publish(attributeChange('TT-SLOW'));
    n.publish(resolved('TT-SLOW'));
    for (const id of ['TT-1', 'TT-2', 'TT-3', 'TT-4', 'TT-5']) {
      n.publish(statusChange(id));
      n.publish(resolved(id));
    }
    await n.drain();

    expect(f.listener.received).toHaveLength(13);
    expect(eventsAbout('/a', 'TT-SLOW')).toEqual([
      'troubleTicketStatusChangeEvent',
      'troubleTicketAttributeValueChangeEvent',
      'troubleTicketResolvedEvent',
    ]);
    for (const id of ['TT-1', 'TT-2', 'TT-3', 'TT-4', 'TT-5']) {
      expect(eventsAbout('/a', id)).toEqual(['troubleTicketStatusChangeEvent', 'troubleTicketResolvedEvent']);
      expect(f.listener.maxConcurrentByResource.get(`/a ${id}`)).toBe(1);
    }
    expect(f.listener.maxConcurrentByResource.get('/a TT-SLOW')).toBe(1);
    expect(f.listener.maxConcurrentByPrefix.get('/a')).toBeGreaterThan(1);
    // every event about the quick resources went out while the slow resource's first event was still open
    const secondSlow = f.listener.received.findIndex((r, i) => i > 0 && bodyOf(r).event.id === 'TT-SLOW');
    expect(f.listener.received.slice(0, secondSlow).filter((r) => bodyOf(r).event.id !== 'TT-SLOW')).toHaveLength(10);
  });

  it('with a bound of one, a hub gets one request at a time in publish order', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-a', callback: `${f.listener.url}/a` });
    f.addHub('acme', 'troubleTicket', { id: 'hub-b', callback: `${f.listener.url}/b` });
    f.listener.answerDelayMs = 15;
    const n = f.notifier({ concurrencyPerHub: 1 });
    const ids = ['TT-1', 'TT-2', 'TT-3', 'TT-4', 'TT-5', 'TT-6'];
    for (const id of ids) n.publish(resolved(id));
    await n.drain();
    for (const prefix of ['/a', '/b']) {
      const seen = f.listener.received.filter((r) => r.path.startsWith(`${prefix}/`)).map((r) => bodyOf(r).event.id);
      expect(seen).toEqual(ids);
      expect(f.listener.maxConcurrentByPrefix.get(prefix)).toBe(1);
    }
  });

  it('holds later events about a resource behind a failing one, while other resources and hubs go on', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-a', callback: `${f.listener.url}/a` });
    f.addHub('acme', 'troubleTicket', { id: 'hub-b', callback: `${f.listener.url}/b`, query: 'eventType=troubleTicketStatusChangeEvent' });
    f.listener.answers.push(503);
    const n = f.notifier();
    n.publish(resolved('TT-1'));
    n.publish(statusChange('TT-1'));
    n.publish(resolved('TT-2'));
    await n.drain();
    const pathsTo = (prefix: string) =>
      f.listener.received.filter((r) => r.path.startsWith(`${prefix}/`)).map((r) => [bodyOf(r).eventType, bodyOf(r).event.id]);
    expect(pathsTo('/a')).toEqual([
      ['troubleTicketResolvedEvent', 'TT-1'],
      ['troubleTicketResolvedEvent', 'TT-2'],
    ]);
    expect(pathsTo('/b')).toEqual([['troubleTicketStatusChangeEvent', 'TT-1']]);

    f.clock.now = T0 + 60_000;
    await n.drain();
    expect(eventsAbout('/a', 'TT-1')).toEqual([
      'troubleTicketResolvedEvent',
      'troubleTicketResolvedEvent',
      'troubleTicketStatusChangeEvent',
    ]);
    expect(f.db.prepare(`SELECT state FROM notify_delivery`).pluck().all()).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });
});

describe('persistence', () => {
  it('persists a delivery before sending it', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish(resolved('TT-1'));
    expect(f.db.prepare(`SELECT state, hub_id, event_type, resource_id FROM notify_delivery`).all()).toEqual([
      { state: 'pending', hub_id: 'hub-tt', event_type: 'troubleTicketResolvedEvent', resource_id: 'TT-1' },
    ]);
    expect(f.listener.received).toHaveLength(0);
    await n.drain();
    expect(f.db.prepare(`SELECT state FROM notify_delivery`).pluck().get()).toBe('delivered');
  });

  it('resumes pending deliveries, in order and with the same event ids, after a restart', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    await f.listener.stop();
    const first = f.notifier();
    for (const eventType of ['troubleTicketStatusChangeEvent', 'troubleTicketAttributeValueChangeEvent', 'troubleTicketResolvedEvent']) {
      first.publish({ seller: 'acme', api: 'troubleTicket', eventType, resourceId: 'TT-1' });
    }
    await first.drain();
    const [failed] = first.deliveries('acme');
    expect(failed).toMatchObject({ eventType: 'troubleTicketStatusChangeEvent', outcome: 'retrying' });
    expect(first.deliveries('acme')).toHaveLength(1);
    await first.close();

    f.reopenDb();
    await f.listener.restart();
    f.clock.now = T0 + 60_000;
    const second = f.notifier();
    await f.listener.waitForRequests(3);
    await second.drain();
    const bodies = f.listener.received.map(bodyOf);
    expect(bodies.map((b) => b.eventType)).toEqual([
      'troubleTicketStatusChangeEvent',
      'troubleTicketAttributeValueChangeEvent',
      'troubleTicketResolvedEvent',
    ]);
    expect(bodies[0]?.eventId).toBe(failed?.eventId);
    expect(bodies[0]?.eventTime).toBe(new Date(T0).toISOString());
    expect(second.deliveries('acme').map((a) => [a.eventType, a.attempt, a.outcome])).toEqual([
      ['troubleTicketResolvedEvent', 1, 'delivered'],
      ['troubleTicketAttributeValueChangeEvent', 1, 'delivered'],
      ['troubleTicketStatusChangeEvent', 2, 'delivered'],
      ['troubleTicketStatusChangeEvent', 1, 'retrying'],
    ]);
  });

  it('an attempt cut short by close is recorded as interrupted and sent again after the restart', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.listener.answers.push('hang');
    const first = f.notifier();
    first.publish(resolved('TT-1'));
    await f.listener.waitForRequests(1);
    await first.close();
    expect(first.deliveries('acme')[0]).toMatchObject({ outcome: 'interrupted', error: 'aborted' });

    const second = f.notifier();
    await f.listener.waitForRequests(2);
    await second.drain();
    expect(second.deliveries('acme')[0]).toMatchObject({ attempt: 2, httpStatus: 204, outcome: 'delivered' });
    expect(bodyOf(f.listener.received[1]!).eventId).toBe(bodyOf(f.listener.received[0]!).eventId);
  });

  it('stops sending after close; publishing then only queues', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    await n.close();
    n.publish(resolved('TT-1'));
    await n.drain();
    expect(f.listener.received).toHaveLength(0);
    expect(f.db.prepare(`SELECT state FROM notify_delivery`).pluck().all()).toEqual(['pending']);
  });
});
