import { and, eq } from 'drizzle-orm';
import { incidents, type IncidentRow } from '@/db/schema';
import type { Tx } from '@/db/transaction';
import { INCIDENT_TERMINAL } from '@/lib/domain/incident-state-machine';
import type { Incident } from '@/lib/sonata/schemas';
import { documentHash, latestChange, newerWins } from './document-order';

/** Rows of the incident cache: the Seller's last document per (Seller, id); written only through cache-writer.ts. */

export type CacheOutcome = 'inserted' | 'updated' | 'unchanged' | 'stale';
export interface CacheResult<Row> {
  outcome: CacheOutcome;
  row: Row;
  previous?: Row;
}

type CacheTable = typeof incidents;
type CacheRow = IncidentRow;

interface Columns {
  status: string;
  lastChangeAt: string | null;
  document: Record<string, unknown>;
  documentHash: string;
  [extra: string]: unknown;
}

async function applyTx<Row extends CacheRow>(
  tx: Tx,
  table: CacheTable,
  sellerId: number,
  id: string,
  columns: Columns,
  requestedAt: string,
): Promise<CacheResult<Row>> {
  const existing = (await tx
    .select()
    .from(table)
    .where(and(eq(table.sellerId, sellerId), eq(table.sellerResourceId, id)))
    .limit(1))[0] as Row | undefined;
  const now = new Date().toISOString();
  if (!existing) {
    const row = (await tx
      .insert(table)
      .values({ sellerId, sellerResourceId: id, ...columns, fetchedAt: requestedAt, updatedAt: now } as never)
      .returning())[0]! as Row;
    return { outcome: 'inserted', row };
  }
  if (!newerWins(existing, { requestedAt, lastChangeAt: columns.lastChangeAt, status: columns.status }, INCIDENT_TERMINAL)) {
    return { outcome: 'stale', row: existing, previous: existing };
  }
  if (existing.documentHash === columns.documentHash) {
    const row = (await tx.update(table).set({ fetchedAt: requestedAt }).where(eq(table.id, existing.id)).returning())[0]! as Row;
    return { outcome: 'unchanged', row, previous: existing };
  }
  const row = (await tx
    .update(table)
    .set({ ...columns, fetchedAt: requestedAt, updatedAt: now } as never)
    .where(eq(table.id, existing.id))
    .returning())[0]! as Row;
  return { outcome: 'updated', row, previous: existing };
}

/** `ourProducts`: product ids we hold with this Seller; the incident is "ours" when it names one of them. */
export async function applyIncidentDocumentTx(
  tx: Tx,
  sellerId: number,
  doc: Incident,
  requestedAt: string,
  ourProducts: ReadonlySet<string>,
): Promise<CacheResult<IncidentRow>> {
  const productId = (doc.relatedEntity ?? []).map((e) => e.id).find((id) => ourProducts.has(id)) ?? null;
  return await applyTx<IncidentRow>(
    tx,
    incidents,
    sellerId,
    doc.id,
    {
      status: doc.status,
      lastChangeAt: latestChange(doc),
      document: doc as unknown as Record<string, unknown>,
      documentHash: documentHash(doc),
      productId,
    },
    requestedAt,
  );
}
