import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * The only home of SQLite's date functions and scalar min/max. Callers build portable-looking expressions from
 * these, so moving to another engine means rewriting this file, not every query.
 * Stored dates are ISO 8601 text (with `Z` or an offset); SQLite parses both.
 */
type Operand = SQLWrapper | SQL | number;

const op = (value: Operand): SQL => (typeof value === 'number' ? sql`${value}` : sql`${value}`);

/** Milliseconds since the Unix epoch of an ISO date column or expression (null stays null). */
export function epochMs(iso: Operand): SQL<number | null> {
  return sql<number | null>`cast(round((julianday(${op(iso)}) - 2440587.5) * 86400000.0) as integer)`;
}

/** The UTC calendar day (YYYY-MM-DD) of an ISO date column or expression. */
export function utcDay(iso: Operand): SQL<string | null> {
  return sql<string | null>`strftime('%Y-%m-%d', ${op(iso)})`;
}

/** The larger of two values (SQLite's multi-argument max). */
export function laterOf(a: Operand, b: Operand): SQL<number> {
  return sql<number>`max(${op(a)}, ${op(b)})`;
}

/** The smaller of two values (SQLite's multi-argument min). */
export function earlierOf(a: Operand, b: Operand): SQL<number> {
  return sql<number>`min(${op(a)}, ${op(b)})`;
}

/**
 * `iso` falls in [fromMs, toMs). Text bounds widened by a day (any UTC offset) let SQLite use an index on the
 * column; a value whose date part lies a full day inside the range is in it whatever its offset, so only values
 * near the edges pay for parsing.
 */
export function isoWithin(iso: SQLWrapper, fromMs: number, toMs: number): SQL<boolean> {
  const day = 86_400_000;
  const text = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const exact = sql`(${epochMs(iso)} >= ${fromMs} and ${epochMs(iso)} < ${toMs})`;
  return sql<boolean>`(${iso} >= ${text(fromMs - day)} and ${iso} < ${text(toMs + day)} and ((${iso} >= ${text(fromMs + day)} and ${iso} < ${text(toMs - day)}) or ${exact}))`;
}

/** The same instant as ISO text in UTC with milliseconds (2026-11-27T10:00:00.000Z), comparable as text. */
export function isoUtc(iso: Operand): SQL<string | null> {
  return sql<string | null>`strftime('%Y-%m-%dT%H:%M:%fZ', ${op(iso)})`;
}

/** `iso` is before the instant `ms`, index-friendly like isoWithin. */
export function isoBefore(iso: SQLWrapper, ms: number): SQL<boolean> {
  const upper = new Date(ms + 86_400_000).toISOString().slice(0, 10);
  return sql<boolean>`(${iso} < ${upper} and ${epochMs(iso)} < ${ms})`;
}
