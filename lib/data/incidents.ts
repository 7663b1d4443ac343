import 'server-only';
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, like, lt, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getDb } from '@/db';
import { incidents, products, sellerIncidentState, sellers, tickets, type IncidentRow, type Ticket } from '@/db/schema';
import { ticketPath } from '@/lib/data/tickets';
import {
  INCIDENT_STATUS,
  INCIDENT_TYPE,
  OBSERVED_IMPACT,
  TICKET_PRIORITY,
  TICKET_SEVERITY,
  isMefValue,
  type IncidentStatus,
  type IncidentType,
  type ObservedImpact,
  type TicketPriority,
  type TicketSeverity,
} from '@/lib/domain/mef-labels';
import { TICKET_TERMINAL } from '@/lib/domain/ticket-state-machine';
import type { Incident, TroubleTicket } from '@/lib/sonata/schemas';

/**
 * Reads of the incident cache for the incident screens, and the links between incidents and our tickets: a ticket
 * is linked when its document's relatedIssue[] names the incident with @referredType "Incident".
 */

export const INCIDENT_REFERRED_TYPE = 'Incident';
/** The default relation when we tie our ticket to a Seller's incident: our trouble is caused by it. */
export const DEFAULT_INCIDENT_RELATIONSHIP = 'isCausedBy';

// --- filters (MEF 113 O17, plus Seller, free text and "on our products") ----------------------------------------------

export interface DateBounds {
  /** Inclusive lower bound, ISO instant (UTC, milliseconds). */
  from?: string;
  /** Exclusive upper bound, ISO instant. */
  to?: string;
}

export interface IncidentFilter {
  seller?: string;
  product?: string;
  severity?: TicketSeverity;
  priority?: TicketPriority;
  incidentType?: IncidentType;
  impact?: ObservedImpact;
  /** One MEF status, or `open` for every status but closed. */
  status?: IncidentStatus | 'open';
  /** Only incidents naming one of our products. */
  ours?: boolean;
  q?: string;
  creationDate?: DateBounds;
  situationStartDate?: DateBounds;
  expectedClosedDate?: DateBounds;
  closedDate?: DateBounds;
  page?: number;
}

export const DATE_FILTERS = [
  { key: 'creationDate', param: 'created', label: 'Created' },
  { key: 'situationStartDate', param: 'started', label: 'Situation started' },
  { key: 'expectedClosedDate', param: 'expected', label: 'Expected closed' },
  { key: 'closedDate', param: 'closed', label: 'Closed' },
] as const;

type SearchParams = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => {
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : undefined;
};

const DAY_MS = 86_400_000;

/**
 * A bound from the URL: a calendar day (YYYY-MM-DD, UTC; the upper bound then includes that whole day) or an ISO
 * instant. Anything else is ignored.
 */
export function parseDateBound(value: string | undefined, side: 'from' | 'to'): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00.000Z`);
    // Date.parse rolls 30 February over into March; such a day does not exist.
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
    return new Date(side === 'to' ? ms + DAY_MS : ms).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The filter in the page's URL; unknown or malformed values are dropped rather than failing the page. */
export function parseIncidentFilter(params: SearchParams): IncidentFilter {
  const f: IncidentFilter = {};
  const seller = one(params.seller);
  if (seller) f.seller = seller;
  const product = one(params.product);
  if (product) f.product = product.slice(0, 200);
  const severity = one(params.severity);
  if (isMefValue(TICKET_SEVERITY, severity)) f.severity = severity;
  const priority = one(params.priority);
  if (isMefValue(TICKET_PRIORITY, priority)) f.priority = priority;
  const type = one(params.type);
  if (isMefValue(INCIDENT_TYPE, type)) f.incidentType = type;
  const impact = one(params.impact);
  if (isMefValue(OBSERVED_IMPACT, impact)) f.impact = impact;
  const status = one(params.status);
  if (status === 'open' || isMefValue(INCIDENT_STATUS, status)) f.status = status;
  if (one(params.ours) === '1') f.ours = true;
  const q = one(params.q);
  if (q) f.q = q.slice(0, 200);
  for (const d of DATE_FILTERS) {
    const from = parseDateBound(one(params[`${d.param}From`]), 'from');
    const to = parseDateBound(one(params[`${d.param}To`]), 'to');
    if (from || to) f[d.key] = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  }
  const page = Number(one(params.page));
  if (Number.isInteger(page) && page > 1) f.page = page;
  return f;
}

/** True when anything but the page narrows the list. */
export function isFiltered(f: IncidentFilter): boolean {
  return Object.entries(f).some(([k, v]) => k !== 'page' && v !== undefined);
}

/** `value` inside a LIKE pattern, taken literally. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function contains(column: AnySQLiteColumn, value: string): SQL {
  return sql`${column} like ${`%${likeLiteral(value)}%`} escape '\\'`;
}

/** The incident names `productId` among its relatedEntity[] (the JSON text holds `"id":"<productId>"`). */
function namesProduct(productId: string): SQL {
  return contains(incidents.relatedEntities, `"id":${JSON.stringify(productId)}`);
}

function within(column: AnySQLiteColumn, bounds: DateBounds | undefined): SQL[] {
  if (!bounds) return [];
  const out: SQL[] = [];
  if (bounds.from) out.push(gte(column, bounds.from));
  if (bounds.to) out.push(lt(column, bounds.to));
  return out;
}

/** The WHERE conditions of a list query; each attribute condition lines up with an index on `incidents`. */
export function incidentConditions(f: IncidentFilter, sellerId: number | null): SQL[] {
  const c: SQL[] = [];
  if (f.seller) c.push(sellerId === null ? eq(incidents.id, -1) : eq(incidents.sellerId, sellerId));
  if (f.product) c.push(namesProduct(f.product));
  if (f.severity) c.push(eq(incidents.severity, f.severity));
  if (f.priority) c.push(eq(incidents.priority, f.priority));
  if (f.incidentType) c.push(eq(incidents.incidentType, f.incidentType));
  if (f.impact) c.push(eq(incidents.impact, f.impact));
  if (f.status === 'open') c.push(ne(incidents.status, 'closed'));
  else if (f.status) c.push(eq(incidents.status, f.status));
  if (f.ours) c.push(isNotNull(incidents.productId));
  if (f.q) c.push(or(contains(incidents.description, f.q), contains(incidents.sellerResourceId, f.q)) as SQL);
  c.push(...within(incidents.creationDate, f.creationDate));
  c.push(...within(incidents.situationStartDate, f.situationStartDate));
  c.push(...within(incidents.expectedClosedDate, f.expectedClosedDate));
  c.push(...within(incidents.closedDate, f.closedDate));
  return c;
}

// --- products and tickets an incident touches ----------------------------------------------------------------------

export interface AffectedProduct {
  id: string;
  role: string | null;
  /** Set when the product is one of ours at that Seller. */
  ours: { label: string; siteName: string } | null;
}

export interface LinkedTicket {
  ticketId: number;
  externalId: string;
  sellerTicketId: string | null;
  status: string | null;
  open: boolean;
  productId: string;
  description: string;
  path: string;
  relationshipType: string;
  note: string;
}

export function isTicketOpen(status: string | null): boolean {
  return !status || !(TICKET_TERMINAL as readonly string[]).includes(status);
}

type RelatedIssue = NonNullable<TroubleTicket['relatedIssue']>[number];

/** The incident references in a ticket document's relatedIssue[]. */
export function incidentReferences(doc: Pick<TroubleTicket, 'relatedIssue'> | Record<string, unknown>): RelatedIssue[] {
  const list = (doc as Pick<TroubleTicket, 'relatedIssue'>).relatedIssue;
  if (!Array.isArray(list)) return [];
  return list.filter((r) => typeof r?.id === 'string' && String(r['@referredType']).toLowerCase() === INCIDENT_REFERRED_TYPE.toLowerCase());
}

function parseEntities(json: string | null): { id: string; role: string | null }[] {
  if (!json) return [];
  try {
    const list = JSON.parse(json) as unknown;
    if (!Array.isArray(list)) return [];
    return list
      .filter((e): e is { id: string; role?: string; '@referredType'?: string } => typeof e?.id === 'string')
      .filter((e) => (e['@referredType'] ?? 'Product') === 'Product')
      .map((e) => ({ id: e.id, role: e.role ?? null }));
  } catch {
    return [];
  }
}

async function ourProducts(sellerIds: number[]): Promise<Map<number, Map<string, { label: string; siteName: string }>>> {
  const out = new Map<number, Map<string, { label: string; siteName: string }>>();
  if (sellerIds.length === 0) return out;
  const rows = await getDb()
    .select({ sellerId: products.sellerId, productId: products.productId, label: products.label, siteName: products.siteName })
    .from(products)
    .where(inArray(products.sellerId, sellerIds));
  for (const r of rows) {
    let bySeller = out.get(r.sellerId);
    if (!bySeller) out.set(r.sellerId, (bySeller = new Map()));
    bySeller.set(r.productId, { label: r.label, siteName: r.siteName });
  }
  return out;
}

const linkKey = (sellerId: number, incidentId: string) => `${sellerId}\n${incidentId}`;

/**
 * Our tickets whose relatedIssue[] names one of `incidentIds` at `sellerIds`, keyed by (Seller, incident id).
 * Only ticket documents that mention an incident at all are parsed.
 */
async function ticketsLinkedTo(
  pairs: { sellerId: number; incidentId: string }[],
  options: { openOnly: boolean; sellerSlugs: Map<number, string> },
): Promise<Map<string, LinkedTicket[]>> {
  const out = new Map<string, LinkedTicket[]>();
  if (pairs.length === 0) return out;
  const wanted = new Set(pairs.map((p) => linkKey(p.sellerId, p.incidentId)));
  const sellerIds = [...new Set(pairs.map((p) => p.sellerId))];
  const conditions: SQL[] = [inArray(tickets.sellerId, sellerIds), like(tickets.document, '%Incident%')];
  if (options.openOnly) conditions.push(or(isNull(tickets.status), notInArray(tickets.status, [...TICKET_TERMINAL])) as SQL);
  const rows = await getDb()
    .select({
      id: tickets.id,
      sellerId: tickets.sellerId,
      externalId: tickets.externalId,
      sellerTicketId: tickets.sellerTicketId,
      status: tickets.status,
      productId: tickets.productId,
      description: tickets.description,
      document: tickets.document,
    })
    .from(tickets)
    .where(and(...conditions))
    .orderBy(desc(tickets.updatedAt));
  for (const t of rows) {
    for (const ref of incidentReferences(t.document)) {
      const key = linkKey(t.sellerId, ref.id);
      if (!wanted.has(key)) continue;
      const list = out.get(key) ?? [];
      if (list.some((l) => l.ticketId === t.id)) continue;
      list.push({
        ticketId: t.id,
        externalId: t.externalId,
        sellerTicketId: t.sellerTicketId,
        status: t.status,
        open: isTicketOpen(t.status),
        productId: t.productId,
        description: t.description,
        path: ticketPath({ sellerSlug: options.sellerSlugs.get(t.sellerId) ?? '', sellerTicketId: t.sellerTicketId, externalId: t.externalId }),
        relationshipType: ref.relationshipType ?? '',
        note: ref.description ?? '',
      });
      out.set(key, list);
    }
  }
  return out;
}

// --- the list ---------------------------------------------------------------------------------------------------------

export interface IncidentListRow {
  localId: number;
  sellerId: number;
  sellerSlug: string;
  sellerName: string;
  id: string;
  status: string;
  description: string;
  severity: string | null;
  priority: string | null;
  impact: string | null;
  incidentType: string | null;
  creationDate: string | null;
  situationStartDate: string | null;
  expectedClosedDate: string | null;
  closedDate: string | null;
  products: AffectedProduct[];
  /** Our open tickets that reference this incident. */
  linkedOpenTickets: number;
  path: string;
}

export interface SellerIncidentStatus {
  slug: string;
  name: string;
  /** null until the Seller was first asked. */
  offered: boolean | null;
  notOfferedSince: string | null;
  lastListedAt: string | null;
  lastListError: string | null;
}

export interface IncidentListPage {
  rows: IncidentListRow[];
  total: number;
  page: number;
  pageSize: number;
}

export function incidentPath(sellerSlug: string, id: string): string {
  return `/incidents/${encodeURIComponent(sellerSlug)}/${encodeURIComponent(id)}`;
}

const listColumns = {
  localId: incidents.id,
  sellerId: incidents.sellerId,
  sellerSlug: sellers.slug,
  sellerName: sellers.name,
  id: incidents.sellerResourceId,
  status: incidents.status,
  description: incidents.description,
  severity: incidents.severity,
  priority: incidents.priority,
  impact: incidents.impact,
  incidentType: incidents.incidentType,
  creationDate: incidents.creationDate,
  situationStartDate: incidents.situationStartDate,
  expectedClosedDate: incidents.expectedClosedDate,
  closedDate: incidents.closedDate,
  relatedEntities: incidents.relatedEntities,
};

/** Open incidents first, then the newest. */
const openFirst = sql`case when ${incidents.status} = 'closed' then 1 else 0 end`;

export async function listIncidents(filter: IncidentFilter, options: { pageSize?: number } = {}): Promise<IncidentListPage> {
  const db = getDb();
  const pageSize = Math.min(500, Math.max(1, options.pageSize ?? 50));
  const page = filter.page ?? 1;
  let sellerId: number | null = null;
  if (filter.seller) {
    sellerId = ((await db.select({ id: sellers.id }).from(sellers).where(eq(sellers.slug, filter.seller)).limit(1))[0])?.id ?? null;
  }
  const where = and(...incidentConditions(filter, sellerId));
  const [totalRow] = await db.select({ n: count() }).from(incidents).where(where);
  const raw = await db
    .select(listColumns)
    .from(incidents)
    .innerJoin(sellers, eq(incidents.sellerId, sellers.id))
    .where(where)
    .orderBy(openFirst, desc(incidents.creationDate), desc(incidents.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const sellerIds = [...new Set(raw.map((r) => r.sellerId))];
  const [ours, links] = await Promise.all([
    ourProducts(sellerIds),
    ticketsLinkedTo(
      raw.map((r) => ({ sellerId: r.sellerId, incidentId: r.id })),
      { openOnly: true, sellerSlugs: new Map(raw.map((r) => [r.sellerId, r.sellerSlug])) },
    ),
  ]);
  const rows = raw.map(({ relatedEntities, ...r }): IncidentListRow => {
    const mine = ours.get(r.sellerId);
    return {
      ...r,
      description: r.description ?? '',
      products: parseEntities(relatedEntities).map((e) => ({ ...e, ours: mine?.get(e.id) ?? null })),
      linkedOpenTickets: links.get(linkKey(r.sellerId, r.id))?.length ?? 0,
      path: incidentPath(r.sellerSlug, r.id),
    };
  });
  return { rows, total: totalRow?.n ?? 0, page, pageSize };
}

/** Each enabled Seller and whether it offers incidents, as last observed. */
export async function incidentSellerStatuses(): Promise<SellerIncidentStatus[]> {
  const rows = await getDb()
    .select({
      slug: sellers.slug,
      name: sellers.name,
      notOfferedSince: sellerIncidentState.notOfferedSince,
      lastListedAt: sellerIncidentState.lastListedAt,
      lastListError: sellerIncidentState.lastListError,
      checkedAt: sellerIncidentState.checkedAt,
    })
    .from(sellers)
    .leftJoin(sellerIncidentState, eq(sellerIncidentState.sellerId, sellers.id))
    .where(eq(sellers.enabled, true))
    .orderBy(asc(sellers.name));
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    offered: r.notOfferedSince ? false : r.lastListedAt ? true : null,
    notOfferedSince: r.notOfferedSince ?? null,
    lastListedAt: r.lastListedAt ?? null,
    lastListError: r.lastListError ?? null,
  }));
}

/** Choices for the filter form: enabled Sellers and our products (by Seller). */
export async function incidentFilterOptions() {
  const db = getDb();
  const sellerRows = await db.select({ slug: sellers.slug, name: sellers.name }).from(sellers).where(eq(sellers.enabled, true)).orderBy(asc(sellers.name));
  const productRows = await db
    .select({ sellerName: sellers.name, productId: products.productId, label: products.label })
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id))
    .where(eq(sellers.enabled, true))
    .orderBy(asc(sellers.name), asc(products.label));
  return {
    sellers: sellerRows.map((s) => ({ value: s.slug, label: s.name })),
    products: productRows.map((p) => ({ value: p.productId, label: `${p.sellerName} · ${p.label} (${p.productId})` })),
  };
}

// --- one incident -------------------------------------------------------------------------------------------------------

export interface IncidentRelation {
  referredType: string;
  id: string;
  relationshipType: string;
  description: string;
  source: string;
  creationDate: string | null;
  /** Our page for the related object, when we have it. */
  path: string | null;
  /** Its status as we last saw it. */
  status: string | null;
  /** Our ticket id for a related ticket. */
  externalId: string | null;
}

export interface IncidentDetail {
  seller: { id: number; slug: string; name: string; enabled: boolean };
  row: IncidentRow;
  incident: Incident;
  products: (AffectedProduct & { openTickets: { externalId: string; path: string; status: string | null }[] })[];
  linkedTickets: LinkedTicket[];
  relations: IncidentRelation[];
}

async function sellerBySlug(slug: string) {
  return (await getDb().select({ id: sellers.id, slug: sellers.slug, name: sellers.name, enabled: sellers.enabled }).from(sellers).where(eq(sellers.slug, slug)).limit(1))[0];
}

export async function getIncidentDetail(sellerSlug: string, id: string): Promise<IncidentDetail | undefined> {
  const db = getDb();
  const seller = await sellerBySlug(sellerSlug);
  if (!seller) return undefined;
  const row = (await db.select().from(incidents).where(and(eq(incidents.sellerId, seller.id), eq(incidents.sellerResourceId, id))).limit(1))[0];
  if (!row) return undefined;
  const incident = row.document as unknown as Incident;
  const slugs = new Map([[seller.id, seller.slug]]);
  const [ours, links] = await Promise.all([
    ourProducts([seller.id]),
    ticketsLinkedTo([{ sellerId: seller.id, incidentId: id }], { openOnly: false, sellerSlugs: slugs }),
  ]);
  const entities = parseEntities(row.relatedEntities);
  const ourIds = entities.map((e) => e.id).filter((pid) => ours.get(seller.id)?.has(pid));
  const productTickets = ourIds.length
    ? await db
        .select({ productId: tickets.productId, externalId: tickets.externalId, sellerTicketId: tickets.sellerTicketId, status: tickets.status })
        .from(tickets)
        .where(and(eq(tickets.sellerId, seller.id), inArray(tickets.productId, ourIds), or(isNull(tickets.status), notInArray(tickets.status, [...TICKET_TERMINAL]))))
        .orderBy(desc(tickets.updatedAt))
    : [];
  const productsOut = entities.map((e) => ({
    ...e,
    ours: ours.get(seller.id)?.get(e.id) ?? null,
    openTickets: productTickets
      .filter((t) => t.productId === e.id)
      .map((t) => ({ externalId: t.externalId, status: t.status, path: ticketPath({ sellerSlug: seller.slug, sellerTicketId: t.sellerTicketId, externalId: t.externalId }) })),
  }));

  const related = Array.isArray(incident.relatedIssue) ? incident.relatedIssue : [];
  const ticketIds = related.filter((r) => r['@referredType'] !== INCIDENT_REFERRED_TYPE).map((r) => r.id);
  const incidentIds = related.filter((r) => r['@referredType'] === INCIDENT_REFERRED_TYPE).map((r) => r.id);
  const [ticketRows, incidentRows] = await Promise.all([
    ticketIds.length
      ? (await db
          .select({ sellerTicketId: tickets.sellerTicketId, externalId: tickets.externalId, status: tickets.status })
          .from(tickets)
          .where(and(eq(tickets.sellerId, seller.id), or(inArray(tickets.sellerTicketId, ticketIds), inArray(tickets.externalId, ticketIds)))))
      : Promise.resolve([]),
    incidentIds.length
      ? (await db
          .select({ id: incidents.sellerResourceId, status: incidents.status })
          .from(incidents)
          .where(and(eq(incidents.sellerId, seller.id), inArray(incidents.sellerResourceId, incidentIds))))
      : Promise.resolve([]),
  ]);
  const relations = related.map((r): IncidentRelation => {
    const base = {
      referredType: r['@referredType'],
      id: r.id,
      relationshipType: r.relationshipType ?? '',
      description: r.description ?? '',
      source: r.source ?? '',
      creationDate: r.creationDate ?? null,
    };
    if (r['@referredType'] === INCIDENT_REFERRED_TYPE) {
      const hit = incidentRows.find((i) => i.id === r.id);
      return { ...base, path: hit ? incidentPath(seller.slug, r.id) : null, status: hit?.status ?? null, externalId: null };
    }
    const hit = ticketRows.find((t) => t.sellerTicketId === r.id || t.externalId === r.id);
    return {
      ...base,
      path: hit ? ticketPath({ sellerSlug: seller.slug, sellerTicketId: hit.sellerTicketId, externalId: hit.externalId }) : null,
      status: hit?.status ?? null,
      externalId: hit?.externalId ?? null,
    };
  });

  return {
    seller,
    row,
    incident,
    products: productsOut,
    linkedTickets: links.get(linkKey(seller.id, id)) ?? [],
    relations,
  };
}

/** Our open tickets at the incident's Seller that do not reference it yet, those on an affected product first. */
export async function linkableTickets(sellerSlug: string, incidentId: string, limit = 100) {
  const detail = await getIncidentDetail(sellerSlug, incidentId);
  if (!detail) return [];
  const linked = new Set(detail.linkedTickets.map((t) => t.ticketId));
  const affected = detail.products.map((p) => p.id);
  const rows = await getDb()
    .select({ id: tickets.id, externalId: tickets.externalId, sellerTicketId: tickets.sellerTicketId, productId: tickets.productId, description: tickets.description, status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.sellerId, detail.seller.id), or(isNull(tickets.status), notInArray(tickets.status, [...TICKET_TERMINAL]))))
    .orderBy(desc(tickets.updatedAt))
    .limit(limit * 2);
  return rows
    .filter((t) => !linked.has(t.id))
    .map((t) => ({ ...t, onAffectedProduct: affected.includes(t.productId) }))
    .sort((a, b) => Number(b.onAffectedProduct) - Number(a.onAffectedProduct))
    .slice(0, limit);
}

// --- for the ticket screens ---------------------------------------------------------------------------------------------

export interface OpenIncidentSummary {
  seller: string;
  id: string;
  description: string;
  status: string;
  severity: string | null;
  impact: string | null;
  creationDate: string | null;
  expectedClosedDate: string | null;
  path: string;
}

/** Open incidents at `sellerSlug` that name `productId`, newest first (MEF 113 UC 1 step 1: is there one already?). */
export async function openIncidentsForProduct(sellerSlug: string, productId: string): Promise<OpenIncidentSummary[]> {
  const seller = await sellerBySlug(sellerSlug);
  if (!seller || !productId) return [];
  const rows = await getDb()
    .select({
      id: incidents.sellerResourceId,
      description: incidents.description,
      status: incidents.status,
      severity: incidents.severity,
      impact: incidents.impact,
      creationDate: incidents.creationDate,
      expectedClosedDate: incidents.expectedClosedDate,
    })
    .from(incidents)
    .where(and(eq(incidents.sellerId, seller.id), ne(incidents.status, 'closed'), namesProduct(productId)))
    .orderBy(desc(incidents.creationDate));
  return rows
    .filter((r) => r.id)
    .map((r) => ({ ...r, seller: seller.slug, description: r.description ?? '', path: incidentPath(seller.slug, r.id) }));
}

export interface TicketIncidentLink {
  id: string;
  relationshipType: string;
  note: string;
  /** null when the incident is not in our cache (the Seller never reported it to us, or it offers no incidents). */
  status: string | null;
  description: string | null;
  closedDate: string | null;
  expectedClosedDate: string | null;
  path: string | null;
}

/** Each incident a ticket references, with its current state from the cache. */
export async function linkedIncidentsOfTicket(ticket: Pick<Ticket, 'sellerId' | 'document'>): Promise<TicketIncidentLink[]> {
  const refs = incidentReferences(ticket.document);
  if (refs.length === 0) return [];
  const db = getDb();
  const seller = (await db.select({ slug: sellers.slug }).from(sellers).where(eq(sellers.id, ticket.sellerId)).limit(1))[0];
  const rows = await db
    .select({
      id: incidents.sellerResourceId,
      status: incidents.status,
      description: incidents.description,
      closedDate: incidents.closedDate,
      expectedClosedDate: incidents.expectedClosedDate,
    })
    .from(incidents)
    .where(and(eq(incidents.sellerId, ticket.sellerId), inArray(incidents.sellerResourceId, refs.map((r) => r.id))));
  const seen = new Set<string>();
  const out: TicketIncidentLink[] = [];
  for (const ref of refs) {
    if (seen.has(ref.id)) continue;
    seen.add(ref.id);
    const hit = rows.find((r) => r.id === ref.id);
    out.push({
      id: ref.id,
      relationshipType: ref.relationshipType ?? '',
      note: ref.description ?? '',
      status: hit?.status ?? null,
      description: hit?.description ?? null,
      closedDate: hit?.closedDate ?? null,
      expectedClosedDate: hit?.expectedClosedDate ?? null,
      path: hit && seller ? incidentPath(seller.slug, ref.id) : null,
    });
  }
  return out;
}

/** The same, for a ticket known by its local row id. */
export async function linkedIncidentsOfTicketId(ticketId: number): Promise<TicketIncidentLink[]> {
  const ticket = (await getDb().select({ sellerId: tickets.sellerId, document: tickets.document }).from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  return ticket ? linkedIncidentsOfTicket(ticket) : [];
}
