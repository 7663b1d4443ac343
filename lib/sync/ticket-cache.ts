import { and, eq } from 'drizzle-orm';
import { tickets, ticketStatusHistory, type Ticket } from '@/db/schema';
import type { Tx } from '@/db/transaction';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { isExternalId } from '@/lib/domain/ticket-external-id';
import { TICKET_TERMINAL } from '@/lib/domain/ticket-state-machine';
import { documentHash, latestChange, newerWins } from './document-order';

/** Rows of the ticket cache and its status history; written only through cache-writer.ts. */

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
    lastStatusChangeAt: latestChange(doc),
    document: doc as unknown as Record<string, unknown>,
    documentHash: documentHash(doc),
  };
}

/** Mirrors the document's statusChange[] into ticket_status_history (append-only, idempotent). */
async function recordStatusHistory(tx: Tx, ticket: Ticket, doc: TroubleTicket): Promise<void> {
  const changes = doc.statusChange?.length
    ? doc.statusChange
    : doc.creationDate
      ? [{ changeDate: doc.creationDate, status: doc.status, changeReason: undefined }]
      : [];
  for (const change of changes) {
    if (!change.changeDate || !change.status) continue;
    await tx.insert(ticketStatusHistory)
      .values({
        ticketId: ticket.id,
        sellerId: ticket.sellerId,
        status: change.status,
        changedAt: new Date(change.changeDate).toISOString(),
        reason: change.changeReason ?? null,
      })
      .onConflictDoNothing();
  }
}

export type ApplyResult = { outcome: 'inserted' | 'updated' | 'unchanged' | 'stale'; ticket: Ticket };

/**
 * Stores a Seller's ticket document in the cache. The row is found by (Seller, Seller id), else by our externalId
 * (a queued create that the Seller has now acknowledged). Never lets an older document overwrite a newer one.
 */
export async function applyTicketDocumentTx(tx: Tx, sellerId: number, doc: TroubleTicket, requestedAt: string): Promise<ApplyResult> {
  const existing =
    (await tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.sellerId, sellerId), eq(tickets.sellerTicketId, doc.id)))
      .limit(1))[0] ??
    (doc.externalId
      ? (await tx
          .select()
          .from(tickets)
          .where(and(eq(tickets.sellerId, sellerId), eq(tickets.externalId, doc.externalId)))
          .limit(1))[0]
      : undefined);
  const columns = ticketColumns(doc);
  const now = new Date().toISOString();
  if (!existing) {
    // A Seller's externalId becomes the row's id only if it cannot be one of ours (those come from our sequence)
    // and no other ticket holds it; the document keeps the Seller's value either way.
    const sellersOwn =
      columns.externalId &&
      !isExternalId(columns.externalId) &&
      !(await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.externalId, columns.externalId)).limit(1))[0];
    const externalId = sellersOwn ? columns.externalId : `${sellerId}:${doc.id}`;
    const ticket = (await tx
      .insert(tickets)
      .values({ sellerId, ...columns, externalId, fetchedAt: requestedAt, syncState: 'synced', updatedAt: now })
      .returning())[0]!;
    await recordStatusHistory(tx, ticket, doc);
    return { outcome: 'inserted', ticket };
  }
  if (
    existing.sellerTicketId === doc.id &&
    !newerWins({ fetchedAt: existing.fetchedAt, lastChangeAt: existing.lastStatusChangeAt, status: existing.status }, { requestedAt, lastChangeAt: columns.lastStatusChangeAt, status: doc.status }, TICKET_TERMINAL)
  ) {
    return { outcome: 'stale', ticket: existing };
  }
  if (existing.documentHash === columns.documentHash && existing.sellerTicketId === doc.id) {
    const ticket = (await tx.update(tickets).set({ fetchedAt: requestedAt }).where(eq(tickets.id, existing.id)).returning())[0]!;
    return { outcome: 'unchanged', ticket };
  }
  const ticket = (await tx
    .update(tickets)
    .set({
      ...columns,
      // Our id is ours: a Seller that drops externalId from its document does not erase it locally.
      externalId: existing.externalId,
      fetchedAt: requestedAt,
      updatedAt: now,
    })
    .where(eq(tickets.id, existing.id))
    .returning())[0]!;
  await recordStatusHistory(tx, ticket, doc);
  return { outcome: 'updated', ticket };
}
