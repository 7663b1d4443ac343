import 'server-only';
import { and, asc, desc, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { appointments, products, sellers, tickets, workOrders, type WorkOrderRow } from '@/db/schema';
import type { WorkOrderState } from '@/lib/domain/work-order-state-machine';
import type { WorkOrder } from '@/lib/sonata/schemas';
import { workOrderColumns } from '@/lib/sync/workforce-cache';

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

function baseQuery() {
  return getDb()
    .select({ row: workOrders, sellerSlug: sellers.slug, sellerName: sellers.name })
    .from(workOrders)
    .innerJoin(sellers, eq(workOrders.sellerId, sellers.id));
}

type Joined = { row: WorkOrderRow; sellerSlug: string; sellerName: string };

export interface SiteInfo {
  siteId: string;
  siteName: string;
  siteAddress: string;
  siteTimeZone: string;
  label: string;
}

/** Our inventory keyed by "sellerRowId:productId": small, read once per page. */
export async function productSites(): Promise<Map<string, SiteInfo>> {
  const rows = await getDb()
    .select({
      sellerId: products.sellerId,
      productId: products.productId,
      siteId: products.siteId,
      siteName: products.siteName,
      siteAddress: products.siteAddress,
      siteTimeZone: products.siteTimeZone,
      label: products.label,
    })
    .from(products);
  return new Map(rows.map((r) => [`${r.sellerId}:${r.productId}`, r]));
}

/** Our ticket ids (externalId) of the Seller tickets named, keyed by "sellerRowId:sellerTicketId". */
export async function ticketExternalIds(keys: Array<{ sellerId: number; ticketId: string | null }>): Promise<Map<string, string>> {
  const ids = [...new Set(keys.map((k) => k.ticketId).filter((id): id is string => !!id))];
  if (ids.length === 0) return new Map();
  const rows = await getDb()
    .select({ sellerId: tickets.sellerId, sellerTicketId: tickets.sellerTicketId, externalId: tickets.externalId })
    .from(tickets)
    .where(inArray(tickets.sellerTicketId, ids));
  return new Map(rows.map((r) => [`${r.sellerId}:${r.sellerTicketId}`, r.externalId]));
}

/** The row's derived columns, or the document's when the row lacks them (rows written before they existed). */
export function derivedWorkOrderColumns(row: WorkOrderRow): { siteId: string | null; ticketId: string | null; productId: string | null } {
  if (row.productId && row.ticketId) return { siteId: row.siteId, ticketId: row.ticketId, productId: row.productId };
  const c = workOrderColumns(row.document as unknown as WorkOrder);
  return { siteId: row.siteId ?? c.siteId, ticketId: row.ticketId ?? c.ticketId, productId: row.productId ?? c.productId };
}

async function toItems(joined: Joined[]): Promise<WorkOrderListItem[]> {
  const sites = await productSites();
  const derived = joined.map((j) => derivedWorkOrderColumns(j.row));
  const externalIds = await ticketExternalIds(joined.map((j, i) => ({ sellerId: j.row.sellerId, ticketId: derived[i]!.ticketId })));
  return joined.map((j, i) => {
    const d = derived[i]!;
    const site = d.productId ? sites.get(`${j.row.sellerId}:${d.productId}`) : undefined;
    const doc = j.row.document as unknown as WorkOrder;
    return {
      sellerSlug: j.sellerSlug,
      sellerName: j.sellerName,
      id: j.row.sellerResourceId,
      state: j.row.status as WorkOrderState,
      appointmentRequired: j.row.appointmentRequired,
      appointmentRequiredSince: j.row.appointmentRequiredSince,
      ticketId: d.ticketId,
      ticketExternalId: d.ticketId ? (externalIds.get(`${j.row.sellerId}:${d.ticketId}`) ?? null) : null,
      tasks: Array.isArray(doc.task) ? doc.task : [],
      plannedExecutionDate: doc.plannedExecutionDate ?? null,
      fetchedAt: j.row.fetchedAt,
      siteId: d.siteId ?? site?.siteId ?? null,
      siteName: site?.siteName || d.siteId || 'Unknown site',
      siteAddress: site?.siteAddress ?? '',
      timeZone: site?.siteTimeZone || 'UTC',
      productId: d.productId,
      productLabel: site?.label ?? d.productId ?? '',
    };
  });
}

export async function listWorkOrders(filter: WorkOrderFilter = {}): Promise<WorkOrderListItem[]> {
  const where: SQL[] = [];
  if (filter.seller) where.push(eq(sellers.slug, filter.seller));
  if (filter.state) where.push(eq(workOrders.status, filter.state));
  if (filter.appointmentRequired !== undefined) where.push(eq(workOrders.appointmentRequired, filter.appointmentRequired));
  if (filter.site) where.push(or(eq(workOrders.siteId, filter.site), isNull(workOrders.siteId))!);
  const rows = await baseQuery()
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(workOrders.updatedAt), asc(workOrders.id));
  const items = await toItems(rows);
  return filter.site ? items.filter((i) => i.siteId === filter.site) : items;
}

/** Work orders waiting for the coordinator to book a visit, the longest-waiting first. */
export async function listAppointmentsNeeded(): Promise<WorkOrderListItem[]> {
  const rows = await baseQuery()
    .where(and(eq(workOrders.appointmentRequired, true), eq(workOrders.status, 'open')))
    .orderBy(asc(workOrders.appointmentRequiredSince), asc(workOrders.fetchedAt), asc(workOrders.id));
  return toItems(rows);
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
  const j = (await baseQuery()
    .where(and(eq(sellers.slug, sellerSlug), eq(workOrders.sellerResourceId, id))))[0]!;
  if (!j) return undefined;
  const doc = j.row.document as unknown as WorkOrder;
  const cached = await getDb()
    .select({ id: appointments.sellerResourceId, status: appointments.status, startAt: appointments.startAt, endAt: appointments.endAt })
    .from(appointments)
    .where(and(eq(appointments.sellerId, j.row.sellerId), eq(appointments.workOrderId, id)))
    .orderBy(desc(appointments.startAt));
  // The work order lists appointments we may not have fetched yet: show them too, without details.
  const known = new Set(cached.map((a) => a.id));
  const listed = (doc.appointment ?? []).filter((ref) => !known.has(ref.id)).map((ref) => ({ id: ref.id, status: 'unknown', startAt: null, endAt: null }));
  const [item] = await toItems([j]);
  return { ...item!, document: doc, appointments: [...cached, ...listed], sellerRowId: j.row.sellerId };
}

export interface FilterOption {
  value: string;
  label: string;
}

/** Sellers and sites for the filter menus: the registry and the inventory, so empty filters are offered too. */
export async function workforceFilterOptions(): Promise<{ sellers: FilterOption[]; sites: FilterOption[] }> {
  const db = getDb();
  const sellerRows = await db.select({ slug: sellers.slug, name: sellers.name }).from(sellers).orderBy(asc(sellers.name));
  const siteRows = await db
    .selectDistinct({ siteId: products.siteId, siteName: products.siteName, seller: sellers.name })
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id))
    .orderBy(asc(sellers.name), asc(products.siteName));
  const sites = new Map<string, FilterOption>();
  for (const s of siteRows) {
    if (s.siteId && !sites.has(s.siteId)) sites.set(s.siteId, { value: s.siteId, label: `${s.siteName || s.siteId} (${s.seller})` });
  }
  return { sellers: sellerRows.map((s) => ({ value: s.slug, label: s.name })), sites: [...sites.values()] };
}
