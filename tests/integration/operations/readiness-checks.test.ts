import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase, schema, type Db } from '@/db';
import { checkDatabaseAnswers, checkMigrationsApplied, describeFailure } from '@/db/readiness';

interface Journal {
  entries: Array<{ when: number; tag: string }>;
}

const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as Journal;
const shipped = journal.entries;
const last = shipped[shipped.length - 1]!;

let dir: string;
const open: Database.Database[] = [];

function rawDatabase(): { db: Db; sqlite: Database.Database } {
  const sqlite = new Database(path.join(dir, `raw-${open.length}.db`));
  open.push(sqlite);
  return { db: drizzle(sqlite, { schema }), sqlite };
}

/** The build's migrations folder without its newest migration, as an older build would have shipped it. */
function folderWithoutLast(): string {
  const folder = path.join(dir, 'older-migrations');
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
  for (const entry of shipped.slice(0, -1)) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${entry.tag}.sql`), path.join(folder, `${entry.tag}.sql`));
  const older = { ...JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')), entries: shipped.slice(0, -1) };
  fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(older));
  return folder;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-'));
});

afterEach(() => {
  for (const sqlite of open.splice(0)) if (sqlite.open) sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('database readiness', () => {
  it('a freshly migrated database answers and carries every migration of the build', async () => {
    const { db, sqlite } = openDatabase(path.join(dir, 'fresh.db'));
    open.push(sqlite);
    const answers = await checkDatabaseAnswers(db);
    expect(answers).toMatchObject({ name: 'database', ok: true });
    expect(answers.detail).toMatch(/^answered in [\d.]+ ms$/);
    expect(await checkMigrationsApplied(db)).toEqual({ name: 'migrations', ok: true, detail: `${shipped.length} of ${shipped.length} applied` });
  });

  it('a database an older build migrated lacks the newest migration, named', async () => {
    const { db } = rawDatabase();
    migrate(db, { migrationsFolder: folderWithoutLast() });
    const check = await checkMigrationsApplied(db);
    expect(check.ok).toBe(false);
    expect(check.name).toBe('migrations');
    expect(check.detail).toBe(`1 of ${shipped.length} not applied: ${last.tag}`);
    // Once brought up to date it is ready.
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    expect((await checkMigrationsApplied(db)).ok).toBe(true);
  });

  it('a database no migration ever ran on is not ready', async () => {
    const { db } = rawDatabase();
    expect(await checkMigrationsApplied(db)).toEqual({ name: 'migrations', ok: false, detail: `no migration applied; ${shipped.length} expected` });
  });

  it('a gap in the middle counts, not only the newest', async () => {
    const { db, sqlite } = openDatabase(path.join(dir, 'gap.db'));
    open.push(sqlite);
    db.run(sql`delete from __drizzle_migrations where created_at = ${shipped[1]!.when}`);
    expect(await checkMigrationsApplied(db)).toMatchObject({ ok: false, detail: `1 of ${shipped.length} not applied: ${shipped[1]!.tag}` });
  });

  it('lists at most three missing migrations by name', async () => {
    const { db, sqlite } = openDatabase(path.join(dir, 'many.db'));
    open.push(sqlite);
    db.run(sql`delete from __drizzle_migrations`);
    db.run(sql`insert into __drizzle_migrations (hash, created_at) values ('x', ${shipped[0]!.when})`);
    const check = await checkMigrationsApplied(db);
    expect(check.ok).toBe(false);
    expect(check.detail).toBe(`${shipped.length - 1} of ${shipped.length} not applied: ${shipped.slice(1, 4).map((e) => e.tag).join(', ')} and ${shipped.length - 4} more`);
  });

  it('migrations a newer build applied are reported without making it unready', async () => {
    const { db, sqlite } = openDatabase(path.join(dir, 'newer.db'));
    open.push(sqlite);
    db.run(sql`insert into __drizzle_migrations (hash, created_at) values ('newer', ${last.when + 1000})`);
    expect(await checkMigrationsApplied(db)).toEqual({ name: 'migrations', ok: true, detail: `${shipped.length} of ${shipped.length} applied; 1 newer than this build` });
  });

  it('a missing journal makes it unready without naming where the build lives', async () => {
    const { db, sqlite } = openDatabase(path.join(dir, 'journal.db'));
    open.push(sqlite);
    const check = await checkMigrationsApplied(db, path.join(dir, 'no-such-folder'));
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^the migrations journal of this build could not be read: /);
    expect(check.detail).not.toContain(dir);
  });

  it('a connection that cannot be queried is not ready, with the reason and no stack', async () => {
    const { db, sqlite } = openDatabase(path.join(dir, 'closed.db'));
    sqlite.close();
    const answers = await checkDatabaseAnswers(db);
    expect(answers.ok).toBe(false);
    expect(answers.detail).toMatch(/^query failed: .*not open/);
    expect(answers.detail).not.toMatch(/\n|\bat .*\(|readiness\.ts/);
    expect(await checkMigrationsApplied(db)).toMatchObject({ ok: false, detail: expect.stringMatching(/^query failed: /) });
  });

  it('a database that does not answer within the limit is not ready', async () => {
    const hanging = { all: () => new Promise(() => undefined) } as unknown as Db;
    expect(await checkDatabaseAnswers(hanging, 50)).toEqual({ name: 'database', ok: false, detail: 'no answer within 50 ms' });
  });

  it('a database that answers only after the limit is not ready either', async () => {
    const slow = {
      all: () => {
        const until = performance.now() + 80;
        while (performance.now() < until);
        return [{ n: 1 }];
      },
    } as unknown as Db;
    expect(await checkDatabaseAnswers(slow, 20)).toEqual({ name: 'database', ok: false, detail: 'no answer within 20 ms' });
  });
});

describe('failure details', () => {
  it('keep the SQLite code and the message, and take file paths out', () => {
    const err = Object.assign(new Error('unable to open database file /srv/portal/secrets/portal.db (C:\\keys\\x.db)\n    at Database (x.js:1:1)'), { code: 'SQLITE_CANTOPEN' });
    const detail = describeFailure(err);
    expect(detail).toBe('SQLITE_CANTOPEN: unable to open database file <path> (<path>)');
  });

  it('keep words that only look like paths', () => {
    expect(describeFailure(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }))).toBe('SQLITE_IOERR: disk I/O error');
  });

  it('ignore codes that are not SQLite result codes and cap the length', () => {
    const detail = describeFailure(Object.assign(new Error('x'.repeat(500)), { code: 'ENOENT' }));
    expect(detail).toBe('x'.repeat(160));
  });
});
