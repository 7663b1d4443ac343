import { sql, type SQL } from 'drizzle-orm';
import { tickets } from './schema';

/** The operator's words as an FTS5 query: every word must match, each as a prefix; FTS syntax in the input is inert. */
export function ticketSearchExpression(text: string): string | undefined {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, '').trim())
    .filter(Boolean)
    .slice(0, 8);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w}"*`).join(' ');
}

/** Tickets whose ids or description match `text`, through the tickets_fts full-text index (migration 0004). */
export function ticketTextMatch(text: string): SQL | undefined {
  const expression = ticketSearchExpression(text);
  if (!expression) return undefined;
  return sql`${tickets.id} in (select rowid from tickets_fts where tickets_fts match ${expression})`;
}
