/**
 * Listener ingest: authenticated, schema-valid events POSTed to the portal's real listener route, beside
 * (a) the no-op route of the same build and (b) a bare Node server doing the listener's essential work, row by row
 * and with group commit. Closed-loop sweeps over rising concurrency, then a fixed offered rate. Every acknowledged
 * event is looked up in the inbox afterwards: acknowledged but absent counts as lost.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { and, count, eq, like } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../db/schema';
import { inbox } from '../../db/schema';
import { ROOT, spawnManaged, type ManagedProcess } from '../../tests/e2e/harness';
import { signBareToken } from '../baselines/bearer';
import { closedLoop, openLoop, type LoadResult, type LoadTarget } from '../lib/http-load';
import { openLoad, type LoadWindow } from '../lib/load';
import type { RssSampler } from '../lib/rss';
import { ratio } from '../lib/stats';
import { INGEST_EVENT, INGEST_SCOPE, INGEST_SELLER, ingestToken, type Stage } from './stage';

export const TARGETS = ['noop', 'portal', 'bareRow', 'bareGroup'] as const;
export type TargetName = (typeof TARGETS)[number];

export const TARGET_LABELS: Record<TargetName, string> = {
  portal: 'portal listener',
  noop: '(a) no-op route, same build',
  bareRow: '(b) bare node, row commit',
  bareGroup: '(b) bare node, group commit',
};

export interface IngestOptions {
  levels: number[];
  levelMs: number;
  rate: number;
  rateMs: number;
  /** How long to wait for the inbox worker to settle a burst before the next run. */
  drainTimeoutMs: number;
}

export interface SweepLevel {
  concurrency: number;
  results: Partial<Record<TargetName, LoadResult>>;
  portalOverNoop: number | null;
  portalOverBareRow: number | null;
  portalOverBareGroup: number | null;
  /** Time the inbox worker took to settle what the portal run left pending. */
  portalDrainMs: number | null;
}

export interface IngestResult {
  cachedTickets: number;
  options: IngestOptions;
  sweep: SweepLevel[];
  fixedRate: Partial<Record<TargetName, LoadResult>>;
  peak: Record<TargetName, { acceptedPerS: number; concurrency: number } | null>;
  peakRatio: { portalOverNoop: number | null; portalOverBareRow: number | null; portalOverBareGroup: number | null };
  acknowledged: Record<TargetName, number>;
  lost: Record<TargetName, number>;
  /** Inbox entries the worker gave up on (should be none: every event names a ticket the Seller has). */
  failedInInbox: number;
  /** Load average around the closed-loop sweep and around the fixed-rate runs. */
  load: { sweep: LoadWindow; fixedRate: LoadWindow };
}

interface Bare {
  process: ManagedProcess;
  url: string;
  dbPath: string;
}

async function startBare(mode: 'row' | 'group', dir: string, key: Buffer): Promise<Bare> {
  const dbPath = path.join(dir, `bare-${mode}.db`);
  const proc = spawnManaged(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/baselines/bare-listener.ts'], {
    ...process.env,
    BARE_MODE: mode,
    BARE_DB: dbPath,
    BARE_KEY: key.toString('base64url'),
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const port = /READY (\d+)/.exec(proc.output())?.[1];
    if (port) return { process: proc, url: `http://127.0.0.1:${port}/listener`, dbPath };
    if (proc.proc.exitCode !== null || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`the bare ${mode} listener did not start:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Event ids of one target that the inbox of `dbPath` holds, among those with prefix `tag`. */
function storedEventIds(dbPath: string, tag: string): Set<string> {
  const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const db = drizzle(sqlite, { schema });
    return new Set(db.select({ eventId: inbox.eventId }).from(inbox).where(like(inbox.eventId, `${tag}-%`)).all().map((r) => r.eventId));
  } finally {
    sqlite.close();
  }
}

export interface BareBaselines {
  row: Bare;
  group: Bare;
  token: string;
  stop(): Promise<void>;
}

/** Baseline (b), both variants, started once for the whole run. */
export async function startBareBaselines(dir: string): Promise<BareBaselines> {
  const key = randomBytes(32);
  const row = await startBare('row', dir, key);
  const group = await startBare('group', dir, key).catch(async (err: unknown) => {
    await row.process.stop();
    throw err;
  });
  return {
    row,
    group,
    token: signBareToken(key, { sub: 'bare', scope: INGEST_SCOPE, exp: Math.floor(Date.now() / 1000) + 6 * 3600 }),
    async stop() {
      await row.process.stop();
      await group.process.stop();
    },
  };
}

export async function runIngest(stage: Stage, options: IngestOptions, bare: BareBaselines, rss: RssSampler): Promise<IngestResult> {
  const runTag = `bench${Date.now().toString(36)}`;
  const { row: bareRow, group: bareGroup, token: bareToken } = bare;
  const portalToken = await ingestToken(stage);
  const resources = stage.sellerTicketIds;
  const acked: Record<TargetName, string[]> = { portal: [], noop: [], bareRow: [], bareGroup: [] };
  const eventTime = new Date().toISOString();

  const target = (name: TargetName, url: string, token: string): LoadTarget => {
    const tag = `${runTag}-${name}`;
    let seq = 0;
    return {
      name,
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json;charset=utf-8' },
      request: () => {
        const n = seq++;
        const id = `${tag}-${n}`;
        const resource = resources[n % resources.length]!;
        return {
          id,
          body: `{"eventId":"${id}","eventTime":"${eventTime}","eventType":"${INGEST_EVENT}","event":{"id":"${resource}","href":"/troubleTicket/${resource}"}}`,
        };
      },
      onAccepted: (id) => acked[name].push(id),
    };
  };
  const base = stage.portal.baseUrl;
  const listenerUrl = `${base}/sellers/${INGEST_SELLER}/mefApi/sonata/troubleTicketNotification/v4/listener/${INGEST_EVENT}`;
  const targets: Record<TargetName, LoadTarget> = {
    portal: target('portal', listenerUrl, portalToken),
    noop: target('noop', `${base}/api/bench/noop`, portalToken),
    bareRow: target('bareRow', bareRow.url, bareToken),
    bareGroup: target('bareGroup', bareGroup.url, bareToken),
  };

  const pendingInInbox = () =>
    stage.reader
      .select({ n: count() })
      .from(inbox)
      .where(and(eq(inbox.sellerId, stage.sellerId), eq(inbox.state, 'pending')))
      .get()?.n ?? 0;
  const drain = async (): Promise<number | null> => {
    const started = Date.now();
    while (pendingInInbox() > 0) {
      if (Date.now() - started > options.drainTimeoutMs) return null;
      await new Promise((r) => setTimeout(r, 100));
    }
    return Date.now() - started;
  };

  // Warm every path (JIT, statement caches, connections) before anything is recorded.
  for (const name of TARGETS) await closedLoop(targets[name], 8, 1000);
  await drain();

  const sweepLoad = openLoad();
  const sweep: SweepLevel[] = [];
  for (const concurrency of options.levels) {
    const results: SweepLevel['results'] = {};
    let portalDrainMs: number | null = null;
    for (const name of TARGETS) {
      results[name] = await rss.during(`ingest ${stage.cachedTickets}`, () => closedLoop(targets[name], concurrency, options.levelMs));
      if (name === 'portal') portalDrainMs = await drain();
    }
    const r = (name: TargetName) => results[name]?.acceptedPerS;
    sweep.push({
      concurrency,
      results,
      portalOverNoop: ratio(r('portal'), r('noop')),
      portalOverBareRow: ratio(r('portal'), r('bareRow')),
      portalOverBareGroup: ratio(r('portal'), r('bareGroup')),
      portalDrainMs,
    });
    stage.log(
      `ingest c=${concurrency}: ${TARGETS.map((n) => `${n} ${Math.round(r(n) ?? 0)}/s p99 ${results[n]?.latencyMs.p99.toFixed(1)} ms`).join(', ')}`,
    );
  }

  const sweepWindow = sweepLoad.close();
  const fixedLoad = openLoad();
  const fixedRate: IngestResult['fixedRate'] = {};
  for (const name of TARGETS) {
    fixedRate[name] = await rss.during(`ingest ${stage.cachedTickets}`, () => openLoop(targets[name], options.rate, options.rateMs));
    if (name === 'portal') await drain();
    stage.log(`ingest at ${options.rate}/s: ${name} p99 ${fixedRate[name]!.latencyMs.p99.toFixed(1)} ms`);
  }
  await drain();
  const fixedWindow = fixedLoad.close();

  const lost = {} as Record<TargetName, number>;
  const dbOf: Partial<Record<TargetName, string>> = { portal: stage.portal.dbPath, bareRow: bareRow.dbPath, bareGroup: bareGroup.dbPath };
  for (const name of TARGETS) {
    const file = dbOf[name];
    if (!file) {
      lost[name] = 0;
      continue;
    }
    const stored = storedEventIds(file, `${runTag}-${name}`);
    lost[name] = acked[name].filter((id) => !stored.has(id)).length;
  }
  const failedInInbox =
    stage.reader
      .select({ n: count() })
      .from(inbox)
      .where(and(eq(inbox.sellerId, stage.sellerId), eq(inbox.state, 'failed'), like(inbox.eventId, `${runTag}-%`)))
      .get()?.n ?? 0;

  const peak = {} as IngestResult['peak'];
  for (const name of TARGETS) {
    const best = sweep
      .map((l) => ({ acceptedPerS: l.results[name]?.acceptedPerS ?? 0, concurrency: l.concurrency }))
      .sort((a, b) => b.acceptedPerS - a.acceptedPerS)[0];
    peak[name] = best ?? null;
  }
  return {
    cachedTickets: stage.cachedTickets,
    options,
    sweep,
    fixedRate,
    peak,
    peakRatio: {
      portalOverNoop: ratio(peak.portal?.acceptedPerS, peak.noop?.acceptedPerS),
      portalOverBareRow: ratio(peak.portal?.acceptedPerS, peak.bareRow?.acceptedPerS),
      portalOverBareGroup: ratio(peak.portal?.acceptedPerS, peak.bareGroup?.acceptedPerS),
    },
    acknowledged: { portal: acked.portal.length, noop: acked.noop.length, bareRow: acked.bareRow.length, bareGroup: acked.bareGroup.length },
    lost,
    failedInInbox,
    load: { sweep: sweepWindow, fixedRate: fixedWindow },
  };
}