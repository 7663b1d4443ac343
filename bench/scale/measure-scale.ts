/**
 * Server time of the queue's common filters and of the dashboard aggregates on the database at DATABASE_PATH, through
 * the data-layer functions the pages call, each beside the very same SQL run directly with better-sqlite3 on the same
 * connection (captured from drizzle while the function ran once), runs alternating. Prints one JSON document on stdout.
 *
 *   DATABASE_PATH=/tmp/x.db tsx --conditions=react-server bench/scale/measure-scale.ts
 */
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { count } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { getDb, schema, type Db } from '../../db';
import { tickets, users } from '../../db/schema';
import { dashboardStatements, fetchDashboard, fetchDashboardSellers, type DashboardScope } from '../../lib/data/dashboard';
import { slaScorecard } from '../../lib/data/sla';
import { listTicketQueue } from '../../lib/data/tickets';
import { presetRange } from '../../lib/domain/dashboard-metrics';
import { parseQueueQuery } from '../../lib/domain/ticket-queue';
import { summarize, type Summary } from '../lib/stats';
import { VOLUME_SELLERS } from './seed-cache';

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 30);
/** Stop repeating one measurement after this long (with at least MIN_RUNS done), so 1M rows stay affordable. */
const BUDGET_MS = Number(process.env.BENCH_SCALE_BUDGET_MS ?? 2500);
const MIN_RUNS = 5;

interface Captured {
  sql: string;
  params: unknown[];
}

let capture: Captured[] | null = null;
const file = process.env.DATABASE_PATH?.trim();
if (!file) throw new Error('DATABASE_PATH is required');

// The process-wide database, opened as the portal opens it, then given a logger that records each statement.
getDb();
const holder = globalThis as unknown as { portalDb?: { db: Db; sqlite: Database.Database; file: string } };
if (!holder.portalDb) throw new Error('db/index.ts no longer keeps its handle on globalThis.portalDb');
const sqlite = holder.portalDb.sqlite;
const db = drizzle(sqlite, {
  schema,
  logger: { logQuery: (query, params) => capture?.push({ sql: query, params: [...params] }) },
});
holder.portalDb.db = db;
if (getDb() !== db) throw new Error('could not route the data layer through the recording handle');

async function captured(work: () => Promise<unknown>): Promise<Captured[]> {
  capture = [];
  await work();
  const out = capture;
  capture = null;
  return out;
}

/** Times two ways of doing the same work, alternating runs so that load from elsewhere falls on both alike. */
async function timePair(a: () => unknown, b: () => unknown, runs = RUNS, budgetMs = BUDGET_MS, minRuns = MIN_RUNS): Promise<{ a: Summary; b: Summary }> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await a();
    ta.push(performance.now() - t);
    t = performance.now();
    await b();
    tb.push(performance.now() - t);
    if (i + 1 >= minRuns && performance.now() - started > budgetMs) break;
  }
  return { a: summarize(ta), b: summarize(tb) };
}

function replay(statements: Captured[]): () => void {
  const prepared = statements.map((s) => ({ stmt: sqlite.prepare(s.sql), params: s.params }));
  return () => {
    for (const p of prepared) {
      if (p.stmt.reader) p.stmt.all(...(p.params as unknown[]));
      else p.stmt.run(...(p.params as unknown[]));
    }
  };
}

export interface MeasuredQuery {
  name: string;
  search?: string;
  rows: number;
  total?: number;
  statements: number;
  dataLayer: Summary;
  direct: Summary;
}

async function main(): Promise<void> {
  const total = (await db.select({ n: count() }).from(tickets).get())?.n ?? 0;
  const userId = (await db.select({ id: users.id }).from(users).limit(1).get())?.id ?? 1;
  const now = Date.now();
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const secondSeller = VOLUME_SELLERS[1].slug;
  const deepPage = Math.max(1, Math.ceil(total / 2 / 50));
  const searches: Array<[string, string]> = [
    ['open, latest update first', 'open=1'],
    ['state = pending', 'state=pending'],
    ['Seller + severity', `seller=${secondSeller}&severity=significant`],
    ['free text', 'q=fibre%20flapping'],
    ['created in the last 30 days', `createdFrom=${day(now - 30 * 86_400_000)}&createdTo=${day(now)}`],
    ['SLA at risk', 'sla=atRisk'],
    ['SLA breached', 'sla=breached'],
    ['open, time to breach first', 'open=1&sort=breach&dir=asc'],
    ['open, oldest first (age)', 'open=1&sort=created&dir=asc'],
    [`deep page (${deepPage})`, `page=${deepPage}`],
  ];
  const queue: MeasuredQuery[] = [];
  for (const [name, search] of searches) {
    const query = parseQueueQuery(new URLSearchParams(search));
    let rows = 0;
    let found = 0;
    const run = async () => {
      const page = await listTicketQueue(query, userId);
      rows = page.rows.length;
      found = page.total;
    };
    const statements = await captured(run);
    const { a, b } = await timePair(run, replay(statements));
    queue.push({ name, search, rows, total: found, statements: statements.length, dataLayer: a, direct: b });
  }

  const dashboard: Array<MeasuredQuery & { perStatement: Array<{ name: string; dataLayerP50: number; directP50: number }> }> = [];
  const ranges: Array<[string, DashboardScope]> = [
    ['90 days, all Sellers', { sellerId: null, ...bounds('90d', now), nowMs: now }],
    ['30 days, one Seller', { sellerId: (await fetchDashboardSellers(db)).find((s) => s.slug === secondSeller)?.id ?? null, ...bounds('30d', now), nowMs: now }],
  ];
  for (const [name, scope] of ranges) {
    let rows = 0;
    const run = async () => {
      const sellers = await fetchDashboardSellers(db);
      const data = await fetchDashboard(scope, db);
      rows = sellers.length + data.now.openBySellerStatus.length + data.trend.perDay.length;
    };
    const statements = await captured(run);
    const perStatement: Array<{ name: string; dataLayerP50: number; directP50: number }> = [];
    const dialect = (db as unknown as { dialect: { sqlToQuery(q: unknown): { sql: string; params: unknown[] } } }).dialect;
    for (const [statementName, statement] of Object.entries(dashboardStatements(scope))) {
      const { sql, params } = dialect.sqlToQuery(statement);
      // The breakdown only says where the time goes: a few runs each.
      const { a, b } = await timePair(() => db.all(statement), replay([{ sql, params }]), 10, 600, 3);
      perStatement.push({ name: statementName, dataLayerP50: a.p50, directP50: b.p50 });
    }
    const { a, b } = await timePair(run, replay(statements));
    dashboard.push({ name, rows, statements: statements.length, dataLayer: a, direct: b, perStatement });
  }
  const scorecard: MeasuredQuery[] = [];
  const lastMonth = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const sellerIds = await fetchDashboardSellers(db);
  for (const [name, slug] of [
    [`largest Seller, ${lastMonth}`, VOLUME_SELLERS[0].slug],
    [`second Seller, ${lastMonth}`, secondSeller],
  ] as const) {
    const sellerId = sellerIds.find((s) => s.slug === slug)?.id;
    if (sellerId === undefined) continue;
    let rows = 0;
    const run = async () => {
      const card = await slaScorecard(sellerId, lastMonth, now);
      rows = card?.lines.length ?? 0;
    };
    const statements = await captured(run);
    const { a, b } = await timePair(run, replay(statements));
    scorecard.push({ name, rows, statements: statements.length, dataLayer: a, direct: b });
  }
  process.stdout.write(`${JSON.stringify({ tickets: total, runs: RUNS, queue, dashboard, scorecard })}\n`);
}

function bounds(preset: '30d' | '90d', now: number) {
  const r = presetRange(preset, now);
  return { fromMs: r.fromMs, toMs: r.toMs };
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
