/** Rows of the work order and appointment caches; written only through cache-writer.ts. */
import { and, eq } from 'drizzle-orm';
import { appointmentHistory, appointments, workOrders, type AppointmentRow, type WorkOrderRow } from '@/db/schema';
import type { Tx } from '@/db/transaction';
import { APPOINTMENT_TERMINAL } from '@/lib/domain/appointment-state-machine';
import { WORK_ORDER_TERMINAL } from '@/lib/domain/work-order-state-machine';
import type { Appointment, WorkOrder } from '@/lib/sonata/schemas';
import { documentHash, newerWins } from './document-order';

export type CacheOutcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

type Place = { '@type'?: string; id?: unknown };

export function siteIdOfPlaces(places: ReadonlyArray<Place> | Place | undefined): string | null {
  const list = Array.isArray(places) ? places : places ? [places] : [];
  const site = list.find((p) => p['@type'] === 'GeographicSiteRef' && typeof p.id === 'string');
  return site ? (site.id as string) : null;
}

function relatedId(doc: Pick<WorkOrder, 'relatedEntity'>, referredType: string): string | null {
  return doc.relatedEntity?.find((e) => e['@referredType'] === referredType)?.id ?? null;
}

export function workOrderColumns(doc: WorkOrder) {
  return {
    sellerResourceId: doc.id,
    status: doc.state,
    appointmentRequired: doc.appointmentRequired === true,
    siteId: siteIdOfPlaces(doc.place as Place[] | undefined),
    ticketId: relatedId(doc, 'TroubleTicket'),
    productId: relatedId(doc, 'Product'),
    document: doc as unknown as Record<string, unknown>,
    documentHash: documentHash(doc),
  };
}

export function appointmentColumns(doc: Appointment) {
  return {
    sellerResourceId: doc.id,
    status: doc.status,
    workOrderId: doc.workOrder?.id ?? null,
    startAt: doc.validFor?.startDateTime ? new Date(doc.validFor.startDateTime).toISOString() : null,
    endAt: doc.validFor?.endDateTime ? new Date(doc.validFor.endDateTime).toISOString() : null,
    siteId: siteIdOfPlaces(doc.relatedPlace as Place | undefined),
    document: doc as unknown as Record<string, unknown>,
    documentHash: documentHash(doc),
  };
}

export interface WorkOrderApplyResult {
  outcome: CacheOutcome;
  row: WorkOrderRow;
  /** The row before, when it existed. */
  previous?: WorkOrderRow;
  /** The state before, when the row existed. */
  previousStatus?: string;
}

export async function applyWorkOrderDocumentTx(tx: Tx, sellerId: number, doc: WorkOrder, requestedAt: string): Promise<WorkOrderApplyResult> {
  const existing = (await tx
    .select()
    .from(workOrders)
    .where(and(eq(workOrders.sellerId, sellerId), eq(workOrders.sellerResourceId, doc.id)))
    .limit(1))[0];
  const columns = workOrderColumns(doc);
  const now = new Date().toISOString();
  if (!existing) {
    const row = (await tx
      .insert(workOrders)
      .values({
        sellerId,
        ...columns,
        appointmentRequiredSince: columns.appointmentRequired ? requestedAt : null,
        fetchedAt: requestedAt,
        updatedAt: now,
      })
      .returning())[0]!;
    return { outcome: 'inserted', row };
  }
  if (!newerWins(existing, { requestedAt, status: columns.status }, WORK_ORDER_TERMINAL)) return { outcome: 'stale', row: existing, previous: existing, previousStatus: existing.status };
  if (existing.documentHash === columns.documentHash) {
    // Also fills derived columns a row may lack (written before they existed, or by a writer that does not set them).
    const row = (await tx
      .update(workOrders)
      .set({
        fetchedAt: requestedAt,
        siteId: columns.siteId,
        ticketId: columns.ticketId,
        productId: columns.productId,
        appointmentRequiredSince: columns.appointmentRequired ? (existing.appointmentRequiredSince ?? existing.fetchedAt) : null,
      })
      .where(eq(workOrders.id, existing.id))
      .returning())[0]!;
    return { outcome: 'unchanged', row, previous: existing, previousStatus: existing.status };
  }
  const since = !columns.appointmentRequired ? null : existing.appointmentRequired ? (existing.appointmentRequiredSince ?? requestedAt) : requestedAt;
  const row = (await tx
    .update(workOrders)
    .set({ ...columns, appointmentRequiredSince: since, fetchedAt: requestedAt, updatedAt: now })
    .where(eq(workOrders.id, existing.id))
    .returning())[0]!;
  return { outcome: 'updated', row, previous: existing, previousStatus: existing.status };
}


export interface AppointmentApplyResult {
  outcome: CacheOutcome;
  row: AppointmentRow;
  /** The row before, when it existed. */
  previous?: AppointmentRow;
  previousStatus?: string;
}

async function recordHistory(tx: Tx, row: AppointmentRow, observedAt: string): Promise<void> {
  await tx.insert(appointmentHistory).values({ appointmentId: row.id, status: row.status, startAt: row.startAt, endAt: row.endAt, observedAt });
}

export async function applyAppointmentDocumentTx(tx: Tx, sellerId: number, doc: Appointment, requestedAt: string): Promise<AppointmentApplyResult> {
  const existing = (await tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.sellerId, sellerId), eq(appointments.sellerResourceId, doc.id)))
    .limit(1))[0];
  const columns = appointmentColumns(doc);
  if (!columns.siteId && columns.workOrderId) {
    // A place given as an address: the work order still tells which site it is.
    const wo = (await tx
      .select({ siteId: workOrders.siteId })
      .from(workOrders)
      .where(and(eq(workOrders.sellerId, sellerId), eq(workOrders.sellerResourceId, columns.workOrderId)))
      .limit(1))[0];
    columns.siteId = wo?.siteId ?? null;
  }
  const now = new Date().toISOString();
  if (!existing) {
    const row = (await tx
      .insert(appointments)
      .values({ sellerId, ...columns, fetchedAt: requestedAt, updatedAt: now })
      .returning())[0]!;
    await recordHistory(tx, row, requestedAt);
    return { outcome: 'inserted', row };
  }
  if (!newerWins(existing, { requestedAt, status: columns.status }, APPOINTMENT_TERMINAL)) return { outcome: 'stale', row: existing, previous: existing, previousStatus: existing.status };
  if (existing.documentHash === columns.documentHash) {
    const row = (await tx
      .update(appointments)
      .set({ fetchedAt: requestedAt, siteId: columns.siteId, startAt: columns.startAt, endAt: columns.endAt })
      .where(eq(appointments.id, existing.id))
      .returning())[0]!;
    return { outcome: 'unchanged', row, previous: existing, previousStatus: existing.status };
  }
  const row = (await tx
    .update(appointments)
    .set({ ...columns, fetchedAt: requestedAt, updatedAt: now })
    .where(eq(appointments.id, existing.id))
    .returning())[0]!;
  if (row.status !== existing.status || row.startAt !== existing.startAt || row.endAt !== existing.endAt) await recordHistory(tx, row, requestedAt);
  return { outcome: 'updated', row, previous: existing, previousStatus: existing.status };
}

