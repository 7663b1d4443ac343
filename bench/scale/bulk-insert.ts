/**
 * Fast inserts for test data: the INSERT text comes from drizzle once (so it follows the schema), then each row only
 * binds parameters on one prepared statement. Parameters are located by sentinel values in a probe insert.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../../db';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

export type RowInserter<Row> = (row: Row) => number;

export function rowInserter<Row extends Record<string, unknown>>(db: Db, sqlite: Database.Database, table: SQLiteTable, columns: Array<keyof Row & string>): RowInserter<Row> {
  const probe: Record<string, unknown> = {};
  for (const c of columns) probe[c] = `\u0001${c}`;
  const query = db.insert(table).values(probe as never).toSQL();
  const slots = columns.map((c) => {
    const plain = query.params.indexOf(`\u0001${c}`);
    if (plain >= 0) return { column: c, index: plain, json: false };
    const json = query.params.indexOf(JSON.stringify(`\u0001${c}`));
    if (json >= 0) return { column: c, index: json, json: true };
    throw new Error(`no parameter for ${c}`);
  });
  const statement = sqlite.prepare(query.sql);
  return (row) => {
    const params = [...query.params];
    for (const s of slots) {
      const value = row[s.column];
      params[s.index] = s.json ? JSON.stringify(value) : value === undefined ? null : value;
    }
    return Number(statement.run(params).lastInsertRowid);
  };
}

interface IndexDefinition {
  name: string;
  sql: string;
}

/**
 * Runs `work` with the secondary indexes of `tables` dropped and builds them again afterwards (a sorted build is much
 * faster than growing thirty B-trees one row at a time). The definitions are read back from the database itself.
 */
export function withoutIndexes<T>(sqlite: Database.Database, tables: string[], work: () => T): T {
  const defs = sqlite
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => '?').join(', ')})`)
    .all(...tables) as IndexDefinition[];
  const droppable = defs.filter((d) => !/^\s*create\s+unique/i.test(d.sql));
  for (const d of droppable) sqlite.exec(`drop index "${d.name.replace(/"/g, '""')}"`);
  try {
    return work();
  } finally {
    for (const d of droppable) sqlite.exec(d.sql);
  }
}
