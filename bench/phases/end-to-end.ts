/**
 * End to end: the sandbox Seller changes tickets' status at a steady rate through its control API; we time how long
 * until our cache holds the new status (polling the SQLite file read-only) and until the live channel (/api/live,
 * signed-in session) announces it. The clock starts when the control call is sent.
 */
import { Agent } from 'node:http';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { and, eq, inArray } from 'drizzle-orm';
import { tickets } from '../../db/schema';
import { DEMO_LOGINS } from '../../tests/e2e/harness';
import { sessionCookie } from '../lib/portal-session';
import type { RssSampler } from '../lib/rss';
import { openEventStream } from '../lib/sse';
import { summarize, type Summary } from '../lib/stats';
import { INGEST_SELLER, type Stage } from './stage';

export interface EndToEndOptions {
  rate: number;
  durationMs: number;
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

export async function runEndToEnd(stage: Stage, options: EndToEndOptions, rss: RssSampler): Promise<EndToEndResult> {
  const status = new Map<string, string>();
  const current = stage.reader
    .select({ id: tickets.sellerTicketId, status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.sellerId, stage.sellerId), inArray(tickets.sellerTicketId, stage.sellerTicketIds)))
    .all();
  for (const row of current) if (row.id && row.status && NEXT_STATUS[row.status]) status.set(row.id, row.status);
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
  let live: ReturnType<typeof openEventStream> | undefined;
  try {
    const cookie = await sessionCookie(stage.portal.baseUrl, DEMO_LOGINS.noc);
    live = openEventStream(`${stage.portal.baseUrl}/api/live`, { cookie }, (event) => {
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
    });
    await live.opened;
    liveOk = true;
  } catch (err) {
    liveError = err instanceof Error ? err.message : String(err);
    stage.log(`live channel unavailable: ${liveError}`);
  }

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
  let sent = 0;
  let cursor = 0;
  const busy = () => new Set([...open.values()].map((c) => c.id));
  const total = Math.floor((options.rate * options.durationMs) / 1000);
  const interval = 1000 / options.rate;
  const calls: Promise<void>[] = [];
  const started = performance.now();

  await rss.during('end to end', async () => {
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
    await Promise.all(calls);
    const deadline = performance.now() + options.settleMs;
    while (open.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  });
  const finished = performance.now();
  const elapsed = finished - started;
  clearInterval(poll);
  live?.close();
  agent.destroy();

  const all = [...done, ...open.values()].filter((c) => !c.failed);
  const delays = (at: (c: Change) => number | undefined) => all.map((c) => (at(c) ?? finished) - c.sentAt);
  const cacheDelays = delays((c) => c.cacheAt);
  const liveDelays = delays((c) => c.liveAt);
  const cacheSeen = all.filter((c) => c.cacheAt !== undefined).length;
  const liveSeen = all.filter((c) => c.liveAt !== undefined).length;
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
  };
}
