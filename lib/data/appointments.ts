import 'server-only';
import { and, asc, desc, eq, gt, isNull, lt, or, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { appointmentHistory, appointments, sellers, tickets, workOrders, type AppointmentRow } from '@/db/schema';
import type { AppointmentStatus } from '@/lib/domain/appointment-state-machine';
import type { WorkOrderState } from '@/lib/domain/work-order-state-machine';
import type { Appointment } from '@/lib/sonata/schemas';
import { appointmentColumns } from '@/lib/sync/workforce-cache';
import { derivedWorkOrderColumns, productSites, ticketExternalIds } from './work-orders';

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

const DAY_MS = 86_400_000;

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
    .select({ row: appointments, sellerSlug: sellers.slug, sellerName: sellers.name, workOrder: workOrders })
    .from(appointments)
    .innerJoin(sellers, eq(appointments.sellerId, sellers.id))
    .leftJoin(workOrders, and(eq(workOrders.sellerId, appointments.sellerId), eq(workOrders.sellerResourceId, appointments.workOrderId)));
}

type Joined = Awaited<ReturnType<ReturnType<typeof baseQuery>['all']>>[number];

async function toItems(joined: Joined[]): Promise<AppointmentListItem[]> {
  const sites = await productSites();
  const derived = joined.map((j) => (j.workOrder ? derivedWorkOrderColumns(j.workOrder) : { siteId: null, ticketId: null, productId: null }));
  const externalIds = await ticketExternalIds(joined.map((j, i) => ({ sellerId: j.row.sellerId, ticketId: derived[i]!.ticketId })));
  return joined.map((j, i) => {
    const d = derived[i]!;
    const site = d.productId ? sites.get(`${j.row.sellerId}:${d.productId}`) : undefined;
    const ownSite = j.row.siteId ?? appointmentColumns(j.row.document as unknown as Appointment).siteId;
    const siteId = ownSite ?? d.siteId ?? site?.siteId ?? null;
    return {
      sellerSlug: j.sellerSlug,
      sellerName: j.sellerName,
      id: j.row.sellerResourceId,
      status: j.row.status as AppointmentStatus,
      startAt: j.row.startAt ? new Date(j.row.startAt).toISOString() : null,
      endAt: j.row.endAt ? new Date(j.row.endAt).toISOString() : null,
      workOrderId: j.row.workOrderId,
      workOrderState: (j.workOrder?.status as WorkOrderState | undefined) ?? null,
      ticketId: d.ticketId,
      ticketExternalId: d.ticketId ? (externalIds.get(`${j.row.sellerId}:${d.ticketId}`) ?? null) : null,
      siteId,
      siteName: site?.siteName || siteId || 'Unknown site',
      siteAddress: site?.siteAddress ?? '',
      timeZone: site?.siteTimeZone || 'UTC',
    };
  });
}

export async function listAppointments(filter: AppointmentFilter = {}): Promise<AppointmentListItem[]> {
  const where: SQL[] = [];
  // Stored periods may carry another offset or precision than ours: the SQL bound is a day wide, the exact test is below.
  const from = filter.from ? Date.parse(filter.from) : undefined;
  const to = filter.to ? Date.parse(filter.to) : undefined;
  if (from !== undefined) where.push(gt(appointments.endAt, new Date(from - DAY_MS).toISOString()));
  if (to !== undefined) where.push(lt(appointments.startAt, new Date(to + DAY_MS).toISOString()));
  if (filter.seller) where.push(eq(sellers.slug, filter.seller));
  if (filter.status) where.push(eq(appointments.status, filter.status));
  if (filter.site) where.push(or(eq(appointments.siteId, filter.site), isNull(appointments.siteId))!);
  const rows = await baseQuery()
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(appointments.startAt), asc(appointments.id));
  const items = await toItems(rows);
  return items.filter(
    (i) =>
      (!filter.site || i.siteId === filter.site) &&
      (from === undefined || (i.endAt !== null && Date.parse(i.endAt) > from)) &&
      (to === undefined || (i.startAt !== null && Date.parse(i.startAt) < to)),
  );
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
  const j = (await baseQuery()
    .where(and(eq(sellers.slug, sellerSlug), eq(appointments.sellerResourceId, id))))[0]!;
  if (!j) return undefined;
  const history = await getDb()
    .select({ status: appointmentHistory.status, startAt: appointmentHistory.startAt, endAt: appointmentHistory.endAt, observedAt: appointmentHistory.observedAt })
    .from(appointmentHistory)
    .where(eq(appointmentHistory.appointmentId, j.row.id))
    .orderBy(asc(appointmentHistory.observedAt), asc(appointmentHistory.id));
  const [item] = await toItems([j]);
  return { ...item!, document: j.row.document as unknown as Appointment, history, fetchedAt: j.row.fetchedAt, row: j.row };
}

export interface ContactDefaults {
  buyerContact: { name: string; number: string; emailAddress: string; organization: string };
  placeContact: { name: string; number: string; emailAddress: string; organization: string };
}

type MefContact = { name?: string; number?: string; emailAddress?: string; organization?: string; role?: string };

const toDefault = (c: MefContact | undefined) =>
  c ? { name: c.name ?? '', number: c.number ?? '', emailAddress: c.emailAddress ?? '', organization: c.organization ?? '' } : undefined;

/**
 * Contacts to prefill a booking with: the user as the Buyer appointment contact; as the site contact, the one of the
 * work order's latest appointment, else the ticket's technical contact or reporter, else the user.
 */
export async function bookingContactDefaults(
  sellerRowId: number,
  workOrderId: string,
  ticketId: string | null,
  user: { name: string; email: string; phone: string; organization: string },
): Promise<ContactDefaults> {
  const me = { name: user.name, number: user.phone, emailAddress: user.email, organization: user.organization };
  const latest = (await getDb()
    .select({ document: appointments.document })
    .from(appointments)
    .where(and(eq(appointments.sellerId, sellerRowId), eq(appointments.workOrderId, workOrderId)))
    .orderBy(desc(appointments.startAt))
    .limit(1))[0];
  const fromAppointment = (latest?.document as { relatedContactInformation?: MefContact[] } | undefined)?.relatedContactInformation?.find(
    (c) => c.role === 'appointmentPlaceContact',
  );
  let fromTicket: MefContact | undefined;
  if (!fromAppointment && ticketId) {
    const ticket = (await getDb()
      .select({ document: tickets.document })
      .from(tickets)
      .where(and(eq(tickets.sellerId, sellerRowId), eq(tickets.sellerTicketId, ticketId)))
      .limit(1))[0];
    const contacts = (ticket?.document as { relatedContactInformation?: MefContact[] } | undefined)?.relatedContactInformation ?? [];
    fromTicket = contacts.find((c) => c.role === 'buyerTechnicalContact') ?? contacts.find((c) => c.role === 'reporterContact');
  }
  return { buyerContact: me, placeContact: toDefault(fromAppointment) ?? toDefault(fromTicket) ?? me };
}
