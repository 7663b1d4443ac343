/**
 * A small keep-alive HTTP load generator for loopback targets. Two shapes:
 * - closed loop: `concurrency` callers, each sends its next request when the previous one answered, for a fixed time;
 * - open loop: requests start on a fixed schedule (rate/s) whatever the answers; latency counts from the scheduled
 *   start, so a stalled server shows up as latency instead of silently lowering the offered load.
 * Every loop is bounded in time and stops by itself.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Sample, type Summary } from './stats';

export interface LoadRequest {
  body: string;
  /** Returned to onAccepted when the target accepted the request. */
  id: string;
}

export interface LoadTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The n-th request of this run. */
  request: (n: number) => LoadRequest;
  /** Status that means accepted (204 for a listener). */
  acceptStatus?: number;
  onAccepted?: (id: string) => void;
}

export interface LoadResult {
  target: string;
  shape: 'closed' | 'open';
  concurrency?: number;
  offeredRate?: number;
  durationS: number;
  sent: number;
  accepted: number;
  /** Answers other than acceptStatus, by status code. */
  refused: Record<string, number>;
  /** Connection errors and timeouts. */
  failed: number;
  /** Open loop: requests not started because too many were outstanding. */
  skipped: number;
  acceptedPerS: number;
  latencyMs: Summary;
}

const REQUEST_TIMEOUT_MS = 30_000;

function send(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { ...headers, 'content-length': String(payload.length) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end(payload);
  });
}

class Tally {
  readonly latency = new Sample();
  sent = 0;
  accepted = 0;
  failed = 0;
  skipped = 0;
  readonly refused: Record<string, number> = {};

  constructor(private readonly target: LoadTarget) {}

  async one(agent: http.Agent, url: URL, n: number, startedAt: number): Promise<void> {
    const { body, id } = this.target.request(n);
    this.sent++;
    try {
      const status = await send(agent, url, this.target.headers, body);
      this.latency.push(performance.now() - startedAt);
      if (status === (this.target.acceptStatus ?? 204)) {
        this.accepted++;
        this.target.onAccepted?.(id);
      } else {
        this.refused[status] = (this.refused[status] ?? 0) + 1;
      }
    } catch {
      this.failed++;
    }
  }

  result(shape: LoadResult['shape'], durationMs: number, extra: Partial<LoadResult>): LoadResult {
    return {
      target: this.target.name,
      shape,
      ...extra,
      durationS: durationMs / 1000,
      sent: this.sent,
      accepted: this.accepted,
      refused: this.refused,
      failed: this.failed,
      skipped: this.skipped,
      acceptedPerS: this.accepted / (durationMs / 1000),
      latencyMs: this.latency.summary(),
    };
  }
}

/** Closed loop at a fixed concurrency for `durationMs`; requests in flight at the end are awaited and counted. */
export async function closedLoop(target: LoadTarget, concurrency: number, durationMs: number, firstN = 0): Promise<LoadResult> {
  const url = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const tally = new Tally(target);
  let n = firstN;
  const start = performance.now();
  const end = start + durationMs;
  const caller = async () => {
    while (performance.now() < end) {
      await tally.one(agent, url, n++, performance.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = performance.now() - start;
  agent.destroy();
  return tally.result('closed', elapsed, { concurrency });
}

/** Open loop at `rate` requests/s for `durationMs`; at most `maxOutstanding` in flight (the rest are counted skipped). */
export async function openLoop(
  target: LoadTarget,
  rate: number,
  durationMs: number,
  options: { maxOutstanding?: number; firstN?: number } = {},
): Promise<LoadResult> {
  const url = new URL(target.url);
  const maxOutstanding = options.maxOutstanding ?? Math.max(50, Math.ceil(rate / 2));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
  const tally = new Tally(target);
  const total = Math.floor((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const scheduled = start + next * interval;
        if (inFlight.size >= maxOutstanding) {
          tally.skipped++;
        } else {
          const p = tally.one(agent, url, (options.firstN ?? 0) + next, scheduled).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(interval, start + next * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = Math.max(durationMs, performance.now() - start);
  agent.destroy();
  return tally.result('open', elapsed, { offeredRate: rate });
}
