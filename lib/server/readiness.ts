import 'server-only';
import { getDb, type Db } from '@/db';
import { checkDatabaseAnswers, checkMigrationsApplied, describeFailure, type ReadinessCheck } from '@/db/readiness';
import { sharedInboxWorkerStarted } from '@/lib/sync/inbox-worker';
import { outboxWorkerRunning } from '@/lib/sync/outbox-worker';
import { runningSyncProcess } from './sync-process';
import { workersStarted } from './worker-state';

export type { ReadinessCheck };

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessOptions {
  /** How long the database may take to answer the trivial query; default 1 s. */
  databaseTimeoutMs?: number;
  now?: () => number;
}

/** Heartbeats a connected sync process may miss before it counts as hung: a long SQLite transaction holds its loop a while. */
const SILENT_BEATS = 6;

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

function databaseChecks(timeoutMs: number | undefined): Promise<ReadinessCheck[]> | ReadinessCheck[] {
  let db: Db;
  try {
    db = getDb();
  } catch (err) {
    return [
      { name: 'database', ok: false, detail: `could not be opened: ${describeFailure(err)}` },
      { name: 'migrations', ok: false, detail: 'not checked: the database could not be opened' },
    ];
  }
  return checkDatabaseAnswers(db, timeoutMs).then(async (answers) =>
    answers.ok ? [answers, await checkMigrationsApplied(db)] : [answers, { name: 'migrations', ok: false, detail: 'not checked: the database did not answer' }],
  );
}

function outboxCheck(): ReadinessCheck {
  return outboxWorkerRunning() ? { name: 'outbox', ok: true, detail: 'worker running' } : { name: 'outbox', ok: false, detail: 'worker not running' };
}

function syncCheck(now: number): ReadinessCheck {
  const name = 'sync';
  const started = workersStarted();
  if (!started) return { name, ok: false, detail: 'the workers were not started in this process' };
  if (started.syncMode === 'inline') {
    return sharedInboxWorkerStarted()
      ? { name, ok: true, detail: 'workers running in the server (SYNC_PROCESS=inline)' }
      : { name, ok: false, detail: 'the inbox worker is not running (SYNC_PROCESS=inline)' };
  }
  const child = runningSyncProcess();
  if (!child) return { name, ok: false, detail: 'the sync process was not started' };
  const status = child.status();
  if (!status.up) return { name, ok: false, detail: 'the sync process is not up (starting, or restarting after it exited)' };
  const silent = Math.max(0, now - (status.lastReportAt ?? 0));
  const limit = SILENT_BEATS * status.heartbeatMs;
  if (silent > limit) return { name, ok: false, detail: `no report from the sync process for ${seconds(silent)} (limit ${seconds(limit)})` };
  return { name, ok: true, detail: `sync process reported ${seconds(silent)} ago` };
}

/**
 * Whether this instance should get traffic: its database answers and carries every migration of this build, and its
 * workers run (the outbox here; the sync process reporting in, or the same workers inline).
 */
export async function portalReadiness(options: ReadinessOptions = {}): Promise<Readiness> {
  const now = options.now ?? Date.now;
  const checks = [...(await databaseChecks(options.databaseTimeoutMs)), outboxCheck(), syncCheck(now())];
  return { ready: checks.every((c) => c.ok), checks };
}
