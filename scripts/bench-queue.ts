/**
 * `node --conditions=react-server --import tsx scripts/bench-queue.ts [count]`: loads `count` (default 100,000)
 * tickets into a fresh temporary database and prints p50/p95 of the queue's common queries (one page + the total).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const count = Number(process.argv[2] ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 30);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-queue-'));
process.env.DATABASE_PATH = path.join(dir, 'portal.db');

const { closeDb } = await import('../db/index');
const { loadTickets, commonQueueSearches } = await import('../tests/integration/tickets/load-tickets');
const { listTicketQueue } = await import('../lib/data/tickets');
const { parseQueueQuery } = await import('../lib/domain/ticket-queue');

const started = performance.now();
const { userIds } = await loadTickets(count);
console.log(`loaded ${count} tickets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const lines: string[] = [];
// The SLA filters read the ticket row's SLA columns (this cache has no agreements, so they match nothing: the plan is what is timed).
const searches = { ...commonQueueSearches(), 'SLA at risk': 'sla=atRisk', 'SLA breached': 'sla=breached', 'open, time to breach first': 'open=1&sort=breach&dir=asc' };
for (const [name, search] of Object.entries(searches)) {
  const query = parseQueueQuery(new URLSearchParams(search));
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const page = await listTicketQueue(query, userIds[i % userIds.length]!);
    times.push(performance.now() - t);
    total = page.total;
  }
  times.sort((a, b) => a - b);
  lines.push(`${name.padEnd(40)} p50 ${quantile(times, 0.5).toFixed(1).padStart(7)} ms   p95 ${quantile(times, 0.95).toFixed(1).padStart(7)} ms   (${total} matches)`);
}
console.log(lines.join('\n'));
closeDb();
fs.rmSync(dir, { recursive: true, force: true });
