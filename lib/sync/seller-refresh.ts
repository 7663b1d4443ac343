/**
 * Pulls work orders, appointments and the tickets they serve from the Sellers into the caches. Used after our own
 * appointment calls (the Seller moves the work order and ticket as a side effect) and on demand from the screens.
 */
/**
 * Operator and follow-up refreshes (MEF 113 UC3 and the work order/appointment reads): GET a resource at its Seller
 * and store it through the one cache writer. Also used after our own appointment calls, since a Seller moves the
 * work order (and possibly the ticket) as a side effect and sends no event for our own calls.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers, type Seller } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { appointmentClient, troubleTicketClient, workOrderClient } from '@/lib/sonata/client';
import type { Appointment, WorkOrder } from '@/lib/sonata/schemas';
import { storeSellerDocument, type Stored } from './cache-writer';
import { recordDocumentRejection, recordingRejections } from './document-rejections';

export async function refreshTicket(seller: Seller, sellerTicketId: string, cause = 'refresh'): Promise<Stored> {
  const requestedAt = new Date().toISOString();
  const doc = await recordingRejections(seller, () => troubleTicketClient(sellerConnection(seller)).retrieveTroubleTicket(sellerTicketId), sellerTicketId);
  return storeSellerDocument({ seller, document: { entity: 'ticket', doc }, requestedAt, cause });
}

export async function refreshWorkOrder(seller: Seller, id: string, cause = 'refresh'): Promise<WorkOrder> {
  const requestedAt = new Date().toISOString();
  const doc = await recordingRejections(seller, () => workOrderClient(sellerConnection(seller)).retrieveWorkOrder(id), id);
  await storeSellerDocument({ seller, document: { entity: 'workOrder', doc }, requestedAt, cause });
  return doc;
}

export async function refreshAppointment(seller: Seller, id: string, cause = 'refresh'): Promise<Appointment> {
  const requestedAt = new Date().toISOString();
  const doc = await recordingRejections(seller, () => appointmentClient(sellerConnection(seller)).retrieveAppointment(id), id);
  await storeSellerDocument({ seller, document: { entity: 'appointment', doc }, requestedAt, cause });
  return doc;
}

/** Stores a document our own call just returned (create or patch), as if fetched when the call left. */
export async function storeAppointment(seller: Seller, doc: Appointment, requestedAt: string, cause: string): Promise<void> {
  await storeSellerDocument({ seller, document: { entity: 'appointment', doc }, requestedAt, cause });
}

/**
 * After an appointment changed on our side: the Seller has moved its work order (and possibly the ticket), and
 * sends no event for our own calls, so fetch them. Failures here only leave the cache stale until the next refresh.
 */
export async function refreshAroundAppointment(seller: Seller, workOrderId: string): Promise<string[]> {
  const problems: string[] = [];
  try {
    const wo = await refreshWorkOrder(seller, workOrderId);
    const ticketId = wo.relatedEntity?.find((e) => e['@referredType'] === 'TroubleTicket')?.id;
    if (ticketId) await refreshTicket(seller, ticketId);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}

export interface SellerRefreshResult {
  seller: string;
  workOrders: number;
  appointments: number;
  errors: string[];
}

/** Every work order and appointment one Seller lists for us, fetched in full. */
export async function refreshSellerWorkforce(seller: Seller): Promise<SellerRefreshResult> {
  const conn = sellerConnection(seller);
  const result: SellerRefreshResult = { seller: seller.slug, workOrders: 0, appointments: 0, errors: [] };
  const woClient = workOrderClient(conn);
  const apClient = appointmentClient(conn);
  const appointmentIds = new Set<string>();
  try {
    const list = await woClient.listAllWorkOrder();
    for (const item of list.items) {
      try {
        const wo = await refreshWorkOrder(seller, item.id);
        result.workOrders++;
        for (const ref of wo.appointment ?? []) appointmentIds.add(ref.id);
      } catch (err) {
        result.errors.push(`work order ${item.id}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await recordDocumentRejection(seller, err);
    result.errors.push(`work orders: ${(err as Error).message}`);
  }
  try {
    const list = await apClient.listAllAppointment();
    for (const item of list.items) appointmentIds.add(item.id);
  } catch (err) {
    await recordDocumentRejection(seller, err);
    result.errors.push(`appointments: ${(err as Error).message}`);
  }
  for (const id of appointmentIds) {
    try {
      await refreshAppointment(seller, id);
      result.appointments++;
    } catch (err) {
      result.errors.push(`appointment ${id}: ${(err as Error).message}`);
    }
  }
  return result;
}

/** All enabled Sellers, one after the other (they are few; a slow one must not starve the others of a slot). */
export async function refreshAllWorkforce(): Promise<SellerRefreshResult[]> {
  const rows = await getDb().select().from(sellers).where(eq(sellers.enabled, true));
  const results: SellerRefreshResult[] = [];
  for (const seller of rows) results.push(await refreshSellerWorkforce(seller));
  return results;
}
