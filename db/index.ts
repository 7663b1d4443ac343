import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export const MIGRATIONS_DIR = path.join(process.cwd(), 'db', 'migrations');

/** Opens (creating if needed) the SQLite file with the pragmas the portal depends on, and applies pending migrations. */
export function openDatabase(file: string): { db: Db; sqlite: Database.Database } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // A ticket the UI confirmed or a notification we acknowledged must survive a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, sqlite };
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
