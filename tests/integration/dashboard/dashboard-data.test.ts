import { beforeEach, describe, expect, it } from 'vitest';
import { fetchDashboard, loadDashboard } from '@/lib/data/dashboard';
import { parseDashboardFilters, presetRange } from '@/lib/domain/dashboard-metrics';
import { usePortalTestEnv } from '../../support/portal-env';
import { H, NOW, seedDashboardFixture, seedFieldFixture } from './fixture';

const D = 24 * H;

describe('dashboard aggregates over the ticket cache', () => {
  let ids: { acme: number; globex: number };
  beforeEach(async () => {
    usePortalTestEnv();
    ids = await seedDashboardFixture();
  });

  const scope = (sellerId: number | null = null) => {
    const range = presetRange('7d', NOW);
    return { sellerId, fromMs: range.fromMs, toMs: range.toMs, nowMs: NOW };
  };

  it('counts open tickets by Seller and state, and by severity', async () => {
    const { now } = await fetchDashboard(scope());
    const bySeller = now.openBySellerStatus
      .map((r) => `${r.sellerId === ids.acme ? 'acme' : 'globex'}:${r.status}=${r.count}`)
      .sort();
    expect(bySeller).toEqual(['acme:acknowledged=1', 'acme:pending=1', 'acme:resolved=1', 'globex:inProgress=1']);
    expect(Object.fromEntries(now.openBySeverity.map((r) => [r.severity, r.count]))).toEqual({ extensive: 2, minor: 1, moderate: 1 });
  });

  it('lists tickets waiting on us, longest wait first, with their age', async () => {
    const { now } = await fetchDashboard(scope());
    expect(now.waitingOnUs.map((r) => [r.externalId, r.status, r.waitingMs])).toEqual([
      ['NOC-2026-A1', 'resolved', 6 * D + 2 * H],
      ['NOC-2026-A3', 'pending', 2 * H],
    ]);
  });

  it('finds overdue tickets against the Seller expected date, excluding resolved ones', async () => {
    const { now } = await fetchDashboard(scope());
    expect(now.overdueList.map((r) => [r.externalId, r.overdueMs])).toEqual([
      ['NOC-2026-G3', 15 * D + 12 * H],
      ['NOC-2026-A3', 1 * H],
    ]);
    expect(Object.fromEntries(now.overdueBySeller.map((r) => [r.sellerId, r.count]))).toEqual({ [ids.acme]: 1, [ids.globex]: 1 });
  });

  it('counts created and resolved per UTC day, honouring offsets, with empty days as zero', async () => {
    const { trend } = await fetchDashboard(scope());
    expect(trend.perDay).toEqual([
      { day: '2026-11-21', created: 0, resolved: 1 },
      { day: '2026-11-22', created: 1, resolved: 0 },
      { day: '2026-11-23', created: 0, resolved: 1 },
      { day: '2026-11-24', created: 1, resolved: 0 },
      { day: '2026-11-25', created: 0, resolved: 1 },
      { day: '2026-11-26', created: 1, resolved: 0 },
      { day: '2026-11-27', created: 1, resolved: 0 },
    ]);
  });

  it('splits time to resolve into waiting on the Seller and on us, across pending periods and reopen cycles', async () => {
    const { trend } = await fetchDashboard(scope());
    const bySeller = new Map(trend.resolution.map((r) => [r.sellerId, r]));
    expect(bySeller.get(ids.acme)).toEqual({
      sellerId: ids.acme,
      resolved: 2,
      meanTotalMs: 28 * H,
      meanSellerMs: 23.5 * H,
      meanUsMs: 4.5 * H,
      medianTotalMs: 28 * H,
      withExpected: 2,
      onTime: 1,
      onTimeShare: 0.5,
    });
    expect(bySeller.get(ids.globex)).toEqual({
      sellerId: ids.globex,
      resolved: 1,
      meanTotalMs: 30 * H,
      meanSellerMs: 18 * H,
      meanUsMs: 12 * H,
      medianTotalMs: 30 * H,
      withExpected: 1,
      onTime: 1,
      onTimeShare: 1,
    });
    expect(bySeller.get(null)).toEqual({
      sellerId: null,
      resolved: 3,
      meanTotalMs: (24 + 32 + 30) * H / 3,
      meanSellerMs: (24 + 23 + 18) * H / 3,
      meanUsMs: 7 * H,
      medianTotalMs: 30 * H,
      withExpected: 3,
      onTime: 2,
      onTimeShare: 2 / 3,
    });
  });

  it('computes reopen and cancellation rates over the tickets created in the range', async () => {
    const { trend } = await fetchDashboard(scope());
    const bySeller = new Map(trend.rates.map((r) => [r.sellerId, r]));
    expect(bySeller.get(ids.acme)).toEqual({
      sellerId: ids.acme, created: 2, cancelled: 0, everResolved: 1, reopened: 1, cancellationRate: 0, reopenRate: 1,
    });
    expect(bySeller.get(ids.globex)).toEqual({
      sellerId: ids.globex, created: 2, cancelled: 1, everResolved: 1, reopened: 0, cancellationRate: 0.5, reopenRate: 0,
    });
    expect(bySeller.get(null)).toEqual({
      sellerId: null, created: 4, cancelled: 1, everResolved: 2, reopened: 1, cancellationRate: 0.25, reopenRate: 0.5,
    });
  });

  it('buckets open tickets by age', async () => {
    const { trend } = await fetchDashboard(scope());
    const cells = trend.aging.map((r) => `${r.sellerId === ids.acme ? 'acme' : 'globex'}:${r.bucket}=${r.count}`).sort();
    expect(cells).toEqual(['acme:30dPlus=1', 'acme:7to29d=1', 'acme:today=1', 'globex:7to29d=1']);
  });

  it('lists open incidents on our products and appointments in the next 48 hours', async () => {
    await seedFieldFixture(ids);
    const { now } = await fetchDashboard(scope());
    expect(now.openIncidents.map((r) => [r.incidentId, r.productLabel, r.creationDate])).toEqual([
      ['IN-1', 'Globex 10G Frankfurt', '2026-11-26T00:00:00.000Z'],
    ]);
    expect(now.openIncidentsBySeller).toEqual([{ sellerId: ids.globex, count: 1 }]);
    expect(now.upcomingAppointments.map((r) => r.appointmentId)).toEqual(['AP-5', 'AP-1']);
  });

  it('counts incidents per Seller with their duration', async () => {
    await seedFieldFixture(ids);
    const { trend } = await fetchDashboard(scope());
    expect([...trend.incidents].sort((a, b) => a.sellerId - b.sellerId)).toEqual([
      { sellerId: ids.acme, incidents: 1, closed: 1, meanDurationMs: 2 * H, longestMs: 2 * H },
      { sellerId: ids.globex, incidents: 2, closed: 1, meanDurationMs: 6 * H, longestMs: 36 * H },
    ]);
    const { trend: globexOnly } = await fetchDashboard(scope(ids.globex));
    expect(globexOnly.incidents.map((r) => r.sellerId)).toEqual([ids.globex]);
  });

  it('narrows every figure to one Seller', async () => {
    const { now, trend } = await fetchDashboard(scope(ids.globex));
    expect(now.openBySellerStatus).toEqual([{ sellerId: ids.globex, status: 'inProgress', count: 1 }]);
    expect(now.waitingOnUs).toEqual([]);
    expect(now.overdueList.map((r) => r.externalId)).toEqual(['NOC-2026-G3']);
    expect(trend.perDay.reduce((s, d) => s + d.created, 0)).toBe(2);
    expect(trend.resolution.map((r) => [r.sellerId, r.resolved, r.meanUsMs])).toEqual([
      [ids.globex, 1, 12 * H],
      [null, 1, 12 * H],
    ]);
    expect(trend.rates.find((r) => r.sellerId === null)?.created).toBe(2);
  });

  it('reports empty figures as null, not zero, when nothing was resolved in the range', async () => {
    const range = parseDashboardFilters({ range: 'custom', from: '2026-11-01', to: '2026-11-05' }, NOW).range;
    const { trend } = await fetchDashboard({ sellerId: null, fromMs: range.fromMs, toMs: range.toMs, nowMs: NOW });
    expect(trend.resolution).toEqual([]);
    expect(trend.rates).toEqual([
      { sellerId: null, created: 0, cancelled: 0, everResolved: 0, reopened: 0, cancellationRate: null, reopenRate: null },
    ]);
    expect(trend.perDay).toHaveLength(5);
  });

  it('resolves the Seller from the URL slug and says when it is unknown', async () => {
    const filters = parseDashboardFilters({ range: '7d', seller: 'acme' }, NOW);
    const data = await loadDashboard(filters, NOW);
    expect(data.sellerId).toBe(ids.acme);
    expect(data.sellers.map((s) => s.slug)).toEqual(['acme', 'globex']);
    const unknown = await loadDashboard(parseDashboardFilters({ range: '7d', seller: 'nosuch' }, NOW), NOW);
    expect(unknown.sellerId).toBeNull();
    expect(unknown.sellerProblem).toMatch(/nosuch/);
    expect(unknown.now.openBySellerStatus.length).toBe(4);
  });
});
