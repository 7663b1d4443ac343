/**
 * Dashboard aggregates at scale: builds a throw-away cache of BENCH_TICKETS (default 100,000) tickets across 5 Sellers
 * with their status histories, then prints p50/p95 of every aggregate run through drizzle (as the page runs it)
 * and of the same SQL text run directly with better-sqlite3, plus the whole page load.
 *
 *   npx tsx --conditions=react-server scripts/bench-dashboard.ts
 *   BENCH_TICKETS=20000 BENCH_RUNS=10 BENCH_DB=/tmp/bench.db npx tsx --conditions=react-server scripts/bench-dashboard.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type SQL } from 'drizzle-orm';
import { openDatabase, type Db } from '../db';
import { selectRows } from '../db/raw-sql';
import { transaction, write } from '../db/transaction';
import { incidents, appointments, sellers, slaAgreements, tickets, ticketSla, ticketStatusHistory } from '../db/schema';
import { dashboardStatements, fetchDashboard, type DashboardScope } from '../lib/data/dashboard';
import { DAY_MS, HOUR_MS, presetRange } from '../lib/domain/dashboard-metrics';
import type { TicketStatus } from '../lib/domain/mef-labels';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const SELLERS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const SEVERITIES = ['minor', 'moderate', 'significant', 'extensive'] as const;

/** A small deterministic generator so runs are comparable. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function lifeOf(random: () => number, createdMs: number): Array<[TicketStatus, number]> {
  const steps: Array<[TicketStatus, number]> = [['acknowledged', createdMs]];
  let t = createdMs;
  const next = (status: TicketStatus, maxHours: number) => {
    t += Math.floor(random() * maxHours * HOUR_MS) + 60_000;
    if (t < NOW) steps.push([status, t]);
    return t < NOW;
  };
  if (random() < 0.05) {
    if (next('assessingCancellation', 4)) next('cancelled', 4);
    return steps;
  }
  if (!next('inProgress', 6)) return steps;
  if (random() < 0.35 && !(next('pending', 24) && next('inProgress', 12))) return steps;
  if (!next('resolved', 72)) return steps;
  if (random() < 0.1) {
    if (!(next('reopened', 12) && next('inProgress', 2) && next('resolved', 24))) return steps;
  }
  next('closed', 24);
  return steps;
}

async function seed(db: Db): Promise<void> {
  const random = prng(42);
  const sellerIds: number[] = [];
  for (const slug of SELLERS) {
    const [row] = await write(
      (d) =>
        d
          .insert(sellers)
          .values({
            slug,
            name: slug[0]!.toUpperCase() + slug.slice(1),
            troubleTicketBaseUrl: `http://127.0.0.1:1/${slug}/tt`,
            appointmentBaseUrl: `http://127.0.0.1:1/${slug}/ap`,
            workOrderBaseUrl: `http://127.0.0.1:1/${slug}/wo`,
            tokenUrl: `http://127.0.0.1:1/${slug}/token`,
            clientId: 'bench',
            clientSecretEnc: 'v1:a:b:c',
          })
          .returning(),
      db,
    );
    sellerIds.push(row!.id);
  }
  const padding = 'x'.repeat(1200);
  const CHUNK = 500;
  for (let base = 0; base < TICKETS; base += CHUNK) {
    const batch = Array.from({ length: Math.min(CHUNK, TICKETS - base) }, (_, i) => {
      const n = base + i;
      const createdMs = NOW - Math.floor(random() * 180 * DAY_MS);
      const life = lifeOf(random, createdMs);
      const [status] = life[life.length - 1]!;
      const resolvedAt = [...life].reverse().find(([s]) => s === 'resolved')?.[1];
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        row: {
          sellerId: sellerIds[n % sellerIds.length]!,
          sellerTicketId: `TT-${n}`,
          externalId: `NOC-2026-${String(n).padStart(6, '0')}`,
          productId: `P-${n % 40}`,
          description: `Bench ticket ${n}`,
          severity: SEVERITIES[Math.floor(random() * SEVERITIES.length)]!,
          priority: 'medium',
          ticketType: 'assistance',
          observedImpact: 'degraded',
          status,
          creationDate: iso(createdMs),
          expectedResolutionDate: random() < 0.9 ? iso(createdMs + Math.floor((1 + random() * 4) * DAY_MS)) : null,
          resolutionDate: (status === 'resolved' || status === 'closed') && resolvedAt ? iso(resolvedAt) : null,
          lastStatusChangeAt: iso(life[life.length - 1]![1]),
          document: { id: `TT-${n}`, padding },
          documentHash: `h${n}`,
          fetchedAt: iso(NOW),
        },
        life,
      };
    });
    await transaction(async (tx) => {
      const inserted = await tx.insert(tickets).values(batch.map((b) => b.row)).returning({ id: tickets.id, sellerId: tickets.sellerId });
      const history = inserted.flatMap((t, i) =>
        batch[i]!.life.map(([status, at]) => ({ ticketId: t.id, sellerId: t.sellerId, status, changedAt: new Date(at).toISOString() })),
      );
      for (let h = 0; h < history.length; h += 2000) await tx.insert(ticketStatusHistory).values(history.slice(h, h + 2000));
    }, db);
  }
  const cached = { documentHash: 'h', fetchedAt: new Date(NOW).toISOString(), updatedAt: new Date(NOW).toISOString() };
  await transaction(async (tx) => {
    for (let n = 0; n < 2_000; n++) {
      const createdMs = NOW - Math.floor(random() * 120 * DAY_MS);
      const closed = random() < 0.8;
      await tx
        .insert(incidents)
        .values({
          sellerId: sellerIds[n % 4]!,
          sellerResourceId: `IN-${n}`,
          status: closed ? 'closed' : 'inProgress',
          productId: random() < 0.7 ? `P-${n % 40}` : null,
          document: {
            id: `IN-${n}`,
            creationDate: new Date(createdMs).toISOString(),
            ...(closed ? { closedDate: new Date(createdMs + random() * 10 * HOUR_MS).toISOString() } : {}),
          },
          ...cached,
        });
      await tx
        .insert(appointments)
        .values({
          sellerId: sellerIds[n % 5]!,
          sellerResourceId: `AP-${n}`,
          status: random() < 0.8 ? 'confirmed' : 'completed',
          startAt: new Date(NOW + Math.floor((random() - 0.5) * 30 * DAY_MS)).toISOString(),
          document: { id: `AP-${n}` },
          ...cached,
        });
    }
  }, db);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Wall-clock p50/p95, and the median CPU time of this process (less disturbed by other work on the machine). */
function measure(work: () => unknown): { p50: number; p95: number; cpu50: number } {
  work(); // warm the page cache and the statement cache
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    work();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), cpu50: percentile(cpu, 50) };
}

async function measureAsync(work: () => Promise<unknown>): Promise<{ p50: number; p95: number; cpu50: number }> {
  await work();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), cpu50: percentile(cpu, 50) };
}

async function main(): Promise<void> {
  const file = process.env.BENCH_DB ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dashboard-')), 'portal.db');
  const reuse = fs.existsSync(file) && process.env.BENCH_DB !== undefined;
  const { db, sqlite } = openDatabase(file);
  const countOf = async (statement: SQL) => (await selectRows<{ n: number }>(statement, db))[0]?.n ?? 0;
  if (!(reuse && (await countOf(sql`select count(*) as n from ${tickets}`)) > 0)) {
    const start = performance.now();
    await seed(db);
    sqlite.pragma('optimize');
    console.log(`seeded ${TICKETS} tickets in ${((performance.now() - start) / 1000).toFixed(1)} s → ${file}`);
  }
  if ((await countOf(sql`select count(*) as n from ${ticketSla}`)) === 0) {
    const start = performance.now();
    await seedSla(db, file);
    console.log(`SLA clocks for every ticket in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const counts = (
    await selectRows<{ t: number; h: number }>(sql`select (select count(*) from ${tickets}) as t, (select count(*) from ${ticketStatusHistory}) as h`, db)
  )[0]!;
  console.log(`${counts.t} tickets, ${counts.h} status changes, ${RUNS} runs each (ms); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);

  const dialect = (db as unknown as { dialect: { sqlToQuery(q: unknown): { sql: string; params: unknown[] } } }).dialect;
  const scopes: Array<[string, DashboardScope]> = [
    ['90 days, all Sellers', { sellerId: null, ...bounds('90d'), nowMs: NOW }],
    ['30 days, one Seller', { sellerId: 2, ...bounds('30d'), nowMs: NOW }],
  ];
  for (const [label, scope] of scopes) {
    console.log(`== ${label}`);
    console.log(
      `${'aggregate'.padEnd(24)} ${'drizzle p50'.padStart(12)} ${'p95'.padStart(8)} ${'cpu'.padStart(8)} ${'direct p50'.padStart(12)} ${'p95'.padStart(8)} ${'cpu'.padStart(8)}`,
    );
    let totalCpu = 0;
    const statements = dashboardStatements(scope);
    for (const [name, statement] of Object.entries(statements)) {
      const viaDrizzle = await measureAsync(() => selectRows(statement, db));
      const { sql: text, params } = dialect.sqlToQuery(statement);
      const prepared = sqlite.prepare(text);
      const direct = measure(() => prepared.all(...params));
      totalCpu += viaDrizzle.cpu50;
      const f = (n: number, w: number) => n.toFixed(1).padStart(w);
      console.log(
        `${name.padEnd(24)} ${f(viaDrizzle.p50, 12)} ${f(viaDrizzle.p95, 8)} ${f(viaDrizzle.cpu50, 8)} ${f(direct.p50, 12)} ${f(direct.p95, 8)} ${f(direct.cpu50, 8)}`,
      );
    }
    console.log(`${'sum of aggregates (cpu)'.padEnd(24)} ${''.padStart(12)} ${''.padStart(8)} ${totalCpu.toFixed(1).padStart(8)}`);
    const whole = await measureAsync(() => fetchDashboard(scope, db));
    console.log(`${'whole dashboard'.padEnd(24)} ${whole.p50.toFixed(1).padStart(12)} ${whole.p95.toFixed(1).padStart(8)}\n`);
  }
  await measureScorecards(file, sqlite);
  sqlite.close();
}

/** One 24×7 agreement per Seller, then every ticket's clocks through the portal's own recomputation. */
async function seedSla(db: Db, file: string): Promise<void> {
  process.env.DATABASE_PATH = file;
  const { recomputeSellerSla } = await import('../lib/sync/sla-clocks');
  const targets = { extensive: { acknowledge: 30, resolve: 240 }, significant: { acknowledge: 30, resolve: 480 }, moderate: { acknowledge: 60, resolve: 1440 }, minor: { acknowledge: 120, resolve: 4320 } };
  for (const seller of await db.select({ id: sellers.id }).from(sellers)) {
    await write((d) => d.insert(slaAgreements).values({ name: 'Bench', sellerId: seller.id, targets, pauseStates: ['pending'], validFrom: '2000-01-01T00:00:00.000Z' }), db);
    await recomputeSellerSla(seller.id, null);
  }
}

/** The scorecard of one Seller and month: the data-layer function, and its two statements run directly. */
async function measureScorecards(file: string, sqlite: ReturnType<typeof openDatabase>['sqlite']): Promise<void> {
  process.env.DATABASE_PATH = file;
  const { getDb } = await import('../db');
  const { slaScorecard, scorecardRowsQuery, reopenCountsQuery } = await import('../lib/data/sla');
  const month = new Date(NOW - 30 * DAY_MS).toISOString().slice(0, 7);
  console.log(`== SLA scorecard, Seller 2, ${month}`);
  const whole = await measureAsync(() => slaScorecard(2, month, NOW));
  const rows = scorecardRowsQuery(getDb(), 2, month).toSQL();
  const reopens = reopenCountsQuery(getDb(), 2, month).toSQL();
  const preparedRows = sqlite.prepare(rows.sql);
  const preparedReopens = sqlite.prepare(reopens.sql);
  const direct = measure(() => {
    preparedRows.all(...rows.params);
    preparedReopens.all(...reopens.params);
  });
  console.log(`${'whole scorecard'.padEnd(24)} ${whole.p50.toFixed(1).padStart(12)} ${whole.p95.toFixed(1).padStart(8)}`);
  console.log(`${'same SQL, direct'.padEnd(24)} ${direct.p50.toFixed(1).padStart(12)} ${direct.p95.toFixed(1).padStart(8)}\n`);
}

function bounds(preset: '30d' | '90d') {
  const r = presetRange(preset, NOW);
  return { fromMs: r.fromMs, toMs: r.toMs };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
