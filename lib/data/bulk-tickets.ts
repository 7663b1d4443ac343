import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { incidents, outbox, sellers, tickets } from '@/db/schema';
import type { BulkCandidate, BulkProgressState } from '@/lib/domain/bulk-actions';
import type { QueuedOperation } from '@/lib/domain/ticket-actions';
import { parseQueueQuery, type TicketQueueQuery } from '@/lib/domain/ticket-queue';
import { queueContext, ticketQueueCountQuery, ticketQueuePageQuery } from './tickets';

/** A bulk candidate with what the link action needs to judge it. */
export interface BulkTicket extends BulkCandidate {
  sellerId: number;
  document: Record<string, unknown>;
}

/** The tickets with these ids (unknown ids are left out), with the operations still queued for each. */
export async function bulkTickets(ids: readonly number[]): Promise<BulkTicket[]> {
  if (ids.length === 0) return [];
  const db = getDb();
  const rows = await db
    .select({
      ticketId: tickets.id,
      externalId: tickets.externalId,
      sellerId: tickets.sellerId,
      sellerSlug: sellers.slug,
      sellerName: sellers.name,
      status: tickets.status,
      document: tickets.document,
    })
    .from(tickets)
    .innerJoin(sellers, eq(sellers.id, tickets.sellerId))
    .where(inArray(tickets.id, [...ids]));
  const pending = await db
    .select({ ticketId: outbox.ticketId, operation: outbox.operation })
    .from(outbox)
    .where(and(inArray(outbox.ticketId, [...ids]), eq(outbox.state, 'pending')))
    .orderBy(asc(outbox.id));
  const queued = new Map<number, QueuedOperation[]>();
  for (const p of pending) (queued.get(p.ticketId) ?? queued.set(p.ticketId, []).get(p.ticketId)!).push(p.operation);
  const byId = new Map(rows.map((r) => [r.ticketId, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is NonNullable<typeof r> => !!r)
    .map((r) => ({ ...r, document: (r.document ?? {}) as Record<string, unknown>, queued: queued.get(r.ticketId) ?? [] }));
}

/**
 * Every ticket the queue shows for `search` (the queue's own filter and order, all pages), read now: how many, and
 * their ids when there are at most `max`.
 */
export async function ticketIdsMatching(search: string, userId: number, max: number): Promise<{ total: number; ids: number[] }> {
  const db = getDb();
  const query: TicketQueueQuery = { ...parseQueueQuery(new URLSearchParams(search)), page: 1, size: max };
  const ctx = await queueContext(query, userId);
  const [{ n: total } = { n: 0 }] = await ticketQueueCountQuery(db, query, ctx);
  if (total > max) return { total, ids: [] };
  return { total, ids: (await ticketQueuePageQuery(db, query, ctx, 1)).map((r) => r.id) };
}

export interface BulkProgressItem {
  outboxId: number;
  ticketId: number;
  state: BulkProgressState;
  /** The Seller's reason for a refusal, or why the last attempt did not go through. */
  message: string | null;
}

/** Where each of the caller's queued operations stands, from the outbox itself. */
export async function bulkProgress(outboxIds: readonly number[], userId: number): Promise<BulkProgressItem[]> {
  if (outboxIds.length === 0) return [];
  const db = getDb();
  const items = await db
    .select({ id: outbox.id, ticketId: outbox.ticketId, state: outbox.state, lastError: outbox.lastError, syncState: tickets.syncState })
    .from(outbox)
    .innerJoin(tickets, eq(tickets.id, outbox.ticketId))
    .where(and(inArray(outbox.id, [...outboxIds]), eq(outbox.createdByUserId, userId)));
  const ticketIds = [...new Set(items.map((i) => i.ticketId))];
  // The head of each ticket's queue is the one a "sending" marker is about.
  const heads = new Map<number, number>();
  if (ticketIds.length) {
    const pending = await db
      .select({ id: outbox.id, ticketId: outbox.ticketId })
      .from(outbox)
      .where(and(inArray(outbox.ticketId, ticketIds), eq(outbox.state, 'pending')))
      .orderBy(asc(outbox.id));
    for (const p of pending) if (!heads.has(p.ticketId)) heads.set(p.ticketId, p.id);
  }
  const byId = new Map(items.map((i) => [i.id, i]));
  return outboxIds.flatMap((id): BulkProgressItem[] => {
    const item = byId.get(id);
    if (!item) return [];
    if (item.state === 'done') return [{ outboxId: id, ticketId: item.ticketId, state: 'done', message: null }];
    if (item.state === 'rejected') return [{ outboxId: id, ticketId: item.ticketId, state: 'refused', message: item.lastError }];
    const sending = item.syncState === 'sending' && heads.get(item.ticketId) === id;
    return [{ outboxId: id, ticketId: item.ticketId, state: sending ? 'sending' : 'queued', message: item.lastError }];
  });
}

/** The Seller's incident as we have it cached, or undefined when that Seller never reported it. */
export async function cachedIncident(sellerSlug: string, incidentId: string): Promise<{ sellerSlug: string; sellerName: string } | undefined> {
  const row = (await getDb()
    .select({ sellerSlug: sellers.slug, sellerName: sellers.name })
    .from(incidents)
    .innerJoin(sellers, eq(sellers.id, incidents.sellerId))
    .where(and(eq(sellers.slug, sellerSlug), eq(incidents.sellerResourceId, incidentId)))
    .limit(1))[0];
  return row ?? undefined;
}
