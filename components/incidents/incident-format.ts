/** A Seller date in UTC, to the minute ("2026-11-27 14:05 UTC"); a dash when absent or unreadable. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The short form of a Seller's opaque id for tables; the full id stays in the title and the link. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
