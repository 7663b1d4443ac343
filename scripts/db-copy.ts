/**
 * npm run db:copy -- [--from FILE] [--to postgres://…] [--replace]: moves the SQLite installation (FILE, default
 * DATABASE_PATH or ./data/portal.db) into PostgreSQL (default DATABASE_URL), then compares the row counts. Exit 0
 * when every count matches, 1 on a refusal, a failure or a difference (PostgreSQL is then unchanged), 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { copySqliteToPostgres, CopyError, CountMismatchError, type TableCount } from '../db/copy';
import { databaseFile } from '../db/index';
import { describePostgresUrl, parseDatabaseUrl } from '../db/pg/connect';

const USAGE = 'Usage: npm run db:copy -- [--from ./data/portal.db] [--to postgres://user:password@host:5432/database] [--replace]';

let args: { from?: string; to?: string; replace?: boolean };
try {
  ({ values: args } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, replace: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const from = args.from?.trim() || databaseFile();
const to = args.to?.trim() || process.env.DATABASE_URL?.trim() || '';

function fail(message: string): never {
  console.error(`Copy failed: ${message}`);
  process.exit(1);
}

let target: string;
try {
  const parsed = parseDatabaseUrl(to);
  if (parsed.kind !== 'postgres') fail(`DATABASE_URL (or --to) must name the PostgreSQL database to copy into (postgres://…)${to ? '' : '; it is not set'}`);
  target = parsed.url;
} catch (error) {
  fail((error as Error).message);
}

function countTable(counts: TableCount[]): string {
  const header = ['table', 'rows in SQLite', 'rows in PostgreSQL', 'ok'];
  const lines = counts.map((c) => [c.table, String(c.sqlite), String(c.postgres), c.ok ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

console.log(`Copying ${from} into ${describePostgresUrl(target)}${args.replace ? ' (replacing its portal data)' : ''}`);
let lastShown = 0;
try {
  const result = await copySqliteToPostgres({
    from,
    to: target,
    replace: args.replace,
    onProgress(progress) {
      if (progress.kind === 'start') {
        console.log(`${progress.tables} tables, ${progress.rows} rows, in one transaction`);
        return;
      }
      const done = progress.copied === progress.total;
      if (done || performance.now() - lastShown > 2_000) {
        lastShown = performance.now();
        console.log(done ? `  ${progress.table}: ${progress.total} rows` : `  ${progress.table}: ${progress.copied} of ${progress.total} rows`);
      }
    },
  });
  if (result.replaced.length) console.log(`Emptied first (--replace): ${result.replaced.join(', ')}`);
  console.log('Not copied:');
  for (const e of result.excluded) console.log(`  ${e.name}: ${e.reason}`);
  if (result.generated.length) console.log(`  computed by PostgreSQL from the copied columns: ${result.generated.join(', ')}`);
  console.log(`\n${countTable(result.counts)}\n`);
  const seconds = result.ms / 1000;
  console.log(`Copied ${result.rows} rows in ${seconds.toFixed(1)} s (${Math.round(result.rows / Math.max(seconds, 0.001))} rows/s); every count matches.`);
} catch (error) {
  if (error instanceof CountMismatchError) {
    console.error(`\n${countTable(error.counts)}\n`);
    fail(error.message);
  }
  if (error instanceof CopyError || /DATABASE_URL/.test((error as Error).message)) fail((error as Error).message);
  fail((error as Error).stack ?? String(error));
}
