/**
 * The rules behind the manager dashboards: who a ticket is waiting on, how time to resolve splits between the
 * Seller and us, aging buckets, and the date ranges the dashboards cover. Pure: the SQL in lib/data/dashboard.ts
 * implements the same rules at scale and the tests hold both to the same answers.
 */
import type { TicketStatus } from './mef-labels';
import { TICKET_STATUSES } from './mef-labels';
import { STATUSES_WAITING_ON_SELLER, STATUSES_WAITING_ON_US } from './sla-clock';
import { TICKET_TERMINAL } from './ticket-state-machine';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

// Who a ticket waits on is defined once, beside the SLA clock; the dashboards group by the same lists.
export const WAITING_ON_US = STATUSES_WAITING_ON_US;
export const WAITING_ON_SELLER = STATUSES_WAITING_ON_SELLER;
export const TERMINAL_STATUSES = TICKET_TERMINAL;
/** Every non-terminal status, in display order. */
export const OPEN_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter(
  (s) => !(TERMINAL_STATUSES as readonly string[]).includes(s),
);

/** Open tickets that can be late against the Seller's expected resolution date: a resolved ticket has met or missed it already. */
export const OVERDUE_CANDIDATES: readonly TicketStatus[] = OPEN_STATUSES.filter((s) => s !== 'resolved');

export type WaitingOn = 'us' | 'seller' | 'nobody';

export function waitingOn(status: string | null | undefined): WaitingOn {
  if ((WAITING_ON_US as readonly string[]).includes(status ?? '')) return 'us';
  if ((WAITING_ON_SELLER as readonly string[]).includes(status ?? '')) return 'seller';
  return 'nobody';
}

export interface StatusChangeAt {
  status: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface TimeSplit {
  totalMs: number;
  waitingOnSellerMs: number;
  waitingOnUsMs: number;
}

/**
 * Splits a ticket's time to resolve (creation → resolution) by who it was waiting on, from its status history.
 * Each status holds from its change date until the next change; periods in pending or resolved (an earlier
 * resolution we then rejected) count as waiting on us, every other moment, including any time before the
 * first recorded change, as waiting on the Seller. Changes at the same instant keep their given order.
 */
export function splitTimeToResolve(history: readonly StatusChangeAt[], createdAt: number, resolvedAt: number): TimeSplit {
  const totalMs = Math.max(0, resolvedAt - createdAt);
  const ordered = history
    .map((change, index) => ({ change, index }))
    .sort((a, b) => a.change.at - b.change.at || a.index - b.index)
    .map((x) => x.change);
  let waitingOnUsMs = 0;
  ordered.forEach((change, i) => {
    if (waitingOn(change.status) !== 'us') return;
    const start = Math.max(change.at, createdAt);
    const end = Math.min(ordered[i + 1]?.at ?? resolvedAt, resolvedAt);
    if (end > start) waitingOnUsMs += end - start;
  });
  return { totalMs, waitingOnSellerMs: totalMs - waitingOnUsMs, waitingOnUsMs };
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A share in [0, 1], or null when there is nothing to divide by (shown as "–", never as 0 %). */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * Age of an open ticket in whole UTC calendar days since the day it was created (0 = opened today), so that each
 * bucket is exactly a range of creation days and links to the queue's createdFrom/createdTo.
 */
export interface AgingBucket {
  key: string;
  label: string;
  minDays: number;
  /** Inclusive; null for the last bucket. */
  maxDays: number | null;
}

export const AGING_BUCKETS: readonly AgingBucket[] = [
  { key: 'today', label: 'Opened today', minDays: 0, maxDays: 0 },
  { key: '1to2d', label: '1–2 days', minDays: 1, maxDays: 2 },
  { key: '3to6d', label: '3–6 days', minDays: 3, maxDays: 6 },
  { key: '7to29d', label: '7–29 days', minDays: 7, maxDays: 29 },
  { key: '30dPlus', label: '30 days or more', minDays: 30, maxDays: null },
];

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Whole UTC days between the creation day and today (a creation date ahead of our clock counts as today). */
export function ageInDays(createdMs: number, nowMs: number): number {
  return Math.max(0, Math.round((startOfUtcDay(nowMs) - startOfUtcDay(createdMs)) / DAY_MS));
}

export function agingBucketOf(createdMs: number, nowMs: number): AgingBucket {
  const days = ageInDays(createdMs, nowMs);
  return AGING_BUCKETS.find((b) => b.maxDays === null || days <= b.maxDays)!;
}

/** The creation days (inclusive, YYYY-MM-DD) of a bucket, as the queue's createdFrom/createdTo. */
export function agingBucketDays(bucket: AgingBucket, nowMs: number): { from?: string; to: string } {
  const today = startOfUtcDay(nowMs);
  const to = utcDayOf(today - bucket.minDays * DAY_MS);
  return bucket.maxDays === null ? { to } : { from: utcDayOf(today - bucket.maxDays * DAY_MS), to };
}

// ---------------------------------------------------------------------------------------------------------------
// Ranges

export const RANGE_PRESETS = ['7d', '30d', '90d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number] | 'custom';
export const RANGE_LABELS: Record<RangePreset, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  custom: 'Custom range',
};
export const MAX_RANGE_DAYS = 366;

export interface DashboardRange {
  preset: RangePreset;
  /** First UTC day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last UTC day, YYYY-MM-DD, inclusive. */
  to: string;
  fromMs: number;
  /** Start of the day after `to` (exclusive end). */
  toMs: number;
}

export interface DashboardFilters {
  range: DashboardRange;
  /** Seller slug, or null for all Sellers. */
  seller: string | null;
  /** What was wrong with the requested filters, if anything was ignored. */
  problem: string | null;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function utcDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayStartMs(day: string): number | null {
  if (!DAY_RE.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) || utcDayOf(ms) !== day ? null : ms;
}

export function presetRange(preset: (typeof RANGE_PRESETS)[number], now: number): DashboardRange {
  const days = Number.parseInt(preset, 10);
  const todayStart = dayStartMs(utcDayOf(now))!;
  const fromMs = todayStart - (days - 1) * DAY_MS;
  return { preset, from: utcDayOf(fromMs), to: utcDayOf(todayStart), fromMs, toMs: todayStart + DAY_MS };
}

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

/** Reads range (7d|30d|90d|custom with from/to as YYYY-MM-DD) and seller from the URL; bad input falls back to 30 days. */
export function parseDashboardFilters(params: SearchParams, now: number): DashboardFilters {
  const seller = first(params.seller) ?? null;
  const requested = first(params.range) ?? (first(params.from) || first(params.to) ? 'custom' : '30d');
  if ((RANGE_PRESETS as readonly string[]).includes(requested)) {
    return { range: presetRange(requested as (typeof RANGE_PRESETS)[number], now), seller, problem: null };
  }
  const fallback = (problem: string): DashboardFilters => ({ range: presetRange('30d', now), seller, problem });
  if (requested !== 'custom') return fallback(`Unknown range "${requested}"; showing the last 30 days.`);
  const from = first(params.from) ?? '';
  const to = first(params.to) ?? '';
  const fromMs = dayStartMs(from);
  const toStart = dayStartMs(to);
  if (fromMs === null || toStart === null) return fallback('A custom range needs from and to dates (YYYY-MM-DD); showing the last 30 days.');
  if (toStart < fromMs) return fallback('The range ends before it starts; showing the last 30 days.');
  if ((toStart - fromMs) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    return fallback(`A range covers at most ${MAX_RANGE_DAYS} days; showing the last 30 days.`);
  }
  return { range: { preset: 'custom', from, to, fromMs, toMs: toStart + DAY_MS }, seller, problem: null };
}

/** URL query of the filters, as the dashboard page reads them back. */
export function dashboardQuery(filters: Pick<DashboardFilters, 'range' | 'seller'>): URLSearchParams {
  const q = new URLSearchParams();
  q.set('range', filters.range.preset);
  if (filters.range.preset === 'custom') {
    q.set('from', filters.range.from);
    q.set('to', filters.range.to);
  }
  if (filters.seller) q.set('seller', filters.seller);
  return q;
}

/** Every UTC day of the range, so days without tickets still show as zero. */
export function daysOf(range: Pick<DashboardRange, 'fromMs' | 'toMs'>): string[] {
  const days: string[] = [];
  for (let ms = range.fromMs; ms < range.toMs; ms += DAY_MS) days.push(utcDayOf(ms));
  return days;
}

/** "3 d 4 h", "5 h 12 min", "45 min": for durations in tables. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatShare(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}
