import { createHash } from 'node:crypto';

/**
 * The one "newer wins" rule of the cache, for every kind of Seller document. A document may replace the cached copy
 * only if the request that produced it left no earlier than the one behind the cached copy, its own status history
 * does not end earlier, and it does not bring a finished resource back to life (terminal states have no way out).
 */

export interface CachedVersion {
  fetchedAt: string | null;
  lastChangeAt?: string | null;
  status: string | null;
}

export interface IncomingVersion {
  requestedAt: string;
  lastChangeAt?: string | null;
  status: string;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

export function newerWins(existing: CachedVersion, incoming: IncomingVersion, terminal: readonly string[]): boolean {
  if (ms(incoming.requestedAt) < ms(existing.fetchedAt)) return false;
  if (ms(incoming.lastChangeAt) < ms(existing.lastChangeAt)) return false;
  if (existing.status !== null && terminal.includes(existing.status) && incoming.status !== existing.status) return false;
  return true;
}

/** The newest statusChange date in a document (or its creation date). */
export function latestChange(doc: { statusChange?: ReadonlyArray<{ changeDate?: string }>; creationDate?: string }): string | null {
  let latest: string | null = doc.creationDate ?? null;
  for (const change of doc.statusChange ?? []) {
    if (change.changeDate && (!latest || Date.parse(change.changeDate) > Date.parse(latest))) latest = change.changeDate;
  }
  return latest;
}

export function documentHash(doc: unknown): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('base64url');
}
