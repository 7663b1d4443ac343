import { sql, type SQL } from 'drizzle-orm';

/** The characters ticket search treats as spaces, in both the stored words (migration 0002) and the query. */
const SEPARATORS = /[-/.@:_]/g;

/**
 * The operator's words as a PostgreSQL text query: every word must match, each as a prefix, like the SQLite
 * search (db/ticket-search.ts); each word is a quoted lexeme, so query syntax in the input is inert.
 */
export function ticketSearchQuery(text: string): string | undefined {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, '').trim())
    .filter(Boolean)
    .slice(0, 8)
    .flatMap((w) => w.replace(SEPARATORS, ' ').split(' ').filter(Boolean));
  if (words.length === 0) return undefined;
  return words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');
}

/** Tickets whose ids or description match `text`, through tickets.search_vector (a GIN-indexed generated column). */
export function ticketTextMatch(text: string): SQL | undefined {
  const query = ticketSearchQuery(text);
  if (!query) return undefined;
  return sql`"tickets"."search_vector" @@ to_tsquery('simple', ${query})`;
}
