import { and, eq, inArray } from 'drizzle-orm';
import { inbox, products, type AppointmentRow, type IncidentRow, type Ticket, type WorkOrderRow } from '@/db/schema';
import { transaction, type Tx } from '@/db/transaction';
import type { LivePayload, LiveTopic } from '@/lib/domain/live-changes';
import { appendChangeTx } from './change-feed';
import { applyIncidentDocumentTx } from './entity-cache';
import type { FetchedDocument } from './resource-fetch';
import { updateTicketSlaTx } from './sla-clocks';
import { applyTicketDocumentTx } from './ticket-cache';
import {
  syncAppointmentWaitingTx,
  syncIncidentWaitingTx,
  syncTicketWaitingTx,
  syncWorkOrderWaitingTx,
  type SellerRef,
  type WaitingChange,
} from './waiting-items';
import { applyAppointmentDocumentTx, applyWorkOrderDocumentTx } from './workforce-cache';

/**
 * The one way a Seller document enters the cache, whatever brought it: a notification's fetch, the answer to one of
 * our calls, a reconciliation or an operator's refresh. In one transaction: the row (newer wins, document-order.ts),
 * the waiting items derived from it, the inbox events it settles, and the change feed entries that tell the screens.
 */

export type SellerDocument = FetchedDocument;
export type CacheOutcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

export interface StoreRequest {
  seller: SellerRef;
  document: SellerDocument;
  /** When the request that produced the document left (orders documents: a slow older answer never wins). */
  requestedAt: string;
  /** What brought it: the Seller's event type, `refresh`, `reconciliation`, `outbox`, `booked`, … */
  cause: string;
  /** Inbox events this document settles. */
  settles?: number[];
  /** The worker whose lease must still cover those events: otherwise nothing is written (another worker took over). */
  leaseOwner?: string;
}

export class LeaseLostError extends Error {
  constructor() {
    super('The inbox lease was taken over by another worker');
  }
}

export interface Stored {
  topic: Extract<LiveTopic, 'ticket' | 'incident' | 'workOrder' | 'appointment'>;
  outcome: CacheOutcome;
  /** The cache row's id. */
  localId: number;
  status: string | null;
  /** The row as stored, and as it was before when it existed. */
  row: Ticket | IncidentRow | WorkOrderRow | AppointmentRow;
  previous?: IncidentRow | WorkOrderRow | AppointmentRow;
  waiting: WaitingChange[];
}

const changed = (outcome: CacheOutcome) => outcome === 'inserted' || outcome === 'updated';

async function ourProductIdsTx(tx: Tx, sellerId: number): Promise<Set<string>> {
  const rows = await tx.select({ productId: products.productId }).from(products).where(eq(products.sellerId, sellerId));
  return new Set(rows.map((r) => r.productId));
}

async function writeRowTx(tx: Tx, req: StoreRequest): Promise<{ stored: Stored; payload: LivePayload }> {
  const { seller, document, requestedAt, cause } = req;
  const base = { seller: seller.slug, id: document.doc.id, eventType: cause };
  switch (document.entity) {
    case 'ticket': {
      const r = await applyTicketDocumentTx(tx, seller.id, document.doc, requestedAt);
      if (changed(r.outcome)) await updateTicketSlaTx(tx, seller, r.ticket);
      const waiting = r.outcome === 'stale' ? [] : (await syncTicketWaitingTx(tx, seller, r.ticket));
      return {
        stored: { topic: 'ticket', outcome: r.outcome, localId: r.ticket.id, status: r.ticket.status, row: r.ticket, waiting },
        payload: { ...base, localId: r.ticket.id, externalId: r.ticket.externalId, status: r.ticket.status ?? undefined, syncState: r.ticket.syncState },
      };
    }
    case 'incident': {
      const r = await applyIncidentDocumentTx(tx, seller.id, document.doc, requestedAt, await ourProductIdsTx(tx, seller.id));
      const waiting = r.outcome === 'stale' ? [] : (await syncIncidentWaitingTx(tx, seller, r.row, r.outcome === 'inserted'));
      return { stored: { topic: 'incident', outcome: r.outcome, localId: r.row.id, status: r.row.status, row: r.row, previous: r.previous, waiting }, payload: { ...base, localId: r.row.id, status: r.row.status } };
    }
    case 'workOrder': {
      const r = await applyWorkOrderDocumentTx(tx, seller.id, document.doc, requestedAt);
      const waiting = r.outcome === 'stale' ? [] : (await syncWorkOrderWaitingTx(tx, seller, r.row));
      return { stored: { topic: 'workOrder', outcome: r.outcome, localId: r.row.id, status: r.row.status, row: r.row, previous: r.previous, waiting }, payload: { ...base, localId: r.row.id, status: r.row.status } };
    }
    case 'appointment': {
      const r = await applyAppointmentDocumentTx(tx, seller.id, document.doc, requestedAt);
      const waiting = r.outcome === 'updated' ? (await syncAppointmentWaitingTx(tx, seller, r.row, r.previous)) : [];
      return { stored: { topic: 'appointment', outcome: r.outcome, localId: r.row.id, status: r.row.status, row: r.row, previous: r.previous, waiting }, payload: { ...base, localId: r.row.id, status: r.row.status } };
    }
  }
}

/** Records waiting-item changes in the feed; a newly opened item makes the entity's change actionable (a toast). */
export async function appendWaitingChangesTx(tx: Tx, seller: SellerRef, waiting: WaitingChange[]): Promise<void> {
  for (const w of waiting) {
    await appendChangeTx(tx, 'waiting', {
      seller: seller.slug,
      id: w.item.entityId,
      status: w.change,
      eventType: w.item.kind,
      ...(w.item.ticketId ? { localId: w.item.ticketId } : {}),
    });
  }
}

async function holdsLeaseTx(tx: Tx, ids: number[], owner: string): Promise<boolean> {
  const held = await tx
    .select({ id: inbox.id })
    .from(inbox)
    .where(and(inArray(inbox.id, ids), eq(inbox.state, 'pending'), eq(inbox.leaseOwner, owner)));
  return held.length === ids.length;
}

export async function storeSellerDocumentTx(tx: Tx, req: StoreRequest): Promise<Stored> {
  if (req.leaseOwner && req.settles?.length && !(await holdsLeaseTx(tx, req.settles, req.leaseOwner))) throw new LeaseLostError();
  const { stored, payload } = await writeRowTx(tx, req);
  if (changed(stored.outcome) || stored.waiting.length > 0) {
    const opened = stored.waiting.find((w) => w.change === 'opened');
    await appendChangeTx(tx, stored.topic, opened ? { ...payload, actionable: { title: opened.item.title, href: opened.item.href } } : payload);
  }
  await appendWaitingChangesTx(tx, req.seller, stored.waiting);
  if (req.settles && req.settles.length > 0) {
    await tx.update(inbox)
      .set({ state: 'done', processedAt: new Date().toISOString(), lastError: null, leaseOwner: null, leaseUntil: null })
      .where(inArray(inbox.id, req.settles));
  }
  return stored;
}

export async function storeSellerDocument(req: StoreRequest): Promise<Stored> {
  return transaction(async (tx) => await storeSellerDocumentTx(tx, req));
}
