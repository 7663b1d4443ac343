import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { integrityCheck } from './integrity';

/**
 * Online backup and offline restore of the portal's SQLite file. A backup is one read transaction (VACUUM INTO): a
 * consistent copy taken while the portal keeps writing (WAL lets writers go on), checked with integrity_check before
 * it gets its final name. A restore replaces the database only when no process has it open.
 */

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupResult {
  file: string;
  bytes: number;
  tickets: number;
  auditEntries: number;
  integrity: string[];
}

function sidecars(file: string): string[] {
  return [`${file}-wal`, `${file}-shm`, `${file}-journal`];
}

function counts(file: string): { tickets: number; auditEntries: number; migrations: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return { tickets: one('select count(*) as n from tickets'), auditEntries: one('select count(*) as n from audit_log'), migrations: one('select count(*) as n from __drizzle_migrations') };
  } finally {
    db.close();
  }
}

/** Copies `source` into the new file `target` (which must not exist yet) and checks the copy. */
export function backupDatabase(source: string, target: string): BackupResult {
  const from = path.resolve(source);
  const to = path.resolve(target);
  if (!fs.existsSync(from)) throw new BackupError(`There is no database at ${from}`);
  if (from === to) throw new BackupError('The backup file must not be the database itself');
  if (fs.existsSync(to)) throw new BackupError(`${to} exists already: choose a new file name, backups are never overwritten`);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const partial = `${to}.partial-${process.pid}`;
  const db = new Database(from, { readonly: true, fileMustExist: true, timeout: 30_000 });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`The copy failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  try {
    const integrity = integrityCheck(partial);
    if (integrity.length !== 1 || integrity[0] !== 'ok') throw new BackupError(`The copy is not sound (integrity_check: ${integrity.slice(0, 5).join('; ')})`);
    const fd = fs.openSync(partial, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, to);
    const { tickets, auditEntries } = counts(to);
    return { file: to, bytes: fs.statSync(to).size, tickets, auditEntries, integrity };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`The copy could not be checked: ${(err as Error).message}`);
  }
}

/**
 * Runs `work` while holding an exclusive lock on `file`, or returns false without running it when another
 * connection (a running portal, its sync process, a backup in progress) has the file open.
 */
function withExclusiveAccess(file: string, work: () => void): boolean {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      if (/locked|busy/i.test((err as Error).message)) return false;
      throw err;
    }
    work();
    db.exec('ROLLBACK');
    return true;
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  file: string;
  /** Where the database that was replaced now lies, if there was one. */
  previous?: string;
  tickets: number;
  auditEntries: number;
}

/** Replaces the database at `target` by the backup `backup`, keeping the replaced one beside it. */
export function restoreDatabase(backup: string, target: string, now = new Date()): RestoreResult {
  const from = path.resolve(backup);
  const to = path.resolve(target);
  if (!fs.existsSync(from)) throw new BackupError(`There is no backup at ${from}`);
  if (from === to) throw new BackupError('The backup is the database itself');
  let integrity: string[];
  try {
    integrity = integrityCheck(from);
  } catch (err) {
    throw new BackupError(`${from} is not a readable SQLite database: ${(err as Error).message}`);
  }
  if (integrity.length !== 1 || integrity[0] !== 'ok') throw new BackupError(`The backup is not sound (integrity_check: ${integrity.slice(0, 5).join('; ')})`);
  let facts: ReturnType<typeof counts>;
  try {
    facts = counts(from);
  } catch {
    throw new BackupError(`${from} is not a backup of this portal (no tickets, audit trail or migrations in it)`);
  }
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const incoming = `${to}.restoring-${process.pid}`;
  fs.copyFileSync(from, incoming, fs.constants.COPYFILE_EXCL);
  const fd = fs.openSync(incoming, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  let previous: string | undefined;
  const swap = () => {
    if (fs.existsSync(to)) {
      previous = `${to}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(to, previous);
      for (const side of sidecars(to)) if (fs.existsSync(side)) fs.renameSync(side, `${previous}${side.slice(to.length)}`);
    }
    fs.renameSync(incoming, to);
  };
  try {
    if (!fs.existsSync(to)) swap();
    else if (!withExclusiveAccess(to, swap)) {
      throw new BackupError(`${to} is open in another process (is the portal running?): stop the portal, then restore`);
    }
  } catch (err) {
    fs.rmSync(incoming, { force: true });
    throw err;
  }
  return { file: to, ...(previous ? { previous } : {}), tickets: facts.tickets, auditEntries: facts.auditEntries };
}
