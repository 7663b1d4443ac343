import 'server-only';
import { and, asc, eq, gt, lt, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { appointmentHistory, appointments, products, sellers, tickets, workOrders, type AppointmentRow } from '@/db/schema';
import type { AppointmentStatus } from '@/lib/domain/appointment-state-machine';
import type { WorkOrderState } from '@/lib/domain/work-order-state-machine';
import type { Appointment } from '@/lib/sonata/schemas';

export interface AppointmentListItem {
  sellerSlug: string;
  sellerName: string;
  id: string;
  status: AppointmentStatus;
  startAt: string | null;
  endAt: string | null;
  workOrderId: string | null;
  workOrderState: WorkOrderState | null;
  ticketId: string | null;
  ticketExternalId: string | null;
  siteId: string | null;
  siteName: string;
  siteAddress: string;
  timeZone: string;
}

export interface AppointmentFilter {
  /** Appointments overlapping [from, to) (ISO instants). */
  from?: string;
  to?: string;
  seller?: string;
  status?: string;
  site?: string;
}

function baseQuery() {
  return getDb()
    .select({
      row: appointments,
      sellerSlug: sellers.slug,
      sellerName: sellers.name,
      workOrderState: workOrders.status,
      ticketId: workOrders.ticketId,
      ticketExternalId: tickets.externalId,
      siteName: products.siteName,
      siteAddress: products.siteAddress,
      siteTimeZone: products.siteTimeZone,
    })
    .from(appointments)
    .innerJoin(sellers, eq(appointments.sellerId, sellers.id))
    .leftJoin(workOrders, and(eq(workOrders.sellerId, appointments.sellerId), eq(workOrders.sellerResourceId, appointments.workOrderId)))
    .leftJoin(products, and(eq(products.sellerId, workOrders.sellerId), eq(products.productId, workOrders.productId)))
    .leftJoin(tickets, and(eq(tickets.sellerId, workOrders.sellerId), eq(tickets.sellerTicketId, workOrders.ticketId)));
}

type Joined = Awaited<ReturnType<ReturnType<typeof baseQuery>['all']>>[number];

function toItem(j: Joined): AppointmentListItem {
  return {
    sellerSlug: j.sellerSlug,
    sellerName: j.sellerName,
    id: j.row.sellerResourceId,
    status: j.row.status as AppointmentStatus,
    startAt: j.row.startAt,
    endAt: j.row.endAt,
    workOrderId: j.row.workOrderId,
    workOrderState: (j.workOrderState as WorkOrderState | null) ?? null,
    ticketId: j.ticketId ?? null,
    ticketExternalId: j.ticketExternalId ?? null,
    siteId: j.row.siteId,
    siteName: j.siteName || j.row.siteId || 'Unknown site',
    siteAddress: j.siteAddress ?? '',
    timeZone: j.siteTimeZone || 'UTC',
  };
}

export async function listAppointments(filter: AppointmentFilter = {}): Promise<AppointmentListItem[]> {
  const where: SQL[] = [];
  if (filter.from) where.push(gt(appointments.endAt, new Date(filter.from).toISOString()));
  if (filter.to) where.push(lt(appointments.startAt, new Date(filter.to).toISOString()));
  if (filter.seller) where.push(eq(sellers.slug, filter.seller));
  if (filter.status) where.push(eq(appointments.status, filter.status));
  if (filter.site) where.push(eq(appointments.siteId, filter.site));
  const rows = await baseQuery()
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(appointments.startAt), asc(appointments.id))
    .all();
  return rows.map(toItem);
}

export interface AppointmentHistoryEntry {
  status: string;
  startAt: string | null;
  endAt: string | null;
  observedAt: string;
}

export interface AppointmentDetail extends AppointmentListItem {
  document: Appointment;
  history: AppointmentHistoryEntry[];
  fetchedAt: string;
  row: AppointmentRow;
}

export async function getAppointment(sellerSlug: string, id: string): Promise<AppointmentDetail | undefined> {
  const j = await baseQuery()
    .where(and(eq(sellers.slug, sellerSlug), eq(appointments.sellerResourceId, id)))
    .get();
  if (!j) return undefined;
  const history = await getDb()
    .select({ status: appointmentHistory.status, startAt: appointmentHistory.startAt, endAt: appointmentHistory.endAt, observedAt: appointmentHistory.observedAt })
    .from(appointmentHistory)
    .where(eq(appointmentHistory.appointmentId, j.row.id))
    .orderBy(asc(appointmentHistory.observedAt), asc(appointmentHistory.id))
    .all();
  return { ...toItem(j), document: j.row.document as unknown as Appointment, history, fetchedAt: j.row.fetchedAt, row: j.row };
}
