/**
 * How long `npm run db:copy` takes for a generated ticket cache: fills a fresh SQLite portal with N tickets (default
 * 100,000) and the workforce beside them, then copies it into a throwaway PostgreSQL database.
 *   tsx --conditions=react-server bench/scale/measure-copy.ts [N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copySqliteToPostgres } from '../../db/copy';
import { openDatabase } from '../../db';
import { seedDemoUsers } from '../../db/seed';
import { startThrowawayPostgres } from '../../tests/support/postgres';
import { ensureVolumeSellers, seedTickets, seedWorkforce } from './seed-cache';

const count = Number(process.argv[2] ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-copy-bench-'));
const file = path.join(dir, 'portal.db');
const server = await startThrowawayPostgres();
if (!server) throw new Error('no PostgreSQL: set PG_TEST_URL or install postgresql');
try {
  await seedDemoUsers(file);
  const { db, sqlite } = openDatabase(file);
  const nowMs = Date.now();
  const volume = await ensureVolumeSellers(db);
  const seeded = seedTickets(db, sqlite, volume, 0, count, nowMs);
  seedWorkforce(db, volume, 2000, nowMs);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  console.log(`seeded ${seeded.tickets} tickets, ${seeded.history} status changes in ${(seeded.ms / 1000).toFixed(1)} s; ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);

  const loadBefore = os.loadavg();
  const tableMs = new Map<string, number>();
  let mark = performance.now();
  const result = await copySqliteToPostgres({
    from: file,
    to: server.url,
    onProgress(p) {
      if (p.kind === 'start') mark = performance.now();
      if (p.kind !== 'rows' || p.copied !== p.total) return;
      tableMs.set(p.table, performance.now() - mark);
      mark = performance.now();
    },
  });
  const seconds = result.ms / 1000;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  console.log(`copied ${result.rows} rows in ${seconds.toFixed(1)} s: ${Math.round(result.rows / seconds)} rows/s`);
  for (const c of result.counts.filter((c) => c.sqlite >= 1000)) console.log(`  ${c.table}: ${c.postgres} rows in ${((tableMs.get(c.table) ?? 0) / 1000).toFixed(1)} s`);
  console.log(`load average before ${load(loadBefore)}, after ${load(os.loadavg())} (${os.cpus().length} cores)`);
} finally {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
