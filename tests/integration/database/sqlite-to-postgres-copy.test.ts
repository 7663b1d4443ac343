import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { asc, is } from 'drizzle-orm';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyPlan, copySqliteToPostgres, CopyError, CountMismatchError } from '@/db/copy';
import { openPostgres } from '@/db/pg/connect';
import * as pgSchema from '@/db/pg/schema';
import { ticketTextMatch } from '@/db/pg/ticket-search';
import * as sqliteSchema from '@/db/schema';
import { describeOnPostgres } from '@/tests/support/postgres';
import { freePort } from '@/tests/support/free-port';
import { ALL_BYTES, buildSqlitePortal } from './sqlite-portal-fixture';

const ROOT = path.resolve(import.meta.dirname, '../../..');

const schemaTables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
const schemaTableNames = schemaTables.map((t) => sqliteTableConfig(t).name).sort();
const pgTableByName = new Map(
  (Object.values(pgSchema) as unknown[])
    .filter((v): v is PgTable => is(v, PgTable))
    .map((t) => [pgTableConfig(t).name, t]),
);

function sqliteCounts(file: string): Record<string, number> {
  const sqlite = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(schemaTableNames.map((name) => [name, (sqlite.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n]));
  } finally {
    sqlite.close();
  }
}

async function postgresCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const name of schemaTableNames) {
      const exists = await client.query('select to_regclass($1) as t', [`public.${name}`]);
      out[name] = exists.rows[0].t ? Number((await client.query(`select count(*) as n from "${name}"`)).rows[0].n) : -1;
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Rows of both sides read through their own schema (so types are the schema's), in primary-key order. */
async function rowsOfBothSides(file: string, url: string): Promise<Map<string, { sqlite: unknown[]; postgres: unknown[] }>> {
  const sqlite = new Database(file, { readonly: true });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const lite = sqliteDrizzle(sqlite);
    const pgDb = pgDrizzle(pool);
    const out = new Map<string, { sqlite: unknown[]; postgres: unknown[] }>();
    for (const table of schemaTables) {
      const name = sqliteTableConfig(table).name;
      const twin = pgTableByName.get(name)!;
      const sqliteKey = sqliteTableConfig(table).columns.filter((c) => c.primary).map((c) => asc(c));
      const pgKey = pgTableConfig(twin).columns.filter((c) => c.primary).map((c) => asc(c));
      out.set(name, {
        sqlite: (await lite.select().from(table).orderBy(...sqliteKey).all()).map(normalise),
        postgres: (await pgDb.select().from(twin).orderBy(...pgKey)).map(normalise),
      });
    }
    return out;
  } finally {
    sqlite.close();
    await pool.end();
  }
}

/** The one representation that differs by engine: a JSON array extracted to text (incidents.related_entities). */
function normalise(row: Record<string, unknown>): Record<string, unknown> {
  return 'relatedEntities' in row && typeof row.relatedEntities === 'string' ? { ...row, relatedEntities: JSON.parse(row.relatedEntities) } : row;
}

async function indexCatalog(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ indexdef: string }>("select indexdef from pg_indexes where schemaname = 'public' order by indexname");
    return rows.map((r) => r.indexdef);
  } finally {
    await client.end();
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function cli(args: string[], env: Record<string, string | undefined> = {}): { code: number; out: string } {
  try {
    const out = execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/db-copy.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: 'pipe' });
    return { code: 0, out: out.toString() };
  } catch (error) {
    const e = error as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

describeOnPostgres('npm run db:copy: a SQLite installation into PostgreSQL', (server) => {
  let source: string;
  let dir: string;
  let databases = 0;

  /** A new, empty database on the throwaway server. */
  async function emptyDatabase(): Promise<string> {
    const name = `copy_target_${++databases}`;
    const admin = new pg.Client({ connectionString: server().url });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(server().url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async function copyOfSource(label: string): Promise<string> {
    const file = path.join(dir, `${label}.db`);
    fs.copyFileSync(source, file);
    return file;
  }

  beforeAll(async () => {
    ({ dir, dbPath: source } = await buildSqlitePortal());
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans every table of the schema, parents before children, and nothing else but what it names', () => {
    const plan = copyPlan();
    expect(plan.map((t) => t.name).sort()).toEqual(schemaTableNames);
    const position = new Map(plan.map((t, i) => [t.name, i]));
    for (const table of schemaTables) {
      const config = sqliteTableConfig(table);
      for (const fk of config.foreignKeys) {
        const parent = sqliteTableConfig(fk.reference().foreignTable).name;
        if (parent !== config.name) expect(position.get(parent), `${parent} before ${config.name}`).toBeLessThan(position.get(config.name)!);
      }
    }
    const incidents = plan.find((t) => t.name === 'incidents')!;
    expect(incidents.columns).not.toContain('severity');
    expect(incidents.columns).not.toContain('creation_date');
    expect(incidents.columns).toContain('document');
  });

  it('copies a portal with rows in every table: the same rows, column by column, and the counts', async () => {
    const counts = sqliteCounts(source);
    expect(Object.entries(counts).filter(([, n]) => n === 0).map(([name]) => name), 'tables the fixture leaves empty').toEqual([]);
    const before = sha256(source);
    const target = await emptyDatabase();
    const progress: string[] = [];

    const result = await copySqliteToPostgres({ from: source, to: target, batchRows: 3, onProgress: (p) => p.kind === 'rows' && p.copied === p.total && progress.push(p.table) });

    expect(result.counts.map((c) => c.table).sort()).toEqual(schemaTableNames);
    expect(result.counts.filter((c) => !c.ok)).toEqual([]);
    expect(Object.fromEntries(result.counts.map((c) => [c.table, c.postgres]))).toEqual(counts);
    expect(await postgresCounts(target)).toEqual(counts);
    expect(progress.sort()).toEqual(schemaTableNames);
    expect(result.rows).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
    expect(result.excluded.map((e) => e.name).sort()).toEqual(
      ['__drizzle_migrations', 'sqlite_sequence', 'tickets_fts', 'tickets_fts_config', 'tickets_fts_data', 'tickets_fts_docsize', 'tickets_fts_idx'].sort(),
    );
    expect(result.excluded.find((e) => e.name === 'tickets_fts')!.reason).toMatch(/full-text/);
    expect(result.generated).toEqual(expect.arrayContaining(['tickets.search_vector', 'incidents.severity', 'incidents.creation_date']));

    const rows = await rowsOfBothSides(source, target);
    for (const [table, both] of rows) expect(both.postgres, table).toEqual(both.sqlite);
    expect(sha256(source)).toBe(before);

    const uploads = rows.get('ticket_attachment_uploads')!.postgres as Array<{ id: string; content: Buffer }>;
    expect(uploads.find((u) => u.id === 'up-1')!.content.equals(ALL_BYTES)).toBe(true);
    const sla = rows.get('ticket_sla')!.postgres as Array<{ final: boolean; elapsedMs: number }>;
    expect(sla.map((r) => r.final).sort()).toEqual([false, true]);
    expect(sla.map((r) => r.elapsedMs)).toContain(Number.MAX_SAFE_INTEGER);
    const incidents = rows.get('incidents')!.postgres as Array<{ sellerResourceId: string; creationDate: string }>;
    expect(incidents.find((i) => i.sellerResourceId === 'IN-4')!.creationDate).toBe('2026-11-24T00:00:00.000Z');

    // The indexes dropped for the copy are back, exactly as the migrations make them.
    const migrated = await emptyDatabase();
    await (await openPostgres(migrated)).pool.end();
    expect(await indexCatalog(target)).toEqual(await indexCatalog(migrated));

    const pool = new pg.Pool({ connectionString: target, max: 1 });
    try {
      const found = await pgDrizzle(pool).select({ externalId: pgSchema.tickets.externalId }).from(pgSchema.tickets).where(ticketTextMatch('A1'));
      expect(found.map((r) => r.externalId)).toEqual(['NOC-2026-A1']);
    } finally {
      await pool.end();
    }
  });

  it('moves every identity sequence past the copied ids, and past ids SQLite had used before', async () => {
    const file = await copyOfSource('identity');
    const sqlite = new Database(file);
    sqlite.exec("insert into change_feed (at, topic, seller, payload) values ('2026-11-27T10:00:00.000Z', 'ticket', 'acme', '{}')");
    const pruned = Number(sqlite.prepare('select max(seq) as n from change_feed').get()!['n' as never]);
    sqlite.exec(`delete from change_feed where seq = ${pruned}`);
    sqlite.close();
    const target = await emptyDatabase();
    await copySqliteToPostgres({ from: file, to: target });

    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      for (const table of copyPlan()) {
        const identity = pgTableConfig(table.pg).columns.find((c) => c.generatedIdentity);
        if (!identity) continue;
        const max = Number((await client.query(`select coalesce(max("${identity.name}"), 0) as n from "${table.name}"`)).rows[0].n);
        const next = Number((await client.query(`select nextval(pg_get_serial_sequence($1, $2)) as n`, [table.name, identity.name])).rows[0].n);
        expect(next, table.name).toBeGreaterThan(max);
      }
      const [user] = (await client.query("insert into users (email, name, role) values ('new@example.test', 'New', 'noc') returning id")).rows;
      expect(Number(user.id)).toBeGreaterThan(0);
      const [feed] = (await client.query("insert into change_feed (at, topic, seller, payload) values ('2026-11-27T11:00:00.000Z', 'ticket', 'acme', '{}') returning seq")).rows;
      expect(Number(feed.seq)).toBeGreaterThan(pruned);
    } finally {
      await client.end();
    }
  });

  it('reads one snapshot: rows written to SQLite during the copy are not copied, and the counts still match', async () => {
    const file = await copyOfSource('snapshot');
    const target = await emptyDatabase();
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    const expected = sqliteCounts(file);
    let wrote = false;
    try {
      const result = await copySqliteToPostgres({
        from: file,
        to: target,
        onProgress(p) {
          if (wrote || p.kind !== 'rows' || p.table !== 'users') return;
          writer.exec("insert into note_snippets (name, text) values ('written during the copy', 'x')");
          writer.exec("insert into users (email, name, role) values ('late@example.test', 'Late', 'noc')");
          wrote = true;
        },
      });
      expect(wrote).toBe(true);
      expect(result.counts.every((c) => c.ok)).toBe(true);
      expect(await postgresCounts(target)).toEqual(expected);
    } finally {
      writer.close();
    }
    expect(sqliteCounts(file).note_snippets).toBe(expected.note_snippets! + 1);
  });

  it('refuses a PostgreSQL database holding portal data, changing nothing; --replace empties it first, audit trail included', async () => {
    const target = await emptyDatabase();
    await copySqliteToPostgres({ from: source, to: target });
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      await client.query("insert into note_snippets (name, text) values ('only on PostgreSQL', 'x')");
      const before = await postgresCounts(target);

      await expect(copySqliteToPostgres({ from: source, to: target })).rejects.toThrow(/holds portal data already \(.*note_snippets.*\); nothing was changed.*--replace/);
      expect(await postgresCounts(target)).toEqual(before);

      const result = await copySqliteToPostgres({ from: source, to: target, replace: true });
      expect(result.replaced).toEqual(expect.arrayContaining(['audit_log', 'note_snippets', 'tickets']));
      expect(await postgresCounts(target)).toEqual(sqliteCounts(source));
      expect((await client.query("select count(*)::int as n from note_snippets where name = 'only on PostgreSQL'")).rows[0].n).toBe(0);
      // The audit trail's guards are back on after --replace.
      await expect(client.query('truncate audit_log')).rejects.toThrow('the audit trail cannot be truncated');
      const rows = await rowsOfBothSides(source, target);
      for (const [table, both] of rows) expect(both.postgres, table).toEqual(both.sqlite);
    } finally {
      await client.end();
    }
  });

  it('refuses a missing file, a file that is not a portal database and one with a migration missing, before touching PostgreSQL', async () => {
    const target = await emptyDatabase();
    await expect(copySqliteToPostgres({ from: path.join(dir, 'missing.db'), to: target })).rejects.toThrow(/there is no SQLite database at .*missing\.db/);

    const foreign = path.join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('create table x (a)');
    other.close();
    await expect(copySqliteToPostgres({ from: foreign, to: target })).rejects.toThrow(/has no migration applied/);

    const behind = await copyOfSource('behind');
    const sqlite = new Database(behind);
    sqlite.exec('delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)');
    sqlite.close();
    await expect(copySqliteToPostgres({ from: behind, to: target })).rejects.toThrow(/lacks 1 of \d+ migrations \(0021_periodic_jobs\); run `npm run db:migrate`/);

    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, 'not a database'.repeat(200));
    await expect(copySqliteToPostgres({ from: garbage, to: target })).rejects.toThrow(CopyError);

    const extra = await copyOfSource('extra');
    const withExtra = new Database(extra);
    withExtra.exec('create table hand_made (a)');
    withExtra.close();
    await expect(copySqliteToPostgres({ from: extra, to: target })).rejects.toThrow(/tables the portal's schema does not know: hand_made/);

    expect(Object.values(await postgresCounts(target)).every((n) => n === -1)).toBe(true);
  });

  it('gives up, changing nothing, while another session writes to the portal tables on PostgreSQL', async () => {
    const target = await emptyDatabase();
    await (await openPostgres(target)).pool.end();
    const portal = new pg.Client({ connectionString: target });
    await portal.connect();
    try {
      await portal.query('begin');
      await portal.query("insert into note_snippets (name, text) values ('being written', 'x')");
      await expect(copySqliteToPostgres({ from: source, to: target, lockTimeoutMs: 200 })).rejects.toThrow(/in use by another session \(is a portal running on it\?\); nothing was changed/);
      await portal.query('rollback');
    } finally {
      await portal.end();
    }
    expect(Object.values(await postgresCounts(target)).every((n) => n === 0)).toBe(true);
  });

  it('names DATABASE_URL when PostgreSQL cannot be reached, without the password', async () => {
    const port = await freePort();
    const error = await copySqliteToPostgres({ from: source, to: `postgres://portal:s3cret-pw@127.0.0.1:${port}/portal` }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^DATABASE_URL \(postgres:\/\/portal@127\.0\.0\.1:\d+\/portal\): cannot reach the server/);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('rolls everything back when PostgreSQL refuses a row mid-copy', async () => {
    const file = await copyOfSource('bad-row');
    const sqlite = new Database(file);
    // PostgreSQL text cannot hold a NUL character; SQLite's can.
    const history = sqlite.prepare('select id from ticket_status_history order by id limit 1 offset 5').get() as { id: number };
    sqlite.prepare('update ticket_status_history set reason = ? where id = ?').run('bad\u0000reason', history.id);
    sqlite.close();
    const target = await emptyDatabase();
    const finished: string[] = [];

    const error = await copySqliteToPostgres({ from: file, to: target, batchRows: 2, onProgress: (p) => p.kind === 'rows' && p.copied === p.total && finished.push(p.table) }).catch((e: Error) => e);

    expect(error).toBeInstanceOf(CopyError);
    expect((error as Error).message).toMatch(new RegExp(`PostgreSQL refused ticket_status_history rows \\d+\\.\\.\\d+ \\(SQLite rowid\\): .*0x00`));
    expect(finished.length).toBeGreaterThan(5);
    const counts = await postgresCounts(target);
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('rolls back and names the table when the counts differ', async () => {
    const target = await emptyDatabase();
    await copySqliteToPostgres({ from: source, to: target });
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      // A trigger that silently drops one snippet: what a count check is for.
      await client.query(`create function drop_snippet() returns trigger language plpgsql as $$ begin if new.name like 'Waiting%' then return null; end if; return new; end $$`);
      await client.query('create trigger drop_snippet before insert on note_snippets for each row execute function drop_snippet()');
      const before = await postgresCounts(target);
      const error = await copySqliteToPostgres({ from: source, to: target, replace: true }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(CountMismatchError);
      expect((error as Error).message).toBe('row counts differ in note_snippets; nothing was committed to PostgreSQL');
      expect((error as CountMismatchError).counts.find((c) => c.table === 'note_snippets')).toEqual({ table: 'note_snippets', sqlite: 1, postgres: 0, ok: false });
      expect(await postgresCounts(target)).toEqual(before);
    } finally {
      await client.end();
    }
  });

  it('npm run db:copy prints the counts and exits 0; refusals and a bad DATABASE_URL exit 1 with the reason', async () => {
    const target = await emptyDatabase();
    const done = cli(['--from', source], { DATABASE_URL: target });
    expect(done.code, done.out).toBe(0);
    expect(done.out).toMatch(/^tickets\s+\d+\s+\d+\s+yes$/m);
    expect(done.out).toMatch(/table\s+rows in SQLite\s+rows in PostgreSQL\s+ok/);
    expect(done.out).toMatch(/tickets_fts: SQLite full-text index/);
    expect(done.out).toMatch(/every count matches/);
    expect(done.out).not.toMatch(/NO/);

    const refused = cli(['--from', source, '--to', target]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Copy failed: the PostgreSQL database holds portal data already/);

    const unset = cli(['--from', source]);
    expect(unset.code).toBe(1);
    expect(unset.out).toMatch(/DATABASE_URL \(or --to\) must name the PostgreSQL database.*it is not set/);

    const malformed = cli(['--from', source], { DATABASE_URL: 'postgres://user:pw@127.0.0.1:5432' });
    expect(malformed.code).toBe(1);
    expect(malformed.out).toMatch(/Copy failed: DATABASE_URL names no database/);

    const wrongKind = cli(['--from', source], { DATABASE_URL: 'mysql://localhost/portal' });
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.out).toMatch(/Copy failed: DATABASE_URL must start with postgres:\/\//);

    const missing = cli(['--from', path.join(dir, 'nope.db'), '--to', target]);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/Copy failed: there is no SQLite database/);

    expect(cli(['--form', source]).code).toBe(2);
  });
});
