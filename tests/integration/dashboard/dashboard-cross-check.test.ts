import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sellers } from '@/db/schema';
import { fetchDashboard } from '@/lib/data/dashboard';
import { mean, median, splitTimeToResolve } from '@/lib/domain/dashboard-metrics';
import type { TicketStatus } from '@/lib/domain/mef-labels';
import { storeTicket } from '@/tests/support/seller-documents';
import { usePortalTestEnv } from '../../support/portal-env';
import { ticketDocument } from './fixture';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random lives with pending periods, rejected resolutions and changes at the same minute. */
function randomLife(random: () => number, start: number): Array<[number, TicketStatus]> {
  const life: Array<[number, TicketStatus]> = [[start, 'acknowledged']];
  let t = start;
  const step = (status: TicketStatus) => {
    t += random() < 0.15 ? 0 : Math.floor(random() * 600) * MIN;
    // The cache keeps one row per (ticket, instant, status), as a Seller's history never repeats one.
    if (life.some(([at, s]) => at === t && s === status)) t += MIN;
    life.push([t, status]);
  };
  step('inProgress');
  for (let cycle = 0; cycle < 3; cycle++) {
    if (random() < 0.5) {
      step('pending');
      step('inProgress');
    }
    step('resolved');
    if (random() < 0.6) break;
    step('reopened');
    step('inProgress');
  }
  if (life[life.length - 1]![1] !== 'resolved') step('resolved');
  if (random() < 0.5) step('closed');
  return life;
}

describe('SQL and the pure rules agree on random histories', () => {
  beforeEach(() => usePortalTestEnv());

  it('gives the same mean and median time to resolve and the same mean split between the Seller and us', async () => {
    const random = prng(7);
    const ids: number[] = [];
    for (const slug of ['s1', 's2', 's3']) {
      const [row] = await getDb()
        .insert(sellers)
        .values({ slug, name: slug, troubleTicketBaseUrl: 'http://x', appointmentBaseUrl: 'http://x', workOrderBaseUrl: 'http://x', tokenUrl: 'http://x', clientId: 'c', clientSecretEnc: 'v1:a:b:c' })
        .returning();
      ids.push(row!.id);
    }
    const expected = new Map<number | null, Array<{ totalMs: number; waitingOnSellerMs: number; waitingOnUsMs: number }>>();
    for (let n = 0; n < 150; n++) {
      const sellerId = ids[n % ids.length]!;
      const created = T0 + Math.floor(random() * 20 * 24 * 60) * MIN;
      const life = randomLife(random, created);
      const resolvedAt = [...life].reverse().find(([, s]) => s === 'resolved')![0];
      const iso = (ms: number) => new Date(ms).toISOString();
      await storeTicket(
        sellerId,
        ticketDocument(`R${n}`, 'minor', iso(created), life.map(([at, s]) => [iso(at), s]), { resolutionDate: iso(resolvedAt) }),
        iso(T0 + 60 * 24 * 60 * MIN),
      );
      const split = splitTimeToResolve(life.map(([at, status]) => ({ at, status })), created, resolvedAt);
      for (const key of [sellerId, null]) expected.set(key, [...(expected.get(key) ?? []), split]);
    }

    const { trend } = await fetchDashboard({ sellerId: null, fromMs: T0, toMs: T0 + 90 * 24 * 60 * MIN, nowMs: T0 + 90 * 24 * 60 * MIN });
    expect(trend.resolution).toHaveLength(ids.length + 1);
    for (const row of trend.resolution) {
      const splits = expected.get(row.sellerId)!;
      const pick = (k: 'totalMs' | 'waitingOnSellerMs' | 'waitingOnUsMs') => splits.map((s) => s[k]);
      expect(row.resolved).toBe(splits.length);
      expect(row.meanTotalMs).toBeCloseTo(mean(pick('totalMs'))!, 3);
      expect(row.meanSellerMs).toBeCloseTo(mean(pick('waitingOnSellerMs'))!, 3);
      expect(row.meanUsMs).toBeCloseTo(mean(pick('waitingOnUsMs'))!, 3);
      expect(row.medianTotalMs).toBe(median(pick('totalMs')));
    }
  });
});
