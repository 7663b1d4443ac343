import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** A text value inside a JSON column (SQLite's json_extract), e.g. jsonText(incidents.document, '$.creationDate'). */
export function jsonText(column: SQLWrapper, path: `$.${string}`): SQL<string | null> {
  return sql<string | null>`json_extract(${column}, ${path})`;
}
