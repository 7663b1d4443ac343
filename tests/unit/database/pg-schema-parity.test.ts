import { is, SQL, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import { bigint, getTableConfig as pgConfig, index as pgIndex, integer as pgInteger, PgDialect, pgTable, PgTable, text as pgText, uniqueIndex as pgUniqueIndex } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, index as sqliteIndex, integer, SQLiteSyncDialect, sqliteTable, SQLiteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '@/db/schema';
import * as pgSchema from '@/db/pg/schema';

// Which PostgreSQL column type stands for which SQLite one (drizzle's column classes). SQLite's integers are 64-bit.
const TYPE_MAP: Record<string, string> = {
  SQLiteInteger: 'PgBigInt53',
  SQLiteBoolean: 'PgBoolean',
  SQLiteText: 'PgText',
  SQLiteTextJson: 'PgJsonb',
  SQLiteBlobBuffer: 'PgCustomColumn:bytea',
};

// SQL defaults, SQLite text → PostgreSQL text.
const DEFAULT_MAP: Record<string, string> = {
  "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))": `(to_char(statement_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
};

// Generated columns, reduced to what they compute: a JSON path of the document, as text or as a UTC date.
const GENERATED_FORMS: Array<{ sqlite: RegExp; pg: RegExp; form: (path: string) => string }> = [
  { sqlite: /^json_extract\(document, '\$\.(\w+)'\)$/, pg: /^\(document->>'(\w+)'\)$/, form: (p) => `text of $.${p}` },
  {
    sqlite: /^strftime\('%Y-%m-%dT%H:%M:%fZ', json_extract\(document, '\$\.(\w+)'\)\)$/,
    pg: /^iso_utc\(document->>'(\w+)'\)$/,
    form: (p) => `UTC date of $.${p}`,
  },
];

const sqliteDialect = new SQLiteSyncDialect();
const literal = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
const pgDialect = new PgDialect();

function tablesOf<T>(module: Record<string, unknown>, kind: new (...args: never[]) => T): Map<string, T> {
  return new Map(Object.entries(module).filter(([, v]) => is(v, kind as never)) as Array<[string, T]>);
}

function generatedForm(sqlText: string, side: 'sqlite' | 'pg'): string {
  for (const g of GENERATED_FORMS) {
    const match = g[side].exec(sqlText);
    if (match) return g.form(match[1]!);
  }
  return `unmapped ${side} expression ${sqlText}`;
}

interface Shape {
  columns: Map<string, { type: string; notNull: boolean; primary: boolean; autoIncrement: boolean; default: string; enumValues: string; generated: string }>;
  primaryKeys: string[];
  indexes: Map<string, string>;
  uniqueConstraints: string[];
  foreignKeys: Map<string, string>;
  checks: string[];
}

function sqliteShape(table: SQLiteTable): Shape {
  const config = sqliteConfig(table);
  return {
    columns: new Map(
      config.columns.map((c) => [
        c.name,
        {
          type: TYPE_MAP[c.columnType] ?? `unmapped ${c.columnType}`,
          notNull: c.notNull,
          primary: c.primary,
          autoIncrement: Boolean((c as { autoIncrement?: boolean }).autoIncrement),
          default: c.default === undefined ? '' : is(c.default, SQL) ? (DEFAULT_MAP[sqliteDialect.sqlToQuery(c.default).sql] ?? `unmapped ${sqliteDialect.sqlToQuery(c.default).sql}`) : literal(c.default),
          enumValues: JSON.stringify(c.enumValues ?? []),
          generated: c.generated ? generatedForm(sqliteDialect.sqlToQuery(c.generated.as as SQL).sql, 'sqlite') : '',
        },
      ]),
    ),
    primaryKeys: config.primaryKeys.map((k) => `${k.getName()}(${k.columns.map((c) => c.name)})`),
    indexes: new Map(
      config.indexes.map((i) => [
        i.config.name,
        `${i.config.unique ? 'unique ' : ''}(${i.config.columns.map((c) => (c as { name: string }).name)})${i.config.where ? ` where ${sqliteDialect.sqlToQuery(i.config.where).sql}` : ''}`,
      ]),
    ),
    uniqueConstraints: config.uniqueConstraints.map((u) => `${u.getName()}(${u.columns.map((c) => c.name)})`),
    foreignKeys: new Map(
      config.foreignKeys.map((f) => {
        const r = f.reference();
        return [f.getName(), `(${r.columns.map((c) => c.name)}) → ${sqliteConfig(r.foreignTable).name}(${r.foreignColumns.map((c) => c.name)}) on delete ${f.onDelete ?? 'no action'} on update ${f.onUpdate ?? 'no action'}`];
      }),
    ),
    checks: config.checks.map((c) => c.name),
  };
}

function pgShape(table: PgTable): Shape {
  const config = pgConfig(table);
  return {
    columns: new Map(
      config.columns.map((c) => [
        c.name,
        {
          type: c.columnType === 'PgCustomColumn' ? `PgCustomColumn:${c.getSQLType()}` : c.columnType,
          notNull: c.notNull,
          primary: c.primary,
          autoIncrement: c.generatedIdentity !== undefined,
          default: c.default === undefined ? '' : is(c.default, SQL) ? pgDialect.sqlToQuery(c.default).sql : literal(c.default),
          enumValues: JSON.stringify(c.enumValues ?? []),
          generated: c.generated ? generatedForm(pgDialect.sqlToQuery(c.generated.as as SQL).sql, 'pg') : '',
        },
      ]),
    ),
    primaryKeys: config.primaryKeys.map((k) => `${k.getName()}(${k.columns.map((c) => c.name)})`),
    indexes: new Map(
      config.indexes.map((i) => [
        i.config.name!,
        `${i.config.unique ? 'unique ' : ''}(${i.config.columns.map((c) => (c as { name: string }).name)})${i.config.where ? ` where ${pgDialect.sqlToQuery(i.config.where).sql}` : ''}`,
      ]),
    ),
    uniqueConstraints: config.uniqueConstraints.map((u) => `${u.getName()}(${u.columns.map((c) => c.name)})`),
    foreignKeys: new Map(
      config.foreignKeys.map((f) => {
        const r = f.reference();
        return [f.getName(), `(${r.columns.map((c) => c.name)}) → ${pgConfig(r.foreignTable).name}(${r.foreignColumns.map((c) => c.name)}) on delete ${f.onDelete ?? 'no action'} on update ${f.onUpdate ?? 'no action'}`];
      }),
    ),
    checks: config.checks.map((c) => c.name),
  };
}

function compareMaps(table: string, what: string, a: Map<string, unknown>, b: Map<string, unknown>, out: string[]): void {
  for (const [name, value] of a) {
    if (!b.has(name)) out.push(`${table}: ${what} ${name} only on SQLite`);
    else if (JSON.stringify(value) !== JSON.stringify(b.get(name))) out.push(`${table}: ${what} ${name} differs: SQLite ${JSON.stringify(value)}, PostgreSQL ${JSON.stringify(b.get(name))}`);
  }
  for (const name of b.keys()) if (!a.has(name)) out.push(`${table}: ${what} ${name} only on PostgreSQL`);
}

/** Every difference between the two schemas, one line each (export name, then what differs). */
function compareSchemas(sqliteTables: Map<string, SQLiteTable>, pgTables: Map<string, PgTable>): string[] {
  const out: string[] = [];
  for (const name of sqliteTables.keys()) if (!pgTables.has(name)) out.push(`${name}: table only on SQLite`);
  for (const name of pgTables.keys()) if (!sqliteTables.has(name)) out.push(`${name}: table only on PostgreSQL`);
  for (const [name, sqliteTable] of sqliteTables) {
    const pgTable = pgTables.get(name);
    if (!pgTable) continue;
    const a = sqliteShape(sqliteTable);
    const b = pgShape(pgTable);
    if (sqliteConfig(sqliteTable).name !== pgConfig(pgTable).name) out.push(`${name}: table name differs`);
    compareMaps(name, 'column', a.columns, b.columns, out);
    compareMaps(name, 'index', a.indexes, b.indexes, out);
    compareMaps(name, 'foreign key', a.foreignKeys, b.foreignKeys, out);
    for (const key of ['primaryKeys', 'uniqueConstraints', 'checks'] as const) {
      if (JSON.stringify([...a[key]].sort()) !== JSON.stringify([...b[key]].sort())) out.push(`${name}: ${key} differ: SQLite ${a[key]}, PostgreSQL ${b[key]}`);
    }
  }
  return out;
}

const sqliteTables = tablesOf(sqliteSchema, SQLiteTable);
const pgTables = tablesOf(pgSchema, PgTable);

// Row types: a caller gets the same objects from either engine (checked by tsc, which runs over the tests). One
// difference is allowed: SQLite fills an `integer primary key` by itself, so its insert type leaves the key optional
// where PostgreSQL requires it; callers of the two tables keyed by their Seller always give it, so there only the
// field types are compared.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type TableExport = { [K in keyof typeof sqliteSchema]: (typeof sqliteSchema)[K] extends SQLiteTable ? K : never }[keyof typeof sqliteSchema];
type KeyedBySeller = 'sellerSyncState' | 'sellerIncidentState';
type Twin<K extends TableExport> = K extends keyof typeof pgSchema ? ((typeof pgSchema)[K] extends PgTable ? (typeof pgSchema)[K] : never) : never;
type SameRows<S extends SQLiteTable, P extends PgTable> = [Equal<InferSelectModel<S>, InferSelectModel<P>>, Equal<InferInsertModel<S>, InferInsertModel<P>>];
type SameRowsKeyRequired<S extends SQLiteTable, P extends PgTable> = [
  Equal<InferSelectModel<S>, InferSelectModel<P>>,
  Equal<Required<InferInsertModel<S>>, Required<InferInsertModel<P>>>,
];
type RowParity = {
  [K in TableExport]: [Twin<K>] extends [never]
    ? [false]
    : K extends KeyedBySeller
      ? SameRowsKeyRequired<(typeof sqliteSchema)[K], Twin<K>>
      : SameRows<(typeof sqliteSchema)[K], Twin<K>>;
};
type AllSame<T extends Record<string, boolean[]>> = false extends T[keyof T][number] ? false : true;
const rowTypesMatch: AllSame<RowParity> = true;

describe('the PostgreSQL schema (db/pg/schema.ts) against the SQLite one (db/schema.ts)', () => {
  it('has the same tables, columns, types, nullability, defaults, keys and indexes', () => {
    expect(sqliteTables.size).toBeGreaterThan(25);
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    expect(compareSchemas(sqliteTables, pgTables)).toEqual([]);
    expect(rowTypesMatch).toBe(true);
  });

  it('exports the same names (tables, value lists, row types are checked by tsc)', () => {
    const values = (m: Record<string, unknown>) => Object.keys(m).sort();
    expect(values(pgSchema)).toEqual(values(sqliteSchema));
    expect(pgSchema.ROLES).toBe(sqliteSchema.ROLES);
  });

  it('keeps the partial index partial on both engines', () => {
    const where = pgShape(pgSchema.inbox).indexes.get('inbox_pending_resource_idx');
    expect(where).toBe(`(seller_id,resource_id,id) where "inbox"."state" = 'pending'`);
    expect(sqliteShape(sqliteSchema.inbox).indexes.get('inbox_pending_resource_idx')).toBe(where);
  });

  it('reports a column drifted on PostgreSQL: type, nullability, default, an extra column and a lost index', () => {
    const drifted = pgTable(
      'login_attempts',
      {
        key: pgText('key').primaryKey(),
        failures: pgInteger('failures').notNull().default(1),
        windowStart: pgText('window_start'),
        lockedUntil: pgText('locked_until'),
        lastFailureAt: pgText('last_failure_at'),
        note: pgText('note'),
      },
      (t) => [pgUniqueIndex('login_attempts_window_uq').on(t.windowStart)],
    );
    const differences = compareSchemas(sqliteTables, new Map([...pgTables, ['loginAttempts', drifted]]));
    expect(differences).toEqual([
      'loginAttempts: column failures differs: SQLite {"type":"PgBigInt53","notNull":true,"primary":false,"autoIncrement":false,"default":"0","enumValues":"[]","generated":""}, PostgreSQL {"type":"PgInteger","notNull":true,"primary":false,"autoIncrement":false,"default":"1","enumValues":"[]","generated":""}',
      'loginAttempts: column window_start differs: SQLite {"type":"PgText","notNull":true,"primary":false,"autoIncrement":false,"default":"","enumValues":"[]","generated":""}, PostgreSQL {"type":"PgText","notNull":false,"primary":false,"autoIncrement":false,"default":"","enumValues":"[]","generated":""}',
      'loginAttempts: column note only on PostgreSQL',
      'loginAttempts: index login_attempts_last_failure_idx only on SQLite',
      'loginAttempts: index login_attempts_window_uq only on PostgreSQL',
    ]);
  });

  it('reports a drift on the SQLite side: a lost foreign key action, a unique index made plain, a missing table', () => {
    const drifted = sqliteTable(
      'ticket_views',
      {
        id: integer('id').primaryKey({ autoIncrement: true }),
        userId: integer('user_id')
          .notNull()
          .references(() => sqliteSchema.users.id),
        name: text('name').notNull(),
        search: text('search').notNull(),
        createdAt: text('created_at').notNull(),
        updatedAt: text('updated_at').notNull().default('now'),
      },
      // A plain index where the real table has a unique one.
      (t) => [sqliteIndex('ticket_views_user_name_uq').on(t.userId, t.name)],
    );
    const tables = new Map([...sqliteTables, ['ticketViews', drifted]]);
    tables.delete('sequences');
    expect(compareSchemas(tables, pgTables)).toEqual([
      'sequences: table only on PostgreSQL',
      `ticketViews: column created_at differs: SQLite {"type":"PgText","notNull":true,"primary":false,"autoIncrement":false,"default":"","enumValues":"[]","generated":""}, PostgreSQL {"type":"PgText","notNull":true,"primary":false,"autoIncrement":false,"default":${JSON.stringify(DEFAULT_MAP["(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"])},"enumValues":"[]","generated":""}`,
      `ticketViews: column updated_at differs: SQLite {"type":"PgText","notNull":true,"primary":false,"autoIncrement":false,"default":"\\"now\\"","enumValues":"[]","generated":""}, PostgreSQL {"type":"PgText","notNull":true,"primary":false,"autoIncrement":false,"default":${JSON.stringify(DEFAULT_MAP["(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"])},"enumValues":"[]","generated":""}`,
      'ticketViews: index ticket_views_user_name_uq differs: SQLite "(user_id,name)", PostgreSQL "unique (user_id,name)"',
      'ticketViews: foreign key ticket_views_user_id_users_id_fk differs: SQLite "(user_id) → users(id) on delete no action on update no action", PostgreSQL "(user_id) → users(id) on delete cascade on update no action"',
    ]);
  });

  it('reports a type without a counterpart in the mapping, and an identity lost on PostgreSQL', () => {
    const drifted = pgTable('sequences', {
      name: pgText('name').primaryKey(),
      value: bigint('value', { mode: 'bigint' }).notNull().default(0n),
    });
    const differences = compareSchemas(sqliteTables, new Map([...pgTables, ['sequences', drifted]]));
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatch(/^sequences: column value differs: SQLite .*"type":"PgBigInt53".*"default":"0".*, PostgreSQL .*"type":"PgBigInt64".*"default":"\\"0n\\"".*$/);

    const noIdentity = pgTable('note_snippets', {
      id: bigint('id', { mode: 'number' }).primaryKey(),
      name: pgText('name').notNull(),
      text: pgText('text').notNull(),
      createdAt: pgText('created_at').notNull().default(pgSchema.noteSnippets.createdAt.default as SQL),
      updatedAt: pgText('updated_at').notNull().default(pgSchema.noteSnippets.updatedAt.default as SQL),
    }, (t) => [pgIndex('note_snippets_name_uq').on(t.name)]);
    expect(compareSchemas(sqliteTables, new Map([...pgTables, ['noteSnippets', noIdentity]]))).toEqual([
      'noteSnippets: column id differs: SQLite {"type":"PgBigInt53","notNull":true,"primary":true,"autoIncrement":true,"default":"","enumValues":"[]","generated":""}, PostgreSQL {"type":"PgBigInt53","notNull":true,"primary":true,"autoIncrement":false,"default":"","enumValues":"[]","generated":""}',
      'noteSnippets: index note_snippets_name_uq differs: SQLite "unique (name)", PostgreSQL "(name)"',
    ]);
  });
});
