import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_DIR, type Db } from './index';
import { selectRows } from './raw-sql';

/** One line of a readiness answer; `detail` is shown to anyone who asks, so it names no path, secret or stack. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

interface JournalEntry {
  when: number;
  tag: string;
}

const journals = new Map<string, JournalEntry[]>();

/** The migrations this build ships, in order (drizzle-kit's journal); read once per folder, it does not change while running. */
function shippedMigrations(migrationsDir: string): JournalEntry[] {
  let entries = journals.get(migrationsDir);
  if (!entries) {
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
    entries = journal.entries.map(({ when, tag }) => ({ when, tag }));
    journals.set(migrationsDir, entries);
  }
  return entries;
}

/**
 * A failure described for an operator without giving away where things are: the SQLite result code when there is
 * one, and the first line of the message with anything that looks like a file path taken out.
 */
export function describeFailure(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && /^SQLITE_[A-Z_]+$/.test(err.code) ? err.code : undefined;
  const message = (err instanceof Error ? err.message : String(err))
    .split('\n')[0]!
    .replace(/[^\s'"`()[\]<>]*[\\/][^\s'"`()[\]<>]*/g, (token) => (token === 'I/O' ? token : '<path>'))
    .slice(0, 160);
  return code ? `${code}: ${message}` : message;
}

function milliseconds(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/**
 * The database answers a trivial read of its own catalogue within `timeoutMs`. SQLite answers synchronously, so a
 * slow answer (a long lock wait, a stalled disk) is measured rather than cut off; a driver that answers
 * asynchronously is cut off at the limit.
 */
export async function checkDatabaseAnswers(db: Db, timeoutMs = 1_000): Promise<ReadinessCheck> {
  const name = 'database';
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const answer = await Promise.race([selectRows(sql`select count(*) as n from sqlite_master`, db), timedOut]);
    const elapsed = performance.now() - started;
    if (answer === 'timeout' || elapsed > timeoutMs) return { name, ok: false, detail: `no answer within ${milliseconds(timeoutMs)}` };
    return { name, ok: true, detail: `answered in ${milliseconds(elapsed)}` };
  } catch (err) {
    return { name, ok: false, detail: `query failed: ${describeFailure(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

const LISTED = 3;

function tags(entries: JournalEntry[]): string {
  const shown = entries.slice(0, LISTED).map((e) => e.tag).join(', ');
  return entries.length > LISTED ? `${shown} and ${entries.length - LISTED} more` : shown;
}

/**
 * Every migration of the journal is recorded in drizzle's `__drizzle_migrations` (by its timestamp, as drizzle's
 * migrator records and compares them). Migrations recorded there that this build does not know (a newer instance
 * migrated the database during a rolling deploy) are reported but do not make it unready.
 */
export async function checkMigrationsApplied(db: Db, migrationsDir = MIGRATIONS_DIR): Promise<ReadinessCheck> {
  const name = 'migrations';
  let shipped: JournalEntry[];
  try {
    shipped = shippedMigrations(migrationsDir);
  } catch (err) {
    return { name, ok: false, detail: `the migrations journal of this build could not be read: ${describeFailure(err)}` };
  }
  try {
    const [table] = await selectRows<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`, db);
    if (!table || table.n === 0) return { name, ok: false, detail: `no migration applied; ${shipped.length} expected` };
    const applied = new Set((await selectRows<{ created_at: number | string }>(sql`select created_at from __drizzle_migrations`, db)).map((r) => Number(r.created_at)));
    const missing = shipped.filter((e) => !applied.has(e.when));
    if (missing.length) return { name, ok: false, detail: `${missing.length} of ${shipped.length} not applied: ${tags(missing)}` };
    const known = new Set(shipped.map((e) => e.when));
    const newer = [...applied].filter((when) => !known.has(when)).length;
    return { name, ok: true, detail: `${shipped.length} of ${shipped.length} applied${newer ? `; ${newer} newer than this build` : ''}` };
  } catch (err) {
    return { name, ok: false, detail: `query failed: ${describeFailure(err)}` };
  }
}
