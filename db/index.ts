import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export const MIGRATIONS_DIR = path.join(process.cwd(), 'db', 'migrations');

/**
 * How a process's commits reach the disk. `full` (the default): each COMMIT waits for the fsync, so a ticket the UI
 * confirmed or a notification we acknowledged survives a power cut. `rederivable`: for the sync process, whose
 * writes (the cache, waiting items, change feed, inbox entries marked done) are all re-derived from the durable
 * inbox and the Sellers: WAL frames are appended without waiting for the fsync, so a power cut can lose only the
 * newest of them, never tear one, and the next FULL commit of any process (the listener's next insert) makes them
 * durable too. A lost tail means those inbox entries are pending again and are applied again.
 */
export type CommitDurability = 'full' | 'rederivable';
let durability: CommitDurability = 'full';

/** Set before the first getDb() of a process. */
export function setCommitDurability(mode: CommitDurability): void {
  durability = mode;
}

/** Opens (creating if needed) the SQLite file with the pragmas the portal depends on, and applies pending migrations. */
export function openDatabase(file: string): { db: Db; sqlite: Database.Database } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  reuseStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, sqlite };
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * drizzle asks the driver to prepare every query anew, and SQLite's prepare costs more than most of our queries take
 * to run: a statement is kept per SQL text and handed out again, with its result mode reset (drizzle switches it to
 * raw rows per call), unless it is in use by an open iterator.
 */
function reuseStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = kept.get(source);
    if (hit && !hit.busy) {
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const statement = prepare(source);
    if (!hit) {
      if (kept.size >= STATEMENT_CACHE_SIZE) kept.delete(kept.keys().next().value as string);
      kept.set(source, statement);
    }
    return statement;
  }) as Database.Database['prepare'];
}

const globalForDb = globalThis as unknown as { portalDb?: { db: Db; sqlite: Database.Database; file: string } };

/** The SQLite file of this process (DATABASE_PATH), or ':memory:'. */
export function databaseFile(): string {
  return process.env.DATABASE_PATH?.trim() || './data/portal.db';
}

/** The process-wide database; cached on globalThis so dev reloads do not open a second handle. */
export function getDb(): Db {
  const file = databaseFile();
  if (!globalForDb.portalDb || globalForDb.portalDb.file !== file) {
    globalForDb.portalDb?.sqlite.close();
    globalForDb.portalDb = { ...openDatabase(file), file };
  }
  return globalForDb.portalDb.db;
}

export function closeDb(): void {
  globalForDb.portalDb?.sqlite.close();
  globalForDb.portalDb = undefined;
}

export { schema };
