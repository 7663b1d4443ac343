import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { getDb, type Db } from '@/db';
import { writeReturningRows } from '@/db/raw-sql';
import { periodicJobs } from '@/db/schema';
import { write } from '@/db/transaction';
import { logger, scrub } from '@/lib/observability/log';
import { recordPeriodicJobRun } from '@/lib/observability/metrics';

/**
 * Jobs that run once per period across all instances sharing the database. Every instance ticks; at each tick it
 * tries to claim the job's row in `periodic_jobs` and runs the job only when the claim succeeds, so with two
 * instances the job still runs once per period. A lease bounds the claim: an instance that dies mid-job holds the
 * job only until its lease runs out.
 */

export const PERIODIC_JOB_NAMES = [
  'incident-refresh',
  'hub-check',
  'reconciliation',
  'change-feed-prune',
  'sla-sweep',
  'audit-retention',
  'staged-upload-sweep',
] as const;
export type PeriodicJobName = (typeof PERIODIC_JOB_NAMES)[number];

const MIN_LEASE_MS = 60_000;
const MAX_LEASE_MS = 60 * 60_000;
const MAX_JITTER_MS = 30_000;
const MAX_ERROR_CHARS = 500;

/** Three periods, at least a minute, at most an hour: long enough for a slow run, short enough after a crash. */
export function defaultLeaseMs(everyMs: number): number {
  return Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, 3 * everyMs));
}

function defaultJitterMs(everyMs: number): number {
  return Math.min(MAX_JITTER_MS, everyMs * 0.05);
}

const OWNER_KEY = Symbol.for('sonata-portal.periodic-job-owner');
const holder = globalThis as unknown as { [OWNER_KEY]?: string };

/** This process among all instances: host, pid and a random part (pids repeat across hosts and restarts). */
export function processOwner(): string {
  holder[OWNER_KEY] ??= `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  return holder[OWNER_KEY];
}

/**
 * The claim, one statement on either engine: creates the job's row, or takes it when no live lease holds it and its
 * last start is at least `everyMs` before `now`. It returns the job's name when this owner got it, nothing otherwise.
 */
export function periodicJobClaim(claim: { name: string; owner: string; everyMs: number; leaseMs: number; now: number }): SQL {
  const startedAt = new Date(claim.now).toISOString();
  const leaseUntil = new Date(claim.now + claim.leaseMs).toISOString();
  const lastStartDue = new Date(claim.now - claim.everyMs).toISOString();
  return sql`insert into "periodic_jobs" ("name", "lease_owner", "lease_until", "last_started_at")
    values (${claim.name}, ${claim.owner}, ${leaseUntil}, ${startedAt})
    on conflict ("name") do update set
      "lease_owner" = excluded."lease_owner", "lease_until" = excluded."lease_until", "last_started_at" = excluded."last_started_at"
    where ("periodic_jobs"."lease_until" is null or "periodic_jobs"."lease_until" <= ${startedAt})
      and ("periodic_jobs"."last_started_at" is null or "periodic_jobs"."last_started_at" <= ${lastStartDue})
    returning "name"`;
}

export async function claimPeriodicJob(
  claim: { name: string; owner: string; everyMs: number; leaseMs: number; now?: number },
  db: Db = getDb(),
): Promise<boolean> {
  const rows = await writeReturningRows<{ name: string }>(periodicJobClaim({ ...claim, now: claim.now ?? Date.now() }), db);
  return rows.length === 1;
}

/** Records how the run ended and frees the job, unless another instance took it over meanwhile. */
async function finishPeriodicJob(
  run: { name: string; owner: string; finishedAt: number; outcome: 'ok' | 'failed'; error: string | null },
  db: Db,
): Promise<void> {
  await write(
    (d) =>
      d
        .update(periodicJobs)
        .set({ leaseOwner: null, leaseUntil: null, lastFinishedAt: new Date(run.finishedAt).toISOString(), lastOutcome: run.outcome, lastError: run.error })
        .where(and(eq(periodicJobs.name, run.name), eq(periodicJobs.leaseOwner, run.owner))),
    db,
  );
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return scrub(text).slice(0, MAX_ERROR_CHARS);
}

export interface PeriodicJobOptions {
  /**
   * Also run at once when started, however recently the job last ran: a process that starts catches up on what
   * happened while it was down. Only a run in progress elsewhere (its lease) holds it back.
   */
  atStart?: boolean;
  leaseMs?: number;
  /** Each tick comes up to this much later than `everyMs`, so instances do not all claim in the same millisecond. */
  jitterMs?: number;
  owner?: string;
  db?: Db;
}

export interface PeriodicJob {
  /** Claims and runs the job if it is due; resolves with whether this process ran it. */
  tick(): Promise<boolean>;
  /** No more ticks; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/** What the job does; `firstInProcess` is true on the first run this process claims. */
export type PeriodicWork = (run: { firstInProcess: boolean }) => Promise<unknown>;

export function runPeriodically(name: PeriodicJobName, everyMs: number, work: PeriodicWork, options: PeriodicJobOptions = {}): PeriodicJob {
  const leaseMs = options.leaseMs ?? defaultLeaseMs(everyMs);
  const jitterMs = options.jitterMs ?? defaultJitterMs(everyMs);
  const owner = options.owner ?? processOwner();
  const log = logger('periodic-jobs');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let runs = 0;

  /** `sinceMs`: how long ago the job's last start must be; a start-up run asks for nothing but a free lease. */
  const attempt = async (sinceMs: number): Promise<boolean> => {
    // Stamped before waiting for the connection, so that this process's own next tick is a full period later.
    const now = Date.now();
    const db = options.db ?? getDb();
    try {
      if (!(await claimPeriodicJob({ name, owner, everyMs: sinceMs, leaseMs, now }, db))) return false;
    } catch (err) {
      log.error({ job: name, err }, 'periodic job not claimed: the database failed');
      return false;
    }
    let failure: unknown;
    let failed = false;
    try {
      await work({ firstInProcess: runs++ === 0 });
    } catch (err) {
      failed = true;
      failure = err;
    }
    const outcome = failed ? 'failed' : 'ok';
    const error = failed ? errorText(failure) : null;
    const finishedAt = Date.now();
    try {
      await finishPeriodicJob({ name, owner, finishedAt, outcome, error }, db);
    } catch (err) {
      log.error({ job: name, err }, 'periodic job outcome not recorded: the database failed');
    }
    recordPeriodicJobRun({ job: name, outcome });
    const line = { job: name, outcome, durationMs: finishedAt - now, ...(error ? { error } : {}) };
    if (failed) log.error(line, 'periodic job failed');
    else log.info(line, 'periodic job ran');
    return true;
  };

  const tick = (sinceMs = everyMs): Promise<boolean> => {
    if (stopped || running) return Promise.resolve(false);
    const current = attempt(sinceMs).finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };

  const schedule = () => {
    // Never less than a full period after the previous tick, so a single instance's tick is always due.
    const delay = everyMs + (jitterMs > 0 ? jitterMs * (0.2 + 0.8 * Math.random()) : 0);
    timer = setTimeout(() => {
      if (stopped) return;
      schedule();
      void tick();
    }, delay);
    timer.unref();
  };

  schedule();
  if (options.atStart) void tick(0);
  return {
    tick: () => tick(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
