/**
 * End to end: the sandbox Seller changes tickets' status at a steady rate through its control API; we time how long
 * until our cache holds the new status (polling the SQLite file read-only) and until the live channel (/api/live,
 * signed-in session) announces it. The clock starts when the control call is sent. One change at a time per ticket.
 *
 * The live channel is followed like a browser does: from the feed position read just before connecting
 * (`?since=<seq>`), reconnecting with Last-Event-ID (SSE ids are feed positions) if the stream drops; `event: reload`
 * (the server could not replay) is counted.
 *
 * Whether the delay stays bounded: the changes are split by send time into thirds of the sending window; the last
 * third's p95 is compared with the first third's, and a least-squares line of delay against send time gives the
 * growth in ms per second of run. Bounded: last-third p50 and p95 each ≤ 2 × the first third's + 100 ms (the p50 catches
 * a run whose first third already had a long tail), and at most 5% of the changes due were not sent because every free ticket still waited for its previous change (a pipeline that falls
 * behind would otherwise hide its growing delay by being offered less).
 */
import { Agent } from 'node:http';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { tickets } from '../../db/schema';
import { DEMO_LOGINS } from '../../tests/e2e/harness';
import { openLoad, type LoadWindow } from '../lib/load';
import { sessionCookie } from '../lib/portal-session';
import type { RssSampler } from '../lib/rss';
import { followEventStream } from '../lib/sse';
import { summarize, type Summary } from '../lib/stats';
import { INGEST_SELLER, type Stage } from './stage';

export interface EndToEndOptions {
  rate: number;
  durationMs: number;
  /** The duration asked for, when the run was shortened to stay within the run's time budget. */
  requestedDurationMs?: number;
  /** After the last change, how long to wait for the stragglers. */
  settleMs: number;
  pollMs: number;
}

export interface EndToEndResult {
  options: EndToEndOptions;
  tickets: number;
  changes: number;
  achievedRate: number;
  controlErrors: number;
  /** Changes due while every ticket still waited for its previous change to be seen (not sent). */
  skipped: number;
  controlMs: Summary;
  /** delayMs counts a change never seen with the time it waited until the end (a lower bound) when `missing` > 0. */
  cache: { seen: number; missing: number; delayMs: Summary };
  live: { seen: number; missing: number; delayMs: Summary } | null;
  liveError?: string;
  /** How the live stream was followed: start position, reconnections, `event: reload` received. */
  liveStream?: { since: number | null; reconnects: number; reloads: number };
  /** First vs last third of the sending window, per channel. */
  drift: { cache: Drift; live: Drift | null };
  /** SANDBOX_DELIVERY_CONCURRENCY of the sandbox during the run. */
  deliveryConcurrency: number;
  /** Where the backlog sat: notifications the sandbox still has to deliver, and inbox entries we still have to apply. */
  backlog: Backlog | null;
  load: LoadWindow;
}

export interface Backlog {
  /** Sampled every second: [s since the start, sandbox deliveries pending, our inbox entries pending]. */
  samples: Array<[number, number, number]>;
  sandboxPendingMax: number;
  inboxPendingMax: number;
  /** When the last change was sent. */
  atEndOfSending: { sandboxPending: number; inboxPending: number } | null;
  /** The sandbox's POSTs to our listener during the run, as the Seller timed them (notify_attempt). */
  listenerPostMs: Summary;
  listenerPostsFailed: number;
}

export interface Drift {
  first: { count: number; p50: number; p95: number; notSent: number };
  last: { count: number; p50: number; p95: number; notSent: number };
  /** Changes due but not sent over the whole run, as a share of those due. */
  notSentShare: number;
  /** last.p95 / first.p95. */
  p95Ratio: number | null;
  /** Least-squares slope of delay against send time, ms of delay per second of run. */
  slopeMsPerS: number | null;
  /** The bound last.p95 is held to: 2 × first.p95 + 100 ms. */
  limitMs: number;
  /** last.p50 ≤ 2 × first.p50 + 100 ms, last.p95 ≤ limitMs and notSentShare ≤ MAX_NOT_SENT_SHARE (see driftBounds). */
  bounded: boolean;
}

export const DRIFT_FACTOR = 2;
export const DRIFT_ALLOWANCE_MS = 100;
export const MAX_NOT_SENT_SHARE = 0.05;

/**
 * How far the last third is from its bounds: last ÷ (2 × first + 100 ms) for p50 and p95 (≤ 1 within the bound), and
 * the verdict. Computed from the stored thirds, so a saved results.json is judged by the same rule.
 */
export function driftBounds(d: Pick<Drift, 'first' | 'last' | 'notSentShare'>): { p50Share: number; p95Share: number; worstShare: number; bounded: boolean } {
  const share = (last: number, first: number) => last / (DRIFT_FACTOR * first + DRIFT_ALLOWANCE_MS);
  const p50Share = share(d.last.p50, d.first.p50);
  const p95Share = share(d.last.p95, d.first.p95);
  const worstShare = Math.max(p50Share, p95Share);
  return { p50Share, p95Share, worstShare, bounded: Number.isFinite(worstShare) && worstShare <= 1 && d.notSentShare <= MAX_NOT_SENT_SHARE };
}

/**
 * `points`: [send time relative to the start (ms), delay (ms)]; `notSentAt`: when each change that was due but not
 * sent was due (relative to the start, ms).
 */
export function drift(points: Array<[number, number]>, windowMs: number, notSentAt: number[] = []): Drift {
  const third = windowMs / 3;
  const part = (keep: (at: number) => boolean) => {
    const s = summarize(points.filter(([at]) => keep(at)).map(([, d]) => d));
    return { count: s.count, p50: s.p50, p95: s.p95, notSent: notSentAt.filter(keep).length };
  };
  const first = part((at) => at < third);
  const last = part((at) => at >= 2 * third);
  let slope: number | null = null;
  if (points.length >= 2) {
    const n = points.length;
    const mx = points.reduce((a, [x]) => a + x, 0) / n;
    const my = points.reduce((a, [, y]) => a + y, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (const [x, y] of points) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
    }
    slope = sxx > 0 ? (sxy / sxx) * 1000 : null;
  }
  const limitMs = DRIFT_FACTOR * first.p95 + DRIFT_ALLOWANCE_MS;
  const due = points.length + notSentAt.length;
  const notSentShare = due > 0 ? notSentAt.length / due : 0;
  return {
    first,
    last,
    notSentShare,
    p95Ratio: first.p95 > 0 ? last.p95 / first.p95 : null,
    slopeMsPerS: slope,
    limitMs,
    bounded: driftBounds({ first, last, notSentShare }).bounded,
  };
}

const NEXT_STATUS: Record<string, string> = { acknowledged: 'inProgress', inProgress: 'pending', pending: 'inProgress' };

interface Change {
  id: string;
  status: string;
  sentAt: number;
  cacheAt?: number;
  liveAt?: number;
  failed?: boolean;
}

function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Each ticket's status at the Seller (the source of truth: a backlog of an earlier run may not be in our cache yet). */
async function sellerStatuses(stage: Stage): Promise<Map<string, string>> {
  const wanted = new Set(stage.sellerTicketIds);
  const status = new Map<string, string>();
  try {
    const res = await fetch(`${stage.sandbox.url}/_sandbox/${INGEST_SELLER}/tickets`);
    if (res.ok) {
      for (const doc of (await res.json()) as Array<{ id?: string; status?: string }>) {
        if (doc.id && doc.status && wanted.has(doc.id) && NEXT_STATUS[doc.status]) status.set(doc.id, doc.status);
      }
      if (status.size > 0) return status;
    }
  } catch {
    /* fall back to our cache */
  }
  const current = stage.reader
    .select({ id: tickets.sellerTicketId, status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.sellerId, stage.sellerId), inArray(tickets.sellerTicketId, stage.sellerTicketIds)))
    .all();
  for (const row of current) if (row.id && row.status && NEXT_STATUS[row.status]) status.set(row.id, row.status);
  return status;
}

/** The change feed's current position, or null when this database has no change feed. */
function feedPosition(stage: Stage): number | null {
  try {
    const row = stage.reader.get<{ seq: number | null }>(sql`select max(seq) as seq from change_feed`);
    return row?.seq ?? 0;
  } catch {
    return null;
  }
}

export async function runEndToEnd(stage: Stage, options: EndToEndOptions, rss: RssSampler, deliveryConcurrency: number): Promise<EndToEndResult> {
  const loadWindow = openLoad();
  const status = await sellerStatuses(stage);
  const ids = [...status.keys()];
  const open = new Map<string, Change>();
  const done: Change[] = [];
  const settle = (key: string) => {
    const change = open.get(key);
    if (change && change.cacheAt !== undefined && (change.liveAt !== undefined || !liveOk)) {
      open.delete(key);
      done.push(change);
    }
  };

  let liveOk = false;
  let liveError: string | undefined;
  let live: ReturnType<typeof followEventStream> | undefined;
  const since = feedPosition(stage);
  try {
    const cookie = await sessionCookie(stage.portal.baseUrl, DEMO_LOGINS.noc);
    const onEvent = (event: { event: string; data: string; receivedAt: number }) => {
      if (event.event !== 'ticket') return;
      try {
        const payload = JSON.parse(event.data) as { seller?: string; id?: string; status?: string };
        if (payload.seller !== INGEST_SELLER || !payload.id || !payload.status) return;
        const key = `${payload.id}|${payload.status}`;
        const change = open.get(key);
        if (change && change.liveAt === undefined) {
          change.liveAt = event.receivedAt;
          settle(key);
        }
      } catch {
        /* not ours */
      }
    };
    live = followEventStream(`${stage.portal.baseUrl}/api/live`, { cookie }, onEvent, since === null ? {} : { since });
    await live.opened;
    liveOk = true;
  } catch (err) {
    live?.close();
    live = undefined;
    liveError = err instanceof Error ? err.message : String(err);
    stage.log(`live channel unavailable: ${liveError}`);
  }

  // The sandbox's own database, read-only: its delivery queue and its timing of each POST to our listener.
  let sandboxDb: Database.Database | undefined;
  try {
    sandboxDb = new Database(stage.sandbox.dbPath, { readonly: true, fileMustExist: true });
  } catch {
    sandboxDb = undefined;
  }
  const sandboxCount = (query: string, ...args: unknown[]): number => {
    try {
      return (sandboxDb?.prepare(query).get(...args) as { n: number | null } | undefined)?.n ?? 0;
    } catch {
      return Number.NaN;
    }
  };
  const firstAttempt = sandboxCount('select max(id) as n from notify_attempt');
  const inboxPending = (): number => {
    try {
      return stage.reader.get<{ n: number }>(sql`select count(*) as n from inbox where seller_id = ${stage.sellerId} and state = 'pending'`)?.n ?? 0;
    } catch {
      return Number.NaN;
    }
  };
  const backlogNow = () => ({
    sandboxPending: sandboxCount("select count(*) as n from notify_delivery where seller = ? and state = 'pending'", INGEST_SELLER),
    inboxPending: inboxPending(),
  });
  const samples: Array<[number, number, number]> = [];
  let atEndOfSending: { sandboxPending: number; inboxPending: number } | null = null;
  const sampler = setInterval(() => {
    const b = backlogNow();
    samples.push([Math.round((performance.now() - started) / 100) / 10, b.sandboxPending, b.inboxPending]);
  }, 1000);

  const poll = setInterval(() => {
    const waiting = [...open.values()].filter((c) => c.cacheAt === undefined && !c.failed);
    if (waiting.length === 0) return;
    const now = performance.now();
    const rows = stage.reader
      .select({ id: tickets.sellerTicketId, status: tickets.status })
      .from(tickets)
      .where(and(eq(tickets.sellerId, stage.sellerId), inArray(tickets.sellerTicketId, waiting.map((c) => c.id))))
      .all();
    const byId = new Map(rows.map((r) => [r.id, r.status]));
    for (const c of waiting) {
      if (byId.get(c.id) === c.status) {
        c.cacheAt = now;
        settle(`${c.id}|${c.status}`);
      }
    }
  }, options.pollMs);

  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const controlMs: number[] = [];
  let controlErrors = 0;
  let skipped = 0;
  const skippedAt: number[] = [];
  let sent = 0;
  let cursor = 0;
  const busy = () => new Set([...open.values()].map((c) => c.id));
  const total = Math.floor((options.rate * options.durationMs) / 1000);
  const interval = 1000 / options.rate;
  const calls: Promise<void>[] = [];
  const started = performance.now();

  await rss.during(`end to end ${options.rate}/s`, async () => {
    for (let n = 0; n < total; n++) {
      const due = started + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const inFlight = busy();
      let id: string | undefined;
      for (let tries = 0; tries < ids.length; tries++) {
        const candidate = ids[cursor++ % ids.length]!;
        if (!inFlight.has(candidate)) {
          id = candidate;
          break;
        }
      }
      if (!id) {
        skipped++;
        skippedAt.push(due - started);
        continue;
      }
      const next = NEXT_STATUS[status.get(id)!]!;
      status.set(id, next);
      const change: Change = { id, status: next, sentAt: performance.now() };
      open.set(`${id}|${next}`, change);
      sent++;
      calls.push(
        post(agent, `${stage.sandbox.url}/_sandbox/${INGEST_SELLER}/tickets/${encodeURIComponent(id)}/status`, JSON.stringify({ status: next })).then(
          (code) => {
            controlMs.push(performance.now() - change.sentAt);
            if (code !== 200) {
              controlErrors++;
              change.failed = true;
              open.delete(`${id}|${next}`);
            }
          },
          () => {
            controlErrors++;
            change.failed = true;
            open.delete(`${id}|${next}`);
          },
        ),
      );
    }
    atEndOfSending = backlogNow();
    await Promise.all(calls);
    const deadline = performance.now() + options.settleMs;
    while (open.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  });
  const finished = performance.now();
  const elapsed = finished - started;
  clearInterval(poll);
  clearInterval(sampler);
  let backlog: Backlog | null = null;
  if (sandboxDb) {
    let posts: Array<{ d: number; status: number | null }> = [];
    try {
      posts = sandboxDb
        .prepare('select duration_ms as d, http_status as status from notify_attempt where id > ? and seller = ?')
        .all(Number.isFinite(firstAttempt) ? firstAttempt : 0, INGEST_SELLER) as Array<{ d: number; status: number | null }>;
    } catch {
      posts = [];
    }
    backlog = {
      samples,
      sandboxPendingMax: Math.max(0, ...samples.map((x) => x[1]).filter(Number.isFinite)),
      inboxPendingMax: Math.max(0, ...samples.map((x) => x[2]).filter(Number.isFinite)),
      atEndOfSending,
      listenerPostMs: summarize(posts.map((p) => p.d)),
      listenerPostsFailed: posts.filter((p) => p.status === null || p.status < 200 || p.status > 299).length,
    };
    sandboxDb.close();
  }
  const liveStats = live?.stats();
  live?.close();
  agent.destroy();

  const all = [...done, ...open.values()].filter((c) => !c.failed);
  const delays = (at: (c: Change) => number | undefined) => all.map((c) => (at(c) ?? finished) - c.sentAt);
  const cacheDelays = delays((c) => c.cacheAt);
  const liveDelays = delays((c) => c.liveAt);
  const cacheSeen = all.filter((c) => c.cacheAt !== undefined).length;
  const liveSeen = all.filter((c) => c.liveAt !== undefined).length;
  const windowMs = Math.min(elapsed, options.durationMs);
  const driftOf = (at: (c: Change) => number | undefined) =>
    drift(
      all.map((c): [number, number] => [c.sentAt - started, (at(c) ?? finished) - c.sentAt]),
      windowMs,
      skippedAt,
    );
  return {
    options,
    tickets: ids.length,
    changes: sent,
    achievedRate: sent / (Math.min(elapsed, options.durationMs) / 1000),
    controlErrors,
    skipped,
    controlMs: summarize(controlMs),
    cache: { seen: cacheSeen, missing: all.length - cacheSeen, delayMs: summarize(cacheDelays) },
    live: liveOk ? { seen: liveSeen, missing: all.length - liveSeen, delayMs: summarize(liveDelays) } : null,
    ...(liveError ? { liveError } : {}),
    ...(liveStats ? { liveStream: { since, reconnects: liveStats.reconnects, reloads: liveStats.reloads } } : {}),
    drift: { cache: driftOf((c) => c.cacheAt), live: liveOk ? driftOf((c) => c.liveAt) : null },
    deliveryConcurrency,
    backlog,
    load: loadWindow.close(),
  };
}
