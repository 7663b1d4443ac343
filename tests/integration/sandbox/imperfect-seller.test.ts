import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { validateResponse } from '@/lib/sonata/openapi-validator';
import type { NotifierDeps, SandboxEvent } from '@/sandbox/notifier';
import { sandboxSellers } from '@/sandbox/sellers';
import { removeDir, startHarness, ticketBody, type Harness } from './harness';

/** The fourth, imperfect Seller: off unless asked for; when on, it ships the sources' known defects and the others stay strict. */

describe('switching it on', () => {
  it('is on by default beside the three strict Sellers; SANDBOX_IMPERFECT=0 leaves exactly the strict ones', () => {
    expect(sandboxSellers({}).map((s) => s.slug)).toEqual(['acme', 'globex', 'initech', 'vandelay']);
    expect(sandboxSellers({ SANDBOX_IMPERFECT: '0' }).map((s) => s.slug)).toEqual(['acme', 'globex', 'initech']);
  });

  it('SANDBOX_IMPERFECT=1 keeps vandelay; SANDBOX_SELLERS picks any set; an unknown slug is refused', () => {
    expect(sandboxSellers({ SANDBOX_IMPERFECT: '1' }).map((s) => s.slug)).toEqual(['acme', 'globex', 'initech', 'vandelay']);
    expect(sandboxSellers({ SANDBOX_SELLERS: 'acme, vandelay' }).map((s) => s.slug)).toEqual(['acme', 'vandelay']);
    expect(() => sandboxSellers({ SANDBOX_SELLERS: 'acme,nobody' })).toThrow(/unknown Seller nobody/);
    expect(sandboxSellers({ SANDBOX_IMPERFECT: '1' }).filter((s) => s.imperfect).map((s) => s.slug)).toEqual(['vandelay']);
  });
});

describe('vandelay, the imperfect Seller', () => {
  let h: Harness;
  const published: SandboxEvent[] = [];
  const recordingNotifier = (_deps: NotifierDeps) => ({
    publish: (e: SandboxEvent) => void published.push(e),
    deliveries: () => [],
    drain: async () => undefined,
    close: async () => undefined,
  });

  beforeAll(async () => {
    h = await startHarness({ sellers: sandboxSellers({ SANDBOX_IMPERFECT: '1' }), notifier: recordingNotifier });
  });
  afterAll(async () => {
    await h.close();
    removeDir(h.dir);
  });

  const product = () => h.sellers.vandelay!.products[0]!.id;

  it('is listed by discovery next to the three strict Sellers', async () => {
    const res = await h.control('GET', '/sellers');
    expect(res.body.sellers.map((s: { slug: string }) => s.slug)).toEqual(['acme', 'globex', 'initech', 'vandelay']);
  });

  it('answers application/json without charset, with members the YAML does not know', async () => {
    const created = await h.mef('vandelay', 'troubleTicket', 'POST', '/troubleTicket', ticketBody(product()));
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.body).toMatchObject({ status: 'acknowledged', lastUpdate: expect.any(String), vandelayInternalRef: expect.stringMatching(/^VDL-/) });
    // lastUpdate is when the ticket last changed, not when it was read: the same document reads the same twice.
    const read = async () => (await h.mef('vandelay', 'troubleTicket', 'GET', `/troubleTicket/${created.body.id}`)).body;
    const first = await read();
    await new Promise((r) => setTimeout(r, 20));
    expect(await read()).toEqual(first);
    expect(first.lastUpdate).toBe(first.statusChange.at(-1).changeDate);
    const refused = await h.mef('vandelay', 'troubleTicket', 'GET', '/troubleTicket/nope');
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toBe('application/json');

    const strict = await h.mef('acme', 'troubleTicket', 'POST', '/troubleTicket', ticketBody(h.sellers.acme!.products[0]!.id));
    expect(strict.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(strict.body.lastUpdate).toBeUndefined();
  });

  it('leaves fields the YAML marks required out of list items, which a strict check catches', async () => {
    const list = await h.mef('vandelay', 'troubleTicket', 'GET', '/troubleTicket');
    expect(list.status).toBe(200);
    const [item] = list.body as Array<Record<string, unknown>>;
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('sellerPriority');
    expect(item).not.toHaveProperty('sellerSeverity');
    const violations = validateResponse(troubleTicketSpec, 'listTroubleTicket', 200, list.body, { strict: true });
    expect(violations.map((v) => v.path)).toEqual(expect.arrayContaining([expect.stringMatching(/^\/0/)]));

    const strict = await h.mef('acme', 'troubleTicket', 'GET', '/troubleTicket');
    expect(strict.body[0]).toHaveProperty('sellerPriority');
  });

  it('answers GET /workorder with the whole list as a bare array, without paging headers', async () => {
    const ticket = await h.mef('vandelay', 'troubleTicket', 'POST', '/troubleTicket', ticketBody(product()));
    for (let i = 0; i < 2; i += 1) expect((await h.control('POST', `/vandelay/tickets/${ticket.body.id}/work-orders`, {})).status).toBe(201);
    const res = await h.mef('vandelay', 'workOrder', 'GET', '/workorder?limit=1');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(2);
    expect(res.headers.get('x-total-count')).toBeNull();
    expect(res.headers.get('x-result-count')).toBeNull();
    expect(res.body[0]).not.toHaveProperty('place');

    const strict = await h.mef('globex', 'workOrder', 'GET', '/workorder?limit=1');
    expect(strict.headers.get('x-total-count')).not.toBeNull();
  });

  it('hands its notifications over late, twice or with an earlier time; the strict Sellers never', async () => {
    const vandelay = published.filter((e) => e.seller === 'vandelay');
    expect(vandelay.length).toBeGreaterThanOrEqual(6);
    expect(vandelay.some((e) => e.quirks?.repeat)).toBe(true);
    expect(vandelay.some((e) => (e.quirks?.delayMs ?? 0) > 0)).toBe(true);
    expect(vandelay.some((e) => (e.quirks?.eventTimeOffsetMs ?? 0) < 0)).toBe(true);
    expect(published.filter((e) => e.seller !== 'vandelay').every((e) => e.quirks === undefined)).toBe(true);
  });
});
