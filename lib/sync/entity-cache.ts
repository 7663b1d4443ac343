import { and, eq } from 'drizzle-orm';
import { incidents, type IncidentRow } from '@/db/schema';
import type { Tx } from '@/db/transaction';
import type { Incident } from '@/lib/sonata/schemas';
import { documentHash } from './ticket-cache';

/**
 * The incident cache: the Seller's last document per (Seller, id). As for tickets, a document fetched by an earlier
 * request, or one whose own history ends earlier, never replaces a newer one. (Work orders and appointments have
 * their writer in workforce-cache.ts.)
 */

export type CacheOutcome = 'inserted' | 'updated' | 'unchanged' | 'stale';
export interface CacheResult<Row> {
  outcome: CacheOutcome;
  row: Row;
  previous?: Row;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

type CacheTable = typeof incidents;
type CacheRow = IncidentRow;

interface Columns {
  status: string;
  lastChangeAt: string | null;
  document: Record<string, unknown>;
  documentHash: string;
  [extra: string]: unknown;
}

function applyTx<Row extends CacheRow>(
  tx: Tx,
  table: CacheTable,
  sellerId: number,
  id: string,
  columns: Columns,
  requestedAt: string,
): CacheResult<Row> {
  const existing = tx
    .select()
    .from(table)
    .where(and(eq(table.sellerId, sellerId), eq(table.sellerResourceId, id)))
    .get() as Row | undefined;
  const now = new Date().toISOString();
  if (!existing) {
    const row = tx
      .insert(table)
      .values({ sellerId, sellerResourceId: id, ...columns, fetchedAt: requestedAt, updatedAt: now } as never)
      .returning()
      .get() as Row;
    return { outcome: 'inserted', row };
  }
  if (ms(columns.lastChangeAt) < ms(existing.lastChangeAt) || ms(requestedAt) < ms(existing.fetchedAt)) {
    return { outcome: 'stale', row: existing, previous: existing };
  }
  if (existing.documentHash === columns.documentHash) {
    const row = tx.update(table).set({ fetchedAt: requestedAt }).where(eq(table.id, existing.id)).returning().get() as Row;
    return { outcome: 'unchanged', row, previous: existing };
  }
  const row = tx
    .update(table)
    .set({ ...columns, fetchedAt: requestedAt, updatedAt: now } as never)
    .where(eq(table.id, existing.id))
    .returning()
    .get() as Row;
  return { outcome: 'updated', row, previous: existing };
}

function latestIncidentChange(doc: Incident): string | null {
  let latest: string | null = doc.creationDate ?? null;
  for (const change of doc.statusChange ?? []) {
    if (change.changeDate && (!latest || Date.parse(change.changeDate) > Date.parse(latest))) latest = change.changeDate;
  }
  return latest;
}

/** `ourProducts`: product ids we hold with this Seller; the incident is "ours" when it names one of them. */
export function applyIncidentDocumentTx(
  tx: Tx,
  sellerId: number,
  doc: Incident,
  requestedAt: string,
  ourProducts: ReadonlySet<string>,
): CacheResult<IncidentRow> {
  const productId = (doc.relatedEntity ?? []).map((e) => e.id).find((id) => ourProducts.has(id)) ?? null;
  return applyTx<IncidentRow>(
    tx,
    incidents,
    sellerId,
    doc.id,
    {
      status: doc.status,
      lastChangeAt: latestIncidentChange(doc),
      document: doc as unknown as Record<string, unknown>,
      documentHash: documentHash(doc),
      productId,
    },
    requestedAt,
  );
}
