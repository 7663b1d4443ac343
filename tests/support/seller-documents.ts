import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers, type AppointmentRow, type Ticket, type WorkOrderRow } from '@/db/schema';
import type { Appointment, TroubleTicket, WorkOrder } from '@/lib/sonata/schemas';
import { storeSellerDocument, type SellerDocument, type Stored } from '@/lib/sync/cache-writer';

/** Stores a Seller document for a test through the portal's one cache writer, as a fetch sent at `requestedAt`. */
export async function storeDocument(sellerId: number, document: SellerDocument, requestedAt: string, cause = 'test'): Promise<Stored> {
  const seller = getDb().select().from(sellers).where(eq(sellers.id, sellerId)).get();
  if (!seller) throw new Error(`no Seller ${sellerId}`);
  return storeSellerDocument({ seller, document, requestedAt, cause });
}

export async function storeTicket(sellerId: number, doc: TroubleTicket, requestedAt: string): Promise<{ outcome: Stored['outcome']; ticket: Ticket }> {
  const stored = await storeDocument(sellerId, { entity: 'ticket', doc }, requestedAt);
  return { outcome: stored.outcome, ticket: stored.row as Ticket };
}

export async function storeWorkOrder(sellerId: number, doc: WorkOrder, requestedAt: string) {
  const stored = await storeDocument(sellerId, { entity: 'workOrder', doc }, requestedAt);
  return { outcome: stored.outcome, row: stored.row as WorkOrderRow, previousStatus: stored.previous?.status };
}

export async function storeAppointment(sellerId: number, doc: Appointment, requestedAt: string) {
  const stored = await storeDocument(sellerId, { entity: 'appointment', doc }, requestedAt);
  return { outcome: stored.outcome, row: stored.row as AppointmentRow, previousStatus: stored.previous?.status };
}
