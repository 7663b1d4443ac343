import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { tickets, ticketStatusHistory, type Ticket } from '@/db/schema';
import { transaction, type Tx } from '@/db/transaction';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { isExternalId } from '@/lib/domain/ticket-external-id';

/** The newest statusChange date in a Seller document (or its creation date), used to order documents. */
export function latestStatusChange(doc: Pick<TroubleTicket, 'statusChange' | 'creationDate'>): string | null {
  let latest: string | null = doc.creationDate ?? null;
  for (const change of doc.statusChange ?? []) {
    if (change.changeDate && (!latest || Date.parse(change.changeDate) > Date.parse(latest))) latest = change.changeDate;
  }
  return latest;
}

export function documentHash(doc: unknown): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('base64url');
}

/** Columns of the cache row that mirror a Seller document. */
export function ticketColumns(doc: TroubleTicket) {
  return {
    sellerTicketId: doc.id,
    externalId: doc.externalId ?? '',
    productId: doc.relatedEntity?.[0]?.id ?? '',
    description: doc.description,
    severity: doc.severity,
    sellerSeverity: doc.sellerSeverity ?? null,
    priority: doc.priority,
    sellerPriority: doc.sellerPriority ?? null,
    ticketType: doc.ticketType,
    observedImpact: doc.observedImpact,
    status: doc.status,
    creationDate: doc.creationDate ?? null,
    expectedResolutionDate: doc.expectedResolutionDate ?? null,
    resolutionDate: doc.resolutionDate ?? null,
    issueStartDate: doc.issueStartDate ?? null,
    lastStatusChangeAt: latestStatusChange(doc),
    document: doc as unknown as Record<string, unknown>,
    documentHash: documentHash(doc),
  };
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/**
 * Whether `incoming` (fetched from the Seller by a request sent at `requestedAt`) may replace the cached row.
 * A document is older when its request left before the one that produced the cached copy, or when its own status
 * history ends earlier: either way it must not win.
 */
export function isNewer(existing: Pick<Ticket, 'fetchedAt' | 'lastStatusChangeAt'>, incoming: TroubleTicket, requestedAt: string): boolean {
  if (ms(latestStatusChange(incoming)) < ms(existing.lastStatusChangeAt)) return false;
  return ms(requestedAt) >= ms(existing.fetchedAt);
}

/** Mirrors the document's statusChange[] into ticket_status_history (append-only, idempotent). */
function recordStatusHistory(tx: Tx, ticket: Ticket, doc: TroubleTicket): void {
  const changes = doc.statusChange?.length
    ? doc.statusChange
    : doc.creationDate
      ? [{ changeDate: doc.creationDate, status: doc.status, changeReason: undefined }]
      : [];
  for (const change of changes) {
    if (!change.changeDate || !change.status) continue;
    tx.insert(ticketStatusHistory)
      .values({
        ticketId: ticket.id,
        sellerId: ticket.sellerId,
        status: change.status,
        changedAt: new Date(change.changeDate).toISOString(),
        reason: change.changeReason ?? null,
      })
      .onConflictDoNothing()
      .run();
  }
}

export type ApplyResult = { outcome: 'inserted' | 'updated' | 'unchanged' | 'stale'; ticket: Ticket };

/**
 * Stores a Seller's ticket document in the cache. The row is found by (Seller, Seller id), else by our externalId
 * (a queued create that the Seller has now acknowledged). Never lets an older document overwrite a newer one.
 */
export function applyTicketDocumentTx(tx: Tx, sellerId: number, doc: TroubleTicket, requestedAt: string): ApplyResult {
  const existing =
    tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.sellerId, sellerId), eq(tickets.sellerTicketId, doc.id)))
      .get() ??
    (doc.externalId
      ? tx
          .select()
          .from(tickets)
          .where(and(eq(tickets.sellerId, sellerId), eq(tickets.externalId, doc.externalId)))
          .get()
      : undefined);
  const columns = ticketColumns(doc);
  const now = new Date().toISOString();
  if (!existing) {
    // A Seller's externalId becomes the row's id only if it cannot be one of ours (those come from our sequence)
    // and no other ticket holds it; the document keeps the Seller's value either way.
    const sellersOwn =
      columns.externalId &&
      !isExternalId(columns.externalId) &&
      !tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.externalId, columns.externalId)).get();
    const externalId = sellersOwn ? columns.externalId : `${sellerId}:${doc.id}`;
    const ticket = tx
      .insert(tickets)
      .values({ sellerId, ...columns, externalId, fetchedAt: requestedAt, syncState: 'synced', updatedAt: now })
      .returning()
      .get();
    recordStatusHistory(tx, ticket, doc);
    return { outcome: 'inserted', ticket };
  }
  if (existing.sellerTicketId === doc.id && !isNewer(existing, doc, requestedAt)) return { outcome: 'stale', ticket: existing };
  if (existing.documentHash === columns.documentHash && existing.sellerTicketId === doc.id) {
    const ticket = tx.update(tickets).set({ fetchedAt: requestedAt }).where(eq(tickets.id, existing.id)).returning().get();
    return { outcome: 'unchanged', ticket };
  }
  const ticket = tx
    .update(tickets)
    .set({
      ...columns,
      // Our id is ours: a Seller that drops externalId from its document does not erase it locally.
      externalId: existing.externalId,
      fetchedAt: requestedAt,
      updatedAt: now,
    })
    .where(eq(tickets.id, existing.id))
    .returning()
    .get();
  recordStatusHistory(tx, ticket, doc);
  return { outcome: 'updated', ticket };
}

export async function applyTicketDocument(sellerId: number, doc: TroubleTicket, requestedAt: string): Promise<ApplyResult> {
  return transaction((tx) => applyTicketDocumentTx(tx, sellerId, doc, requestedAt), getDb());
}
