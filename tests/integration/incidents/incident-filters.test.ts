import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sellerIncidentState, sellers, waitingItems } from '@/db/schema';
import { incidentSellerStatuses, listIncidents, parseIncidentFilter, type IncidentFilter } from '@/lib/data/incidents';
import { getSellerBySlug, sellerConnectionBySlug } from '@/lib/sellers/registry';
import { troubleTicketClient } from '@/lib/sonata/client';
import { refreshAllIncidents, refreshOneIncident, refreshSellerIncidents, type IncidentListFilter } from '@/lib/sync/incident-refresh';
import type { RunningSandbox } from '@/sandbox/server';
import { usePortalTestEnv } from '../../support/portal-env';
import { control, raiseIncident, registerSellers, removeDir, startIncidentSandbox, type IncidentInput } from './incident-fixture';

let sandbox: RunningSandbox;
let dir: string;
const HOUR = 3_600_000;
/** Instants well away from any date the Sellers set, so inclusive and exclusive bounds agree. */
const base = Date.parse('2031-03-10T12:00:00.000Z');
const at = (hours: number) => new Date(base + hours * HOUR).toISOString();
const between = (hours: number) => new Date(base + hours * HOUR + 30 * 60_000).toISOString();

const NOT_OURS = 'acme-prod-wave-004';
const ids: Record<string, string> = {};

function incident(over: Partial<IncidentInput>): IncidentInput {
  return {
    description: 'Fibre cut',
    productIds: ['acme-prod-evpl-003'],
    impact: 'down',
    incidentType: 'repair',
    priority: 'high',
    severity: 'significant',
    ...over,
  };
}

beforeAll(async () => {
  usePortalTestEnv();
  const started = await startIncidentSandbox();
  sandbox = started.sandbox;
  dir = started.dir;
  await registerSellers(dir, started.sellers, [NOT_OURS]);

  // A spread of incidents over every O17 attribute at two Sellers; the Seller clock moves between them.
  const raise = async (key: string, seller: string, input: IncidentInput) => {
    ids[key] = (await raiseIncident(sandbox, seller, input)).id;
    await control(sandbox, 'POST', '/clock/advance', { ms: 2 * HOUR });
  };
  await raise('a1', 'acme', incident({ description: 'Fibre cut near Lyon', situationStartDate: at(-30), expectedClosedDate: at(10) }));
  await raise('a2', 'acme', incident({ description: 'Planned maintenance on the Paris ring', productIds: ['acme-prod-ethernet-001', 'acme-prod-dia-002'], impact: 'intermittent', incidentType: 'maintenance', priority: 'low', severity: 'minor', situationStartDate: at(-20), expectedClosedDate: at(20) }));
  await raise('a3', 'acme', incident({ description: 'Wavelength alarm (not our circuit)', productIds: [NOT_OURS], impact: 'degraded', incidentType: 'installation', priority: 'critical', severity: 'extensive', situationStartDate: at(-10) }));
  await raise('a4', 'acme', incident({ description: 'DIA packet loss 100%_burst', productIds: ['acme-prod-dia-002'], impact: 'degraded', priority: 'medium', severity: 'moderate', situationStartDate: at(-5), expectedClosedDate: at(30) }));
  await raise('g1', 'globex', incident({ description: 'NYC access outage', productIds: ['globex-prod-access-101'], situationStartDate: at(-25) }));
  await raise('g2', 'globex', incident({ description: 'Chicago SD-WAN maintenance', productIds: ['globex-prod-sdwan-103'], impact: 'intermittent', incidentType: 'maintenance', priority: 'low', severity: 'minor', situationStartDate: at(-15), expectedClosedDate: at(40) }));
  await control(sandbox, 'POST', `/acme/incidents/${ids.a1}/status`, { status: 'inProgress' });
  await control(sandbox, 'POST', `/acme/incidents/${ids.a2}/close`, { note: 'Maintenance finished' });
  await control(sandbox, 'POST', '/clock/advance', { ms: 2 * HOUR });
  await control(sandbox, 'POST', `/globex/incidents/${ids.g2}/status`, { status: 'inProgress' });
  await control(sandbox, 'POST', `/globex/incidents/${ids.g2}/close`, {});
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) removeDir(dir);
});

async function sellerIds(seller: string, query: IncidentListFilter): Promise<string[]> {
  const conn = await sellerConnectionBySlug(seller);
  const list = await troubleTicketClient(conn!).listAllIncident(query);
  return list.items.map((i) => i.id).sort();
}

async function cacheIds(filter: IncidentFilter): Promise<string[]> {
  return (await listIncidents(filter, { pageSize: 500 })).rows.map((r) => r.id).sort();
}

describe('incident list sync', () => {
  it('lists every Seller, fetches each incident once, and records initech as not offering incidents (501)', async () => {
    const results = await refreshAllIncidents();
    const bySeller = Object.fromEntries(results.map((r) => [r.seller, r]));
    expect(bySeller.acme).toMatchObject({ offered: true, listed: 4, fetched: 4 });
    expect(bySeller.globex).toMatchObject({ offered: true, listed: 2, fetched: 2 });
    expect(bySeller.initech).toMatchObject({ offered: false, listed: 0, fetched: 0 });
    expect(bySeller.initech?.error).toBeUndefined();
    // vandelay (the imperfect Seller) lists its incidents without `impact`: tolerated, nothing refused, none raised here.
    expect(bySeller.vandelay).toMatchObject({ offered: true, listed: 0, fetched: 0 });
    expect(bySeller.vandelay?.error).toBeUndefined();

    const statuses = await incidentSellerStatuses();
    expect(statuses.find((s) => s.slug === 'initech')).toMatchObject({ offered: false, lastListError: null });
    expect(statuses.find((s) => s.slug === 'acme')).toMatchObject({ offered: true, notOfferedSince: null });
    expect((await listIncidents({ seller: 'initech' })).rows).toEqual([]);

    const again = await refreshAllIncidents();
    expect(again.map((r) => [r.seller, r.fetched])).toEqual([['acme', 0], ['globex', 0], ['initech', 0], ['vandelay', 0]]);
  });

  it('opens a waiting item for a new incident on our product, none for a product that is not ours', async () => {
    const items = await getDb().select().from(waitingItems).all();
    const incidentItems = items.filter((i) => i.entityType === 'incident' && !i.clearedAt).map((i) => i.entityId).sort();
    expect(incidentItems).toContain(ids.a1);
    expect(incidentItems).toContain(ids.a4);
    expect(incidentItems).toContain(ids.g1);
    expect(incidentItems).not.toContain(ids.a3);
  });

  it('fetches only what changed at the Seller', async () => {
    await control(sandbox, 'PATCH', `/acme/incidents/${ids.a4}`, { severity: 'significant', note: 'Worse than thought' });
    const result = await refreshSellerIncidents((await getSellerBySlug('acme'))!);
    expect(result).toMatchObject({ listed: 4, fetched: 1 });
    expect((await listIncidents({ seller: 'acme', severity: 'significant' })).rows.map((r) => r.id).sort()).toEqual([ids.a1, ids.a4].sort());
  });

  it('retrieving one incident at initech is recorded as not offered, not as an error', async () => {
    const outcome = await refreshOneIncident((await getSellerBySlug('initech'))!, 'whatever');
    expect(outcome).toMatchObject({ ok: false, notOffered: true });
    const acmeMissing = await refreshOneIncident((await getSellerBySlug('acme'))!, 'no-such-incident');
    expect(acmeMissing).toMatchObject({ ok: false, notFound: true, notOffered: false });
  });

  it('a Seller that starts offering incidents again is no longer marked', async () => {
    const acme = (await getSellerBySlug('acme'))!;
    await getDb().insert(sellerIncidentState).values({ sellerId: acme.id, notOfferedSince: at(-100), checkedAt: at(-100) }).onConflictDoUpdate({ target: sellerIncidentState.sellerId, set: { notOfferedSince: at(-100) } }).run();
    expect((await incidentSellerStatuses()).find((s) => s.slug === 'acme')?.offered).toBe(false);
    await refreshSellerIncidents(acme);
    expect((await incidentSellerStatuses()).find((s) => s.slug === 'acme')?.offered).toBe(true);
  });

  it('keeps the list error of an unreachable Seller and carries on with the others', async () => {
    await getDb().update(sellers).set({ troubleTicketBaseUrl: 'http://127.0.0.1:9/globex/mefApi/sonata/troubleTicket/v4', timeoutMs: 2000 }).where(eqSlug('globex')).run();
    try {
      const results = await refreshAllIncidents();
      expect(results.find((r) => r.seller === 'globex')?.error).toMatch(/incident list could not be read/);
      expect(results.find((r) => r.seller === 'acme')?.error).toBeUndefined();
      expect((await incidentSellerStatuses()).find((s) => s.slug === 'globex')?.lastListError).toMatch(/could not be read/);
      // What we had stays readable.
      expect(await cacheIds({ seller: 'globex' })).toEqual([ids.g1, ids.g2].sort());
    } finally {
      await getDb().update(sellers).set({ troubleTicketBaseUrl: `${sandbox.url}/globex/mefApi/sonata/troubleTicket/v4`, timeoutMs: 10_000 }).where(eqSlug('globex')).run();
    }
  });
});

const eqSlug = (slug: string) => eq(sellers.slug, slug);

/** Each O17 filter, as the page takes it from the URL, next to the same filter on the Seller's own list. */
const CASES: Array<{ name: string; params: Record<string, string>; query: IncidentListFilter }> = [
  { name: 'severity', params: { severity: 'significant' }, query: { severity: 'significant' } },
  { name: 'severity (minor)', params: { severity: 'minor' }, query: { severity: 'minor' } },
  { name: 'priority', params: { priority: 'low' }, query: { priority: 'low' } },
  { name: 'priority (critical)', params: { priority: 'critical' }, query: { priority: 'critical' } },
  { name: 'incident type', params: { type: 'maintenance' }, query: { incidentType: 'maintenance' } },
  { name: 'incident type (installation)', params: { type: 'installation' }, query: { incidentType: 'installation' } },
  { name: 'impact', params: { impact: 'degraded' }, query: { impact: 'degraded' } },
  { name: 'impact (down)', params: { impact: 'down' }, query: { impact: 'down' } },
  { name: 'state created', params: { status: 'created' }, query: { status: 'created' } },
  { name: 'state inProgress', params: { status: 'inProgress' }, query: { status: 'inProgress' } },
  { name: 'state closed', params: { status: 'closed' }, query: { status: 'closed' } },
  { name: 'product', params: { product: 'acme-prod-dia-002' }, query: { relatedEntityId: 'acme-prod-dia-002' } },
  { name: 'product (globex)', params: { product: 'globex-prod-access-101' }, query: { relatedEntityId: 'globex-prod-access-101' } },
  { name: 'situation start from', params: { startedFrom: between(-21) }, query: { 'situationStartDate.gt': between(-21) } },
  { name: 'situation start range', params: { startedFrom: between(-26), startedTo: between(-11) }, query: { 'situationStartDate.gt': between(-26), 'situationStartDate.lt': between(-11) } },
  { name: 'expected closed to', params: { expectedTo: between(25) }, query: { 'expectedClosedDate.lt': between(25) } },
  { name: 'expected closed range', params: { expectedFrom: between(15), expectedTo: between(35) }, query: { 'expectedClosedDate.gt': between(15), 'expectedClosedDate.lt': between(35) } },
];

describe('each O17 filter on the cache gives what the Seller gives', () => {
  it.each(CASES)('$name', async ({ params, query }) => {
    let matched = 0;
    for (const seller of ['acme', 'globex']) {
      const fromCache = await cacheIds({ ...parseIncidentFilter(params), seller });
      expect(fromCache, seller).toEqual(await sellerIds(seller, query));
      matched += fromCache.length;
    }
    expect(matched, 'the case must select something').toBeGreaterThan(0);
  });

  it('creation date range and closed date range', async () => {
    const acme = (await sellerIds('acme', {})).length;
    expect(acme).toBe(4);
    for (const seller of ['acme', 'globex']) {
      const all = (await listIncidents({ seller }, { pageSize: 500 })).rows;
      const creations = all.map((r) => r.creationDate!).sort();
      const cut = new Date(Date.parse(creations[0]!) + 60_000).toISOString();
      for (const [params, query] of [
        [{ createdFrom: cut }, { 'creationDate.gt': cut }],
        [{ createdTo: cut }, { 'creationDate.lt': cut }],
      ] as const) {
        expect(await cacheIds({ ...parseIncidentFilter(params), seller })).toEqual(await sellerIds(seller, query));
      }
      const closed = all.filter((r) => r.closedDate).map((r) => r.closedDate!);
      expect(closed.length, seller).toBe(1);
      const after = new Date(Date.parse(closed[0]!) - 60_000).toISOString();
      const before = new Date(Date.parse(closed[0]!) + 60_000).toISOString();
      expect(await cacheIds({ ...parseIncidentFilter({ closedFrom: after, closedTo: before }), seller })).toEqual(
        await sellerIds(seller, { 'closedDate.gt': after, 'closedDate.lt': before }),
      );
      expect(await cacheIds({ ...parseIncidentFilter({ closedFrom: before }), seller })).toEqual([]);
    }
  });

  it('combines filters', async () => {
    const params = { severity: 'significant', impact: 'down', status: 'inProgress' };
    expect(await cacheIds({ ...parseIncidentFilter(params), seller: 'acme' })).toEqual(
      await sellerIds('acme', { severity: 'significant', impact: 'down', status: 'inProgress' }),
    );
    expect(await cacheIds(parseIncidentFilter(params))).toEqual([ids.a1]);
  });

  it('takes calendar days for date filters, the upper day included', async () => {
    const all = (await listIncidents({}, { pageSize: 500 })).rows;
    const day = all[0]!.creationDate!.slice(0, 10);
    const sameDay = all.filter((r) => r.creationDate!.startsWith(day)).map((r) => r.id).sort();
    expect(await cacheIds(parseIncidentFilter({ createdFrom: day, createdTo: day }))).toEqual(sameDay);
  });
});

describe('the list', () => {
  it('puts open incidents first, then the newest', async () => {
    const rows = (await listIncidents({}, { pageSize: 500 })).rows;
    const closedAt = rows.findIndex((r) => r.status === 'closed');
    expect(closedAt).toBeGreaterThan(0);
    expect(rows.slice(closedAt).every((r) => r.status === 'closed')).toBe(true);
    const open = rows.slice(0, closedAt).map((r) => r.creationDate!);
    expect(open).toEqual([...open].sort().reverse());
  });

  it('marks which affected products are ours', async () => {
    const rows = (await listIncidents({ seller: 'acme' }, { pageSize: 500 })).rows;
    const a2 = rows.find((r) => r.id === ids.a2)!;
    expect(a2.products.map((p) => [p.id, p.ours?.label ?? null])).toEqual([
      ['acme-prod-ethernet-001', 'Ethernet Private Line 1 Gbps Paris–Lyon'],
      ['acme-prod-dia-002', 'Dedicated Internet Access 500 Mbps'],
    ]);
    const a3 = rows.find((r) => r.id === ids.a3)!;
    expect(a3.products).toEqual([{ id: NOT_OURS, role: 'affectedProduct', ours: null }]);
    expect(await cacheIds({ ours: true, seller: 'acme' })).toEqual([ids.a1, ids.a2, ids.a4].sort());
  });

  it('searches description and id as literal text, and pages', async () => {
    expect(await cacheIds(parseIncidentFilter({ q: 'paris RING' }))).toEqual([ids.a2]);
    expect(await cacheIds(parseIncidentFilter({ q: '100%_b' }))).toEqual([ids.a4]);
    expect(await cacheIds(parseIncidentFilter({ q: '_' }))).toEqual([ids.a4]);
    expect(await cacheIds(parseIncidentFilter({ q: ids.g1!.slice(2, 12) }))).toEqual([ids.g1]);
    const first = await listIncidents({}, { pageSize: 4 });
    const second = await listIncidents({ page: 2 }, { pageSize: 4 });
    expect(first.total).toBe(6);
    expect(first.rows).toHaveLength(4);
    expect(second.rows).toHaveLength(2);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(6);
  });

  it('ignores malformed filter values instead of failing', async () => {
    expect(parseIncidentFilter({ severity: 'huge', createdFrom: 'yesterday', status: 'gone', page: '-3', product: '' })).toEqual({});
    expect(await cacheIds({ seller: 'nobody' })).toEqual([]);
  });
});
