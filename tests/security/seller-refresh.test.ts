import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { tickets } from '@/db/schema';
import { refreshFromSellers } from '@/lib/actions/appointments';
import { refreshIncident, refreshIncidents } from '@/lib/actions/incidents';
import { refreshTicketFromSeller } from '@/lib/actions/tickets';
import { resetEnv } from '@/lib/env';
import { RefreshGate } from '@/lib/sync/refresh-gate';
import type { RunningSandbox } from '@/sandbox/server';
import { startFaultProxy, type FaultProxy } from '../reliability/fault-proxy';
import { incidentSnapshot, raiseIncident, registerSellers, startIncidentSandbox } from '../integration/incidents/incident-fixture';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

let sandbox: RunningSandbox;
let proxy: FaultProxy;
let dir: string;
let nocId: number;
let managerId: number;
let incidentId: string;
let ticketId: number;

const incidentLists = () => proxy.seen.filter((r) => r.method === 'GET' && /\/incident$/.test(r.path));

beforeAll(async () => {
  usePortalTestEnv();
  process.env.SELLER_REFRESH_COOLDOWN_SECONDS = '2';
  resetEnv();
  const started = await startIncidentSandbox();
  sandbox = started.sandbox;
  dir = started.dir;
  proxy = await startFaultProxy(sandbox.url);
  // Every call to the Sellers goes through the proxy, which counts them.
  const viaProxy = JSON.parse(JSON.stringify(started.sellers).replaceAll(sandbox.url, proxy.origin));
  await registerSellers(dir, viaProxy);
  incidentId = (await raiseIncident(sandbox, 'acme', { description: 'Fibre cut', productIds: ['acme-prod-evpl-003'], impact: 'down', incidentType: 'repair', priority: 'high', severity: 'significant' })).id;
  nocId = (await createUser('noc')).id;
  managerId = (await createUser('manager')).id;
  const acme = (await getDb().query.sellers.findFirst({ where: (s, { eq }) => eq(s.slug, 'acme') }))!;
  ticketId = (
    await getDb()
      .insert(tickets)
      .values({ sellerId: acme.id, sellerTicketId: 'TT-NOPE', externalId: 'LOCAL-1', productId: 'acme-prod-evpl-003', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'degraded', status: 'inProgress', document: { id: 'TT-NOPE', status: 'inProgress' } })
      .returning()
      .get()
  ).id;
});

afterAll(async () => {
  delete process.env.SELLER_REFRESH_COOLDOWN_SECONDS;
  resetEnv();
  await proxy?.close();
  await sandbox?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('refreshes from the Sellers', () => {
  it('are refused to a read-only role (403, saying why) without any call to a Seller', async () => {
    actAs(managerId);
    const before = await incidentSnapshot();
    for (const [name, run] of [
      ['refreshIncidents', () => refreshIncidents({})],
      ['refreshIncident', () => refreshIncident({ seller: 'acme', id: incidentId })],
      ['refreshFromSellers', () => refreshFromSellers({})],
      ['refreshTicketFromSeller', () => refreshTicketFromSeller({ ticketId })],
    ] as const) {
      const state = await run();
      expect(state, name).toMatchObject({ ok: false, status: 403 });
      expect(state.message, name).toMatch(/^Managers read what the Sellers have sent/);
    }
    expect(proxy.seen).toEqual([]);
    expect(await incidentSnapshot()).toEqual(before);
  });

  it('run once for parallel callers, who share the outcome, then wait out the cooldown', async () => {
    actAs(nocId);
    // Slow lists, so that all five calls arrive while the first refresh is still running.
    proxy.set(({ method, path }) => (method === 'GET' && /\/incident$/.test(path) ? { kind: 'slow', ms: 300 } : undefined));
    const results = await Promise.all(Array.from({ length: 5 }, () => refreshIncidents({})));
    proxy.clear();
    const sellersAsked = new Set(incidentLists().map((r) => r.path.split('/')[1]));
    expect(incidentLists()).toHaveLength(sellersAsked.size);
    expect(sellersAsked.has('acme')).toBe(true);
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]!.ok).toBe(true);

    const listed = incidentLists().length;
    const again = await refreshIncidents({});
    expect(again).toMatchObject({ ok: false, status: 429 });
    expect(again.message).toMatch(/^Just refreshed from the Sellers; the next refresh is possible in [12] s\./);
    expect(incidentLists()).toHaveLength(listed);

    await new Promise((r) => setTimeout(r, 2_100));
    expect((await refreshIncidents({})).ok).toBe(true);
    expect(incidentLists().length).toBeGreaterThan(listed);
  });

  it('of one resource are single-flight but not held back: right after one, the next one asks the Seller again', async () => {
    actAs(nocId);
    const gets = () => proxy.seen.filter((r) => r.method === 'GET' && r.path.endsWith(`/incident/${incidentId}`)).length;
    const start = gets();
    proxy.set(({ method, path }) => (method === 'GET' && path.endsWith(`/incident/${incidentId}`) ? { kind: 'slow', ms: 300 } : undefined));
    const parallel = await Promise.all([1, 2, 3].map(() => refreshIncident({ seller: 'acme', id: incidentId })));
    proxy.clear();
    expect(parallel.every((r) => r.ok)).toBe(true);
    expect(gets() - start).toBe(1);
    expect((await refreshIncident({ seller: 'acme', id: incidentId })).ok).toBe(true);
    expect(gets() - start).toBe(2);
  });
});

describe('the refresh gate', () => {
  it('lets a failed refresh go: joined callers share the failure, and the cooldown still applies', async () => {
    const gate = new RefreshGate();
    let clock = 1_000;
    let calls = 0;
    const failing = () =>
      new Promise<never>((_, reject) => {
        calls++;
        setTimeout(() => reject(new Error('Seller down')), 20);
      });
    const outcomes = await Promise.allSettled([gate.run('s', 10_000, failing, () => clock), gate.run('s', 10_000, failing, () => clock)]);
    expect(calls).toBe(1);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await gate.run('s', 10_000, failing, () => clock)).toEqual({ ran: false, retryAfterSeconds: 10, lastFinishedAt: 1_000 });
    clock += 10_000;
    await expect(gate.run('s', 10_000, failing, () => clock)).rejects.toThrow('Seller down');
    expect(calls).toBe(2);
  });
});
