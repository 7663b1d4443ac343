import type Database from 'better-sqlite3';
import type { Db } from './index';

interface Explainable {
  toSQL(): { sql: string; params: unknown[] };
}

/** SQLite's EXPLAIN QUERY PLAN of a built drizzle query: one line per plan step (e.g. "SEARCH tickets USING INDEX …"). */
export function explainQueryPlan(db: Db, query: Explainable): string[] {
  const { sql, params } = query.toSQL();
  const client = (db as unknown as { $client: Database.Database }).$client;
  const rows = client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as { detail: string }[];
  return rows.map((r) => r.detail);
}

/** Plan steps that read a whole table without an index. */
export function fullScans(plan: readonly string[]): string[] {
  return plan.filter((line) => /^SCAN\b/.test(line.trim()) && !/USING (COVERING )?INDEX|VIRTUAL TABLE INDEX|CONSTANT ROW/.test(line));
}
