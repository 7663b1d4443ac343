/**
 * Moves a SQLite installation into PostgreSQL: every table of the schema, in foreign-key order, in one PostgreSQL
 * transaction, from one SQLite read snapshot, with the row counts of both sides compared before the commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { is, type Column } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type pg from 'pg';
import { MIGRATIONS_DIR } from './index';
import { openPostgres, type OpenPostgresOptions } from './pg/connect';
import * as pgSchema from './pg/schema';
import * as sqliteSchema from './schema';

/** A refusal or failure explained for the operator; nothing was written to PostgreSQL. */
export class CopyError extends Error {}

export interface TableCount {
  table: string;
  sqlite: number;
  postgres: number;
  ok: boolean;
}

/** The counts of the two sides differ: the transaction was rolled back. */
export class CountMismatchError extends CopyError {
  constructor(readonly counts: TableCount[]) {
    super(`row counts differ in ${counts.filter((c) => !c.ok).map((c) => c.table).join(', ')}; nothing was committed to PostgreSQL`);
  }
}

export interface CopiedTable {
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  /** Columns written (by SQL name); generated columns are left to PostgreSQL. */
  columns: string[];
}

export interface Excluded {
  name: string;
  reason: string;
}

export type CopyProgress =
  | { kind: 'start'; tables: number; rows: number }
  | { kind: 'rows'; table: string; copied: number; total: number };

export interface CopyOptions {
  /** The SQLite file. */
  from: string;
  /** The PostgreSQL URL (DATABASE_URL). */
  to: string;
  /** Empty the portal tables of a PostgreSQL database that holds data already (in the copy's transaction). */
  replace?: boolean;
  /** How long to wait for a session that holds the portal tables on PostgreSQL. */
  lockTimeoutMs?: number;
  /** Rows per INSERT. */
  batchRows?: number;
  onProgress?: (progress: CopyProgress) => void;
  postgres?: OpenPostgresOptions;
}

export interface CopyResult {
  counts: TableCount[];
  excluded: Excluded[];
  /** table.column computed by PostgreSQL, not copied. */
  generated: string[];
  /** Tables emptied first (--replace) that held rows. */
  replaced: string[];
  rows: number;
  ms: number;
}

const PG_MAX_PARAMETERS = 65_535;

/**
 * Every table of db/schema.ts with its PostgreSQL twin, parents before children (from the tables' foreign keys), so
 * that each row's references exist when it is inserted.
 */
export function copyPlan(): CopiedTable[] {
  const pgByName = new Map<string, PgTable>();
  for (const value of Object.values(pgSchema)) {
    if (is(value, PgTable)) pgByName.set(pgTableConfig(value).name, value);
  }
  const sqliteByName = new Map<string, SQLiteTable>();
  for (const value of Object.values(sqliteSchema)) {
    if (is(value, SQLiteTable)) sqliteByName.set(sqliteTableConfig(value).name, value);
  }
  const missing = [...sqliteByName.keys()].filter((name) => !pgByName.has(name));
  if (missing.length) throw new CopyError(`the PostgreSQL schema has no table ${missing.join(', ')}`);

  const parents = new Map<string, Set<string>>();
  for (const [name, table] of sqliteByName) {
    const refs = sqliteTableConfig(table).foreignKeys.map((fk) => sqliteTableConfig(fk.reference().foreignTable).name);
    parents.set(name, new Set(refs.filter((ref) => ref !== name)));
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  // Alphabetical among equals, so the order (and the printed table) is stable.
  const pending = [...sqliteByName.keys()].sort();
  while (pending.length) {
    const next = pending.findIndex((name) => [...parents.get(name)!].every((p) => placed.has(p)));
    if (next < 0) throw new CopyError(`the foreign keys of ${pending.join(', ')} form a cycle`);
    const [name] = pending.splice(next, 1);
    ordered.push(name!);
    placed.add(name!);
  }

  return ordered.map((name) => {
    const sqlite = sqliteByName.get(name)!;
    const pgTable = pgByName.get(name)!;
    const sqliteColumns = new Map(sqliteTableConfig(sqlite).columns.map((c) => [c.name, c]));
    const columns = pgTableConfig(pgTable)
      .columns.filter((c) => !c.generated)
      .map((c) => {
        const source = sqliteColumns.get(c.name);
        if (!source || source.generated) throw new CopyError(`${name}.${c.name} has no stored SQLite column to copy from`);
        return c.name;
      });
    return { name, sqlite, pg: pgTable, columns };
  });
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

interface JournalEntry {
  when: number;
  tag: string;
}

function openSource(file: string): Database.Database {
  if (!fs.existsSync(file)) throw new CopyError(`there is no SQLite database at ${file} (--from, or DATABASE_PATH)`);
  if (!fs.statSync(file).isFile()) throw new CopyError(`${file} is not a file (--from, or DATABASE_PATH)`);
  try {
    const sqlite = new Database(file, { readonly: true, fileMustExist: true });
    sqlite.prepare('select count(*) from sqlite_master').get();
    return sqlite;
  } catch (error) {
    throw new CopyError(`${file} cannot be read as a SQLite database: ${(error as Error).message}`, { cause: error });
  }
}

/** The file must be at exactly this build's migrations: its tables and columns are then the schema's. */
function checkMigrations(sqlite: Database.Database, file: string): void {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!hasTable) {
    throw new CopyError(`${file} has no migration applied (it is not a portal database, or was never started); run \`npm run db:migrate\` with DATABASE_PATH=${file} first`);
  }
  const applied = new Set((sqlite.prepare('select created_at from __drizzle_migrations').all() as Array<{ created_at: number | string }>).map((r) => Number(r.created_at)));
  const missing = journal.entries.filter((e) => !applied.has(e.when));
  if (missing.length) {
    throw new CopyError(
      `${file} lacks ${missing.length} of ${journal.entries.length} migrations (${missing.map((e) => e.tag).join(', ')}); run \`npm run db:migrate\` with DATABASE_PATH=${file} first`,
    );
  }
  const known = new Set(journal.entries.map((e) => e.when));
  const newer = [...applied].filter((when) => !known.has(when));
  if (newer.length) throw new CopyError(`${file} was migrated by a newer portal version (${newer.length} migration(s) this version does not know); copy it with that version`);
}

/** What SQLite holds besides the schema's tables, and why it is not copied; a table nobody can account for is refused. */
function excludedTables(sqlite: Database.Database, plan: CopiedTable[]): Excluded[] {
  const tables = sqlite.prepare("select name, sql from sqlite_master where type = 'table' order by name").all() as Array<{ name: string; sql: string | null }>;
  const copied = new Set(plan.map((t) => t.name));
  const virtual = tables.filter((t) => /^\s*create\s+virtual\s+table/i.test(t.sql ?? '')).map((t) => t.name);
  const excluded: Excluded[] = [];
  const unknown: string[] = [];
  for (const { name } of tables) {
    if (copied.has(name)) continue;
    const owner = virtual.find((v) => name === v || name.startsWith(`${v}_`));
    if (owner === name) excluded.push({ name, reason: 'SQLite full-text index; PostgreSQL computes its own search column' });
    else if (owner) excluded.push({ name, reason: `internal table of the full-text index ${owner}` });
    else if (name === '__drizzle_migrations') excluded.push({ name, reason: 'SQLite migration record; PostgreSQL keeps its own' });
    else if (name === 'sqlite_sequence') excluded.push({ name, reason: 'SQLite id counters; carried over as the identity sequences' });
    else if (name.startsWith('sqlite_')) excluded.push({ name, reason: 'SQLite internal' });
    else unknown.push(name);
  }
  if (unknown.length) throw new CopyError(`the SQLite database holds tables the portal's schema does not know: ${unknown.join(', ')}; nothing was copied`);
  for (const table of plan) {
    const stored = new Set((sqlite.prepare(`select name from pragma_table_xinfo(?) where hidden = 0`).all(table.name) as Array<{ name: string }>).map((c) => c.name));
    const known = new Set(sqliteTableConfig(table.sqlite).columns.filter((c) => !c.generated).map((c) => c.name));
    const extra = [...stored].filter((c) => !known.has(c));
    if (extra.length) throw new CopyError(`${table.name} has columns the portal's schema does not know: ${extra.join(', ')}; nothing was copied`);
  }
  return excluded;
}

type Converter = (raw: unknown, rowKey: unknown) => unknown;

/** SQLite's stored value → the schema's value (SQLite side) → PostgreSQL's driver value (PostgreSQL side). */
function converter(table: CopiedTable, columnName: string): Converter {
  const from = sqliteTableConfig(table.sqlite).columns.find((c) => c.name === columnName)! as Column;
  const to = pgTableConfig(table.pg).columns.find((c) => c.name === columnName)! as Column;
  const where = (rowKey: unknown) => `${table.name}.${columnName} of row ${String(rowKey)}`;
  const strictBoolean = from.columnType === 'SQLiteBoolean';
  return (raw, rowKey) => {
    if (raw === null || raw === undefined) return null;
    if (strictBoolean && raw !== 0 && raw !== 1) throw new CopyError(`${where(rowKey)} is ${JSON.stringify(raw)}, not a boolean (0 or 1)`);
    let value: unknown;
    try {
      value = from.mapFromDriverValue(raw);
    } catch (error) {
      throw new CopyError(`${where(rowKey)} cannot be read as ${from.columnType}: ${(error as Error).message}`, { cause: error });
    }
    return to.mapToDriverValue(value);
  };
}

async function countOf(client: pg.PoolClient, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quote(table)}`);
  return Number(rows[0]!.n);
}

/**
 * Copies the SQLite file `from` into the PostgreSQL database `to`. Refuses (CopyError, PostgreSQL untouched) a
 * missing or unmigrated file and a target that holds portal data unless `replace`; any failure during the copy rolls
 * the whole transaction back.
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyResult> {
  const started = performance.now();
  const plan = copyPlan();
  const sqlite = openSource(options.from);
  try {
    // One read transaction: every table is read from the same snapshot, whatever a running portal writes meanwhile.
    sqlite.exec('begin');
    try {
      checkMigrations(sqlite, options.from);
      const excluded = excludedTables(sqlite, plan);
      const sqliteCounts = new Map(plan.map((t) => [t.name, (sqlite.prepare(`select count(*) as n from ${quote(t.name)}`).get() as { n: number }).n]));
      const hasSequences = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'").get();
      const idCounters = new Map(
        hasSequences ? (sqlite.prepare('select name, seq from sqlite_sequence').all() as Array<{ name: string; seq: number }>).map((r) => [r.name, Number(r.seq)]) : [],
      );

      const { pool } = await openPostgres(options.to, { max: 1, ...options.postgres });
      try {
        const client = await pool.connect();
        try {
          return await copyInto(client, sqlite, plan, { ...options, sqliteCounts, idCounters, excluded, started });
        } finally {
          client.release();
        }
      } finally {
        await pool.end();
      }
    } finally {
      sqlite.exec('rollback');
    }
  } finally {
    sqlite.close();
  }
}

interface CopyContext extends CopyOptions {
  sqliteCounts: Map<string, number>;
  idCounters: Map<string, number>;
  excluded: Excluded[];
  started: number;
}

async function copyInto(client: pg.PoolClient, sqlite: Database.Database, plan: CopiedTable[], context: CopyContext): Promise<CopyResult> {
  const tableList = plan.map((t) => quote(t.name)).join(', ');
  await client.query('begin');
  try {
    // A portal already running on this database waits (or the copy gives up) rather than writing between our steps.
    await client.query(`set local lock_timeout = ${Math.max(1, Math.floor(context.lockTimeoutMs ?? 10_000))}`);
    await client.query(`lock table ${tableList} in exclusive mode`).catch((error: { code?: string }) => {
      if (error.code !== '55P03') throw error;
      throw new CopyError('the portal tables on PostgreSQL are in use by another session (is a portal running on it?); nothing was changed', { cause: error });
    });
    const occupied: string[] = [];
    for (const table of plan) {
      const { rowCount } = await client.query(`select 1 from ${quote(table.name)} limit 1`);
      if (rowCount) occupied.push(table.name);
    }
    if (occupied.length && !context.replace) {
      throw new CopyError(`the PostgreSQL database holds portal data already (${occupied.join(', ')}); nothing was changed. Copy into an empty database, or pass --replace to empty it first`);
    }
    if (occupied.length) await emptyTables(client, plan);

    context.onProgress?.({ kind: 'start', tables: plan.length, rows: [...context.sqliteCounts.values()].reduce((a, b) => a + b, 0) });
    let rows = 0;
    await withoutSecondaryIndexes(client, plan, async () => {
      for (const table of plan) rows += await copyTable(client, sqlite, table, context);
    });
    for (const table of plan) await moveIdentity(client, table, context.idCounters.get(table.name) ?? 0);

    const counts: TableCount[] = [];
    for (const table of plan) {
      const sqliteCount = context.sqliteCounts.get(table.name)!;
      const postgresCount = await countOf(client, table.name);
      counts.push({ table: table.name, sqlite: sqliteCount, postgres: postgresCount, ok: sqliteCount === postgresCount });
    }
    if (counts.some((c) => !c.ok)) throw new CountMismatchError(counts);
    const generated = await generatedColumns(client, plan);
    await client.query('commit');
    return { counts, excluded: context.excluded, generated, replaced: occupied, rows, ms: performance.now() - context.started };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Runs `work` with the indexes that back no constraint dropped, and builds them again from their own definitions
 * afterwards, in the same transaction: one sorted build is far faster than growing thirty B-trees and the search
 * index row by row. Primary keys stay, since foreign keys rest on them.
 */
async function withoutSecondaryIndexes(client: pg.PoolClient, plan: CopiedTable[], work: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select quote_ident(ic.relname) as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class tc on tc.oid = i.indrelid
       join pg_namespace n on n.oid = tc.relnamespace
      where n.nspname = current_schema() and tc.relname = any($1)
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
      order by ic.relname`,
    [plan.map((t) => t.name)],
  );
  for (const index of indexes) await client.query(`drop index ${index.name}`);
  await work();
  for (const index of indexes) await client.query(index.definition);
}

/** TRUNCATE, with the triggers that forbid it (the audit trail's) off for this statement only: --replace replaces the trail too. */
async function emptyTables(client: pg.PoolClient, plan: CopiedTable[]): Promise<void> {
  const { rows: guards } = await client.query<{ table_name: string; trigger_name: string }>(
    `select c.relname as table_name, t.tgname as trigger_name
       from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and t.tgenabled <> 'D' and (t.tgtype & 32) <> 0 and n.nspname = current_schema() and c.relname = any($1)`,
    [plan.map((t) => t.name)],
  );
  for (const g of guards) await client.query(`alter table ${quote(g.table_name)} disable trigger ${quote(g.trigger_name)}`);
  await client.query(`truncate ${plan.map((t) => quote(t.name)).join(', ')} restart identity`);
  for (const g of guards) await client.query(`alter table ${quote(g.table_name)} enable trigger ${quote(g.trigger_name)}`);
}

async function copyTable(client: pg.PoolClient, sqlite: Database.Database, table: CopiedTable, context: CopyContext): Promise<number> {
  const total = context.sqliteCounts.get(table.name)!;
  const width = table.columns.length;
  const batchRows = Math.max(1, Math.min(context.batchRows ?? 1000, Math.floor(PG_MAX_PARAMETERS / width)));
  const convert = table.columns.map((c) => converter(table, c));
  const columnList = table.columns.map(quote).join(', ');
  const insertText = (n: number) =>
    `insert into ${quote(table.name)} (${columnList}) values ${Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ')}`;
  const fullText = insertText(batchRows);
  const read = sqlite.prepare(`select rowid, ${columnList} from ${quote(table.name)} order by rowid`).raw(true);

  let copied = 0;
  let values: unknown[] = [];
  let batchFirst: unknown;
  let batchLast: unknown;
  // One INSERT in flight while the next batch is read and converted.
  let inFlight: Promise<void> | undefined;
  const send = async (n: number, params: unknown[], first: unknown, last: unknown) => {
    try {
      if (n === batchRows) await client.query({ name: `copy ${table.name}`, text: fullText, values: params });
      else await client.query(insertText(n), params);
    } catch (error) {
      const rowsWhere = first === last ? `row ${String(first)}` : `rows ${String(first)}..${String(last)}`;
      throw new CopyError(`PostgreSQL refused ${table.name} ${rowsWhere} (SQLite rowid): ${(error as Error).message}`, { cause: error });
    }
    copied += n;
    context.onProgress?.({ kind: 'rows', table: table.name, copied, total });
  };
  const flush = async (n: number) => {
    const sent = send(n, values, batchFirst, batchLast);
    // Awaited below or on the next flush; until then a refusal must not count as unhandled.
    sent.catch(() => undefined);
    values = [];
    await inFlight;
    inFlight = sent;
  };
  let inBatch = 0;
  for (const row of read.iterate() as IterableIterator<unknown[]>) {
    const rowid = row[0];
    if (inBatch === 0) batchFirst = rowid;
    batchLast = rowid;
    for (let c = 0; c < width; c++) values.push(convert[c]!(row[c + 1], rowid));
    if (++inBatch === batchRows) {
      await flush(inBatch);
      inBatch = 0;
    }
  }
  if (inBatch > 0) await flush(inBatch);
  await inFlight;
  if (total === 0) context.onProgress?.({ kind: 'rows', table: table.name, copied: 0, total });
  return copied;
}

/** The next id PostgreSQL hands out is past every copied one, and past ids SQLite used before (AUTOINCREMENT never reuses them). */
async function moveIdentity(client: pg.PoolClient, table: CopiedTable, sqliteCounter: number): Promise<void> {
  const identity = pgTableConfig(table.pg).columns.find((c) => c.generatedIdentity);
  if (!identity) return;
  const { rows } = await client.query<{ max: string | null }>(`select max(${quote(identity.name)}) as max from ${quote(table.name)}`);
  const last = Math.max(Number(rows[0]!.max ?? 0), sqliteCounter);
  const sequence = `pg_get_serial_sequence($1, $2)`;
  if (last > 0) await client.query(`select setval(${sequence}, $3, true)`, [quote(table.name), identity.name, last]);
  else await client.query(`select setval(${sequence}, 1, false)`, [quote(table.name), identity.name]);
}

async function generatedColumns(client: pg.PoolClient, plan: CopiedTable[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select table_name || '.' || column_name as name from information_schema.columns
      where table_schema = current_schema() and is_generated = 'ALWAYS' and table_name = any($1) order by table_name, ordinal_position`,
    [plan.map((t) => t.name)],
  );
  return rows.map((r) => r.name);
}
