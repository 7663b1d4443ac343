import { describe, expect, it } from 'vitest';
import {
  AGING_BUCKETS,
  agingBucketDays,
  agingBucketOf,
  daysOf,
  dashboardQuery,
  formatDuration,
  formatShare,
  mean,
  median,
  OPEN_STATUSES,
  OVERDUE_CANDIDATES,
  parseDashboardFilters,
  share,
  splitTimeToResolve,
  waitingOn,
} from '@/lib/domain/dashboard-metrics';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const at = (iso: string, status: string) => ({ at: t(iso), status });

describe('who a ticket waits on', () => {
  it('puts pending and resolved on us, the working states on the Seller, terminal states on nobody', () => {
    expect(['pending', 'resolved'].map(waitingOn)).toEqual(['us', 'us']);
    expect(['acknowledged', 'inProgress', 'reopened', 'assessingCancellation'].map(waitingOn)).toEqual([
      'seller', 'seller', 'seller', 'seller',
    ]);
    expect(['closed', 'cancelled', null, 'madeUp'].map(waitingOn)).toEqual(['nobody', 'nobody', 'nobody', 'nobody']);
    expect(OPEN_STATUSES).not.toContain('closed');
    expect(OVERDUE_CANDIDATES).toEqual(['acknowledged', 'inProgress', 'pending', 'reopened', 'assessingCancellation']);
  });
});

describe('time to resolve split', () => {
  it('counts pending periods and a rejected resolution as waiting on us', () => {
    const history = [
      at('2026-11-22T00:00:00Z', 'acknowledged'),
      at('2026-11-22T02:00:00Z', 'inProgress'),
      at('2026-11-22T04:00:00Z', 'pending'),
      at('2026-11-22T10:00:00Z', 'inProgress'),
      at('2026-11-23T00:00:00Z', 'resolved'),
      at('2026-11-23T03:00:00Z', 'reopened'),
      at('2026-11-23T04:00:00Z', 'inProgress'),
      at('2026-11-23T08:00:00Z', 'resolved'),
      at('2026-11-23T09:00:00Z', 'closed'),
    ];
    expect(splitTimeToResolve(history, t('2026-11-22T00:00:00Z'), t('2026-11-23T08:00:00Z'))).toEqual({
      totalMs: 32 * H,
      waitingOnSellerMs: 23 * H,
      waitingOnUsMs: 9 * H,
    });
  });

  it('orders the history itself and clips periods to creation and resolution', () => {
    const history = [
      at('2026-11-24T12:00:00Z', 'inProgress'),
      at('2026-11-23T20:00:00Z', 'pending'), // before creation: only the part after creation counts
      at('2026-11-24T20:00:00Z', 'resolved'),
    ];
    expect(splitTimeToResolve(history, t('2026-11-24T00:00:00Z'), t('2026-11-24T20:00:00Z'))).toEqual({
      totalMs: 20 * H,
      waitingOnSellerMs: 8 * H,
      waitingOnUsMs: 12 * H,
    });
  });

  it('gives the whole time to the Seller without history, and keeps the given order for simultaneous changes', () => {
    expect(splitTimeToResolve([], 0, 5 * H)).toEqual({ totalMs: 5 * H, waitingOnSellerMs: 5 * H, waitingOnUsMs: 0 });
    const simultaneous = [at('2026-01-01T01:00:00Z', 'inProgress'), at('2026-01-01T01:00:00Z', 'pending')];
    expect(splitTimeToResolve(simultaneous, t('2026-01-01T00:00:00Z'), t('2026-01-01T03:00:00Z')).waitingOnUsMs).toBe(2 * H);
    const reversed = [at('2026-01-01T01:00:00Z', 'pending'), at('2026-01-01T01:00:00Z', 'inProgress')];
    expect(splitTimeToResolve(reversed, t('2026-01-01T00:00:00Z'), t('2026-01-01T03:00:00Z')).waitingOnUsMs).toBe(0);
  });

  it('never reports negative time when the resolution predates the creation', () => {
    expect(splitTimeToResolve([at('2026-01-01T00:00:00Z', 'pending')], 10, 5)).toEqual({
      totalMs: 0,
      waitingOnSellerMs: 0,
      waitingOnUsMs: 0,
    });
  });
});

describe('statistics', () => {
  it('mean, median and shares', () => {
    expect(mean([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(share(1, 0)).toBeNull();
    expect(share(1, 4)).toBe(0.25);
    expect(formatShare(null)).toBe('–');
    expect(formatShare(2 / 3)).toBe('66.7 %');
  });

  it('ages open tickets in whole UTC days and maps each bucket to its creation days', () => {
    const now = t('2026-11-27T12:00:00Z');
    const keys = ['2026-11-27T00:00:00Z', '2026-11-28T09:00:00Z', '2026-11-26T23:59:59Z', '2026-11-25T00:00:00Z',
      '2026-11-24T23:59:59Z', '2026-11-21T00:00:00Z', '2026-11-20T23:00:00Z', '2026-10-29T00:00:00Z', '2026-10-28T23:00:00Z',
    ].map((iso) => agingBucketOf(t(iso), now).key);
    expect(keys).toEqual(['today', 'today', '1to2d', '1to2d', '3to6d', '3to6d', '7to29d', '7to29d', '30dPlus']);
    expect(AGING_BUCKETS.map((b) => agingBucketDays(b, now))).toEqual([
      { from: '2026-11-27', to: '2026-11-27' },
      { from: '2026-11-25', to: '2026-11-26' },
      { from: '2026-11-21', to: '2026-11-24' },
      { from: '2026-10-29', to: '2026-11-20' },
      { to: '2026-10-28' },
    ]);
  });

  it('formats durations for tables', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(5 * H + 12 * 60_000)).toBe('5 h 12 min');
    expect(formatDuration(76 * H)).toBe('3 d 4 h');
  });
});

describe('dashboard filters in the URL', () => {
  const now = t('2026-11-27T12:00:00Z');

  it('reads presets as whole UTC days ending today', () => {
    const f = parseDashboardFilters({ range: '7d', seller: 'acme' }, now);
    expect(f).toMatchObject({ seller: 'acme', problem: null, range: { preset: '7d', from: '2026-11-21', to: '2026-11-27' } });
    expect(f.range.toMs - f.range.fromMs).toBe(7 * 24 * H);
    expect(parseDashboardFilters({}, now).range).toMatchObject({ preset: '30d', from: '2026-10-29', to: '2026-11-27' });
    expect(parseDashboardFilters({ range: '90d' }, now).range.from).toBe('2026-08-30');
  });

  it('reads a custom range, inclusive of its last day', () => {
    const f = parseDashboardFilters({ range: 'custom', from: '2026-02-27', to: '2026-03-01' }, now);
    expect(f.problem).toBeNull();
    expect(daysOf(f.range)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(dashboardQuery(f).toString()).toBe('range=custom&from=2026-02-27&to=2026-03-01');
    expect(parseDashboardFilters({ from: '2026-11-01', to: '2026-11-02' }, now).range.preset).toBe('custom');
  });

  it('falls back to 30 days and says why on bad input', () => {
    for (const params of [
      { range: 'year' },
      { range: 'custom', from: '2026-02-30', to: '2026-03-01' },
      { range: 'custom', from: '2026-03-02', to: '2026-03-01' },
      { range: 'custom', from: '2024-01-01', to: '2026-01-01' },
      { range: 'custom', from: 'yesterday', to: '2026-01-01' },
    ]) {
      const f = parseDashboardFilters(params, now);
      expect(f.range.preset).toBe('30d');
      expect(f.problem).toMatch(/30 days/);
    }
  });
});
