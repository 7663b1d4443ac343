import 'server-only';
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { appointments, products, sellers, tickets, workOrders, type WorkOrderRow } from '@/db/schema';
import type { WorkOrderState } from '@/lib/domain/work-order-state-machine';
import type { WorkOrder } from '@/lib/sonata/schemas';

/** Where the work happens: from our product inventory (the Seller's place gives only a site reference). */
export interface SiteView {
  siteId: string | null;
  siteName: string;
  siteAddress: string;
  /** IANA zone of the site; UTC when the inventory does not say. */
  timeZone: string;
  productId: string | null;
  productLabel: string;
}

export interface WorkOrderListItem extends SiteView {
  sellerSlug: string;
  sellerName: string;
  id: string;
  state: WorkOrderState;
  appointmentRequired: boolean;
  appointmentRequiredSince: string | null;
  ticketId: string | null;
  /** Our ticket id (externalId) when the ticket is in our cache. */
  ticketExternalId: string | null;
  tasks: string[];
  plannedExecutionDate: string | null;
  fetchedAt: string;
}

export interface WorkOrderFilter {
  seller?: string;
  state?: string;
  appointmentRequired?: boolean;
  site?: string;
}

const columns = {
  row: workOrders,
  sellerSlug: sellers.slug,
  sellerName: sellers.name,
  siteName: products.siteName,
  siteAddress: products.siteAddress,
  siteTimeZone: products.siteTimeZone,
  siteIdFromProduct: products.siteId,
  productLabel: products.label,
  ticketExternalId: tickets.externalId,
};

type Joined = { row: WorkOrderRow; sellerSlug: string; sellerName: string } & {
  siteName: string | null;
  siteAddress: string | null;
  siteTimeZone: string | null;
  siteIdFromProduct: string | null;
  productLabel: string | null;
  ticketExternalId: string | null;
};

function baseQuery() {
  return getDb()
    .select(columns)
    .from(workOrders)
    .innerJoin(sellers, eq(workOrders.sellerId, sellers.id))
    .leftJoin(products, and(eq(products.sellerId, workOrders.sellerId), eq(products.productId, workOrders.productId)))
    .leftJoin(tickets, and(eq(tickets.sellerId, workOrders.sellerId), eq(tickets.sellerTicketId, workOrders.ticketId)));
}

function toItem(j: Joined): WorkOrderListItem {
  const doc = j.row.document as unknown as WorkOrder;
  return {
    sellerSlug: j.sellerSlug,
    sellerName: j.sellerName,
    id: j.row.sellerResourceId,
    state: j.row.status as WorkOrderState,
    appointmentRequired: j.row.appointmentRequired,
    appointmentRequiredSince: j.row.appointmentRequiredSince,
    ticketId: j.row.ticketId,
    ticketExternalId: j.ticketExternalId,
    tasks: Array.isArray(doc.task) ? doc.task : [],
    plannedExecutionDate: doc.plannedExecutionDate ?? null,
    fetchedAt: j.row.fetchedAt,
    siteId: j.row.siteId ?? j.siteIdFromProduct,
    siteName: j.siteName || j.row.siteId || 'Unknown site',
    siteAddress: j.siteAddress ?? '',
    timeZone: j.siteTimeZone || 'UTC',
    productId: j.row.productId,
    productLabel: j.productLabel ?? j.row.productId ?? '',
  };
}

export async function listWorkOrders(filter: WorkOrderFilter = {}): Promise<WorkOrderListItem[]> {
  const where: SQL[] = [];
  if (filter.seller) where.push(eq(sellers.slug, filter.seller));
  if (filter.state) where.push(eq(workOrders.status, filter.state));
  if (filter.appointmentRequired !== undefined) where.push(eq(workOrders.appointmentRequired, filter.appointmentRequired));
  if (filter.site) where.push(eq(workOrders.siteId, filter.site));
  const rows = await baseQuery()
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(workOrders.updatedAt), asc(workOrders.id))
    .all();
  return rows.map(toItem);
}

/** Work orders waiting for the coordinator to book a visit, the longest-waiting first. */
export async function listAppointmentsNeeded(): Promise<WorkOrderListItem[]> {
  const rows = await baseQuery()
    .where(and(eq(workOrders.appointmentRequired, true), eq(workOrders.status, 'open')))
    .orderBy(asc(workOrders.appointmentRequiredSince), asc(workOrders.id))
    .all();
  return rows.map(toItem);
}

export interface WorkOrderAppointmentSummary {
  id: string;
  status: string;
  startAt: string | null;
  endAt: string | null;
}

export interface WorkOrderDetail extends WorkOrderListItem {
  document: WorkOrder;
  appointments: WorkOrderAppointmentSummary[];
  /** Local id of the Seller row, for the server side only. */
  sellerRowId: number;
}

export async function getWorkOrder(sellerSlug: string, id: string): Promise<WorkOrderDetail | undefined> {
  const j = await baseQuery()
    .where(and(eq(sellers.slug, sellerSlug), eq(workOrders.sellerResourceId, id)))
    .get();
  if (!j) return undefined;
  const doc = j.row.document as unknown as WorkOrder;
  const cached = await getDb()
    .select({ id: appointments.sellerResourceId, status: appointments.status, startAt: appointments.startAt, endAt: appointments.endAt })
    .from(appointments)
    .where(and(eq(appointments.sellerId, j.row.sellerId), eq(appointments.workOrderId, id)))
    .orderBy(desc(appointments.startAt))
    .all();
  // The work order lists appointments we may not have fetched yet: show them too, without details.
  const known = new Set(cached.map((a) => a.id));
  const listed = (doc.appointment ?? []).filter((ref) => !known.has(ref.id)).map((ref) => ({ id: ref.id, status: 'unknown', startAt: null, endAt: null }));
  return { ...toItem(j), document: doc, appointments: [...cached, ...listed], sellerRowId: j.row.sellerId };
}

export interface FilterOption {
  value: string;
  label: string;
}

/** Sellers and sites for the filter menus: the registry and the inventory, so empty filters are offered too. */
export async function workforceFilterOptions(): Promise<{ sellers: FilterOption[]; sites: FilterOption[] }> {
  const db = getDb();
  const sellerRows = await db.select({ slug: sellers.slug, name: sellers.name }).from(sellers).orderBy(asc(sellers.name)).all();
  const siteRows = await db
    .selectDistinct({ siteId: products.siteId, siteName: products.siteName, seller: sellers.name })
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id))
    .orderBy(asc(sellers.name), asc(products.siteName))
    .all();
  const sites = new Map<string, FilterOption>();
  for (const s of siteRows) {
    if (s.siteId && !sites.has(s.siteId)) sites.set(s.siteId, { value: s.siteId, label: `${s.siteName || s.siteId} (${s.seller})` });
  }
  return { sellers: sellerRows.map((s) => ({ value: s.slug, label: s.name })), sites: [...sites.values()] };
}
