/** Re-reads tickets from their Seller (MEF 113 UC3) into the cache: "refresh from Seller" and notification follow-ups. */
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers, tickets, type Ticket } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { troubleTicketClient } from '@/lib/sonata/trouble-ticket-client';
import { applyTicketDocument, type ApplyResult } from './ticket-cache';

export class TicketRefreshError extends Error {}

/** GETs one ticket at its Seller and stores it (an older answer never overwrites a newer cached copy). */
export async function refreshTicket(sellerId: number, sellerTicketId: string): Promise<ApplyResult> {
  const seller = await getDb().select().from(sellers).where(eq(sellers.id, sellerId)).get();
  if (!seller) throw new TicketRefreshError('This Seller is no longer configured.');
  const client = troubleTicketClient(sellerConnection(seller));
  const requestedAt = new Date().toISOString();
  const doc = await client.retrieveTroubleTicket(sellerTicketId);
  return applyTicketDocument(sellerId, doc, requestedAt);
}

/** Refreshes a cached ticket; a create the Seller has not acknowledged yet has nothing to refresh. */
export async function refreshTicketRow(ticket: Pick<Ticket, 'sellerId' | 'sellerTicketId'>): Promise<ApplyResult | undefined> {
  if (!ticket.sellerTicketId) return undefined;
  return refreshTicket(ticket.sellerId, ticket.sellerTicketId);
}

/** Refresh by the Seller's slug and ticket id (what notification handlers know). */
export async function refreshTicketBySlug(slug: string, sellerTicketId: string): Promise<ApplyResult> {
  const seller = await getDb().select({ id: sellers.id }).from(sellers).where(eq(sellers.slug, slug)).get();
  if (!seller) throw new TicketRefreshError(`No Seller ${slug}.`);
  return refreshTicket(seller.id, sellerTicketId);
}

export async function cachedTicket(sellerId: number, sellerTicketId: string): Promise<Ticket | undefined> {
  return getDb()
    .select()
    .from(tickets)
    .where(and(eq(tickets.sellerId, sellerId), eq(tickets.sellerTicketId, sellerTicketId)))
    .get();
}
