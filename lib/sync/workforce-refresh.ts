/**
 * Pulls work orders, appointments and the tickets they serve from the Sellers into the caches. Used after our own
 * appointment calls (the Seller moves the work order and ticket as a side effect) and on demand from the screens.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers, type Seller } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { publish } from '@/lib/live/channel';
import { appointmentClient, troubleTicketClient, workOrderClient } from '@/lib/sonata/client';
import type { Appointment, WorkOrder } from '@/lib/sonata/schemas';
import { applyTicketDocument } from './ticket-cache';
import { applyAppointmentDocument, applyWorkOrderDocument, type CacheOutcome } from './workforce-cache';

const changed = (outcome: CacheOutcome) => outcome === 'inserted' || outcome === 'updated';

export async function refreshWorkOrder(seller: Seller, id: string, eventType = 'refresh'): Promise<WorkOrder> {
  const requestedAt = new Date().toISOString();
  const doc = await workOrderClient(sellerConnection(seller)).retrieveWorkOrder(id);
  const { outcome, row } = await applyWorkOrderDocument(seller.id, doc, requestedAt);
  if (changed(outcome)) publish('workOrder', { seller: seller.slug, id: doc.id, status: row.status, eventType });
  return doc;
}

export async function refreshAppointment(seller: Seller, id: string, eventType = 'refresh'): Promise<Appointment> {
  const requestedAt = new Date().toISOString();
  const doc = await appointmentClient(sellerConnection(seller)).retrieveAppointment(id);
  const { outcome, row } = await applyAppointmentDocument(seller.id, doc, requestedAt);
  if (changed(outcome)) publish('appointment', { seller: seller.slug, id: doc.id, status: row.status, eventType });
  return doc;
}

/** Stores a document our own call just returned (create or patch), as if fetched when the call left. */
export async function storeAppointment(seller: Seller, doc: Appointment, requestedAt: string, eventType: string): Promise<void> {
  const { outcome, row } = await applyAppointmentDocument(seller.id, doc, requestedAt);
  if (changed(outcome)) publish('appointment', { seller: seller.slug, id: doc.id, status: row.status, eventType });
}

export async function refreshTicket(seller: Seller, ticketId: string): Promise<void> {
  const requestedAt = new Date().toISOString();
  const doc = await troubleTicketClient(sellerConnection(seller)).retrieveTroubleTicket(ticketId);
  const { outcome, ticket } = await applyTicketDocument(seller.id, doc, requestedAt);
  if (outcome === 'inserted' || outcome === 'updated') {
    publish('ticket', { seller: seller.slug, id: doc.id, localId: ticket.id, externalId: ticket.externalId, status: doc.status, eventType: 'refresh' });
  }
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
    result.errors.push(`work orders: ${(err as Error).message}`);
  }
  try {
    const list = await apClient.listAllAppointment();
    for (const item of list.items) appointmentIds.add(item.id);
  } catch (err) {
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
  const rows = await getDb().select().from(sellers).where(eq(sellers.enabled, true)).all();
  const results: SellerRefreshResult[] = [];
  for (const seller of rows) results.push(await refreshSellerWorkforce(seller));
  return results;
}
