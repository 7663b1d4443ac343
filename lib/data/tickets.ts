import 'server-only';
import { and, asc, count, desc, eq, gt, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getDb, type Db } from '@/db';
import { outbox, sellers, tickets, type OutboxItem, type Seller, type Ticket } from '@/db/schema';
import { ticketTextMatch } from '@/db/ticket-search';
import { OPEN_STATUSES, STATUSES_WAITING_ON_SELLER, STATUSES_WAITING_ON_US } from '@/lib/domain/sla-clock';
import { dayRangeBounds, type TicketQueueQuery } from '@/lib/domain/ticket-queue';
import type { TicketStatus } from '@/lib/domain/mef-labels';

/** One line of the queue: the indexed columns, never the whole document. */
export interface TicketQueueRow {
  id: number;
  sellerId: number;
  sellerSlug: string;
  sellerName: string;
  sellerTicketId: string | null;
  externalId: string;
  productId: string;
  description: string;
  severity: string;
  sellerSeverity: string | null;
  priority: string;
  sellerPriority: string | null;
  ticketType: string;
  observedImpact: string;
  status: string | null;
  creationDate: string | null;
  createdAt: string;
  expectedResolutionDate: string | null;
  resolutionDate: string | null;
  updatedAt: string;
  syncState: Ticket['syncState'];
  syncError: string | null;
  slaRiskAt: string | null;
  slaBreachAt: string | null;
  slaVerdict: string | null;
}

const queueColumns = {
  id: tickets.id,
  sellerId: tickets.sellerId,
  sellerSlug: sellers.slug,
  sellerName: sellers.name,
  sellerTicketId: tickets.sellerTicketId,
  externalId: tickets.externalId,
  productId: tickets.productId,
  description: tickets.description,
  severity: tickets.severity,
  sellerSeverity: tickets.sellerSeverity,
  priority: tickets.priority,
  sellerPriority: tickets.sellerPriority,
  ticketType: tickets.ticketType,
  observedImpact: tickets.observedImpact,
  status: tickets.status,
  creationDate: tickets.creationDate,
  createdAt: tickets.createdAt,
  expectedResolutionDate: tickets.expectedResolutionDate,
  resolutionDate: tickets.resolutionDate,
  updatedAt: tickets.updatedAt,
  syncState: tickets.syncState,
  syncError: tickets.syncError,
  slaRiskAt: tickets.slaRiskAt,
  slaBreachAt: tickets.slaBreachAt,
  slaVerdict: tickets.slaVerdict,
};

/** Statuses a ticket may not be overdue in: the Seller has delivered, or the ticket is over. */
const OVERDUE_STATUSES = OPEN_STATUSES.filter((s) => s !== 'resolved');

export interface QueueContext {
  userId: number;
  /** Seller ids for the `seller` filter (slugs resolved); null when not filtering by Seller. */
  sellerIds: number[] | null;
  now: Date;
}

function intersect(sets: (readonly TicketStatus[] | undefined)[]): TicketStatus[] | undefined {
  const defined = sets.filter((s): s is readonly TicketStatus[] => s !== undefined);
  if (defined.length === 0) return undefined;
  return defined.reduce<TicketStatus[]>((acc, s) => acc.filter((v) => s.includes(v)), [...defined[0]!]);
}

function range(column: AnySQLiteColumn, r: { from?: string; to?: string }): SQL[] {
  const b = dayRangeBounds(r);
  const out: SQL[] = [];
  if (b.gte) out.push(gte(column, b.gte));
  if (b.lt) out.push(lt(column, b.lt));
  return out;
}

/** The WHERE conditions of a queue query; each one lines up with an index on `tickets`. */
export function ticketQueueConditions(query: TicketQueueQuery, ctx: QueueContext): SQL[] {
  const c: SQL[] = [];
  if (ctx.sellerIds) c.push(ctx.sellerIds.length ? inArray(tickets.sellerId, ctx.sellerIds) : eq(tickets.id, -1));
  if (query.externalId) c.push(eq(tickets.externalId, query.externalId));
  if (query.product) c.push(eq(tickets.productId, query.product));
  if (query.severity.length) c.push(inArray(tickets.severity, query.severity));
  if (query.sellerSeverity.length) c.push(inArray(tickets.sellerSeverity, query.sellerSeverity));
  if (query.priority.length) c.push(inArray(tickets.priority, query.priority));
  if (query.sellerPriority.length) c.push(inArray(tickets.sellerPriority, query.sellerPriority));
  if (query.type.length) c.push(inArray(tickets.ticketType, query.type));
  if (query.impact.length) c.push(inArray(tickets.observedImpact, query.impact));
  const statuses = intersect([
    query.state.length ? query.state : undefined,
    query.waiting === 'us' ? STATUSES_WAITING_ON_US : query.waiting === 'seller' ? STATUSES_WAITING_ON_SELLER : undefined,
    query.overdue ? OVERDUE_STATUSES : undefined,
  ]);
  if (statuses) {
    const allowed = query.open ? statuses.filter((s) => OPEN_STATUSES.includes(s)) : statuses;
    c.push(allowed.length ? inArray(tickets.status, allowed) : eq(tickets.id, -1));
  } else if (query.open) {
    // A create still on its way to the Seller has no status yet and is open too.
    c.push(or(inArray(tickets.status, [...OPEN_STATUSES]), isNull(tickets.status))!);
  }
  if (query.overdue) c.push(lt(tickets.expectedResolutionDate, ctx.now.toISOString()));
  c.push(...range(tickets.creationDate, query.created));
  c.push(...range(tickets.expectedResolutionDate, query.expected));
  c.push(...range(tickets.resolutionDate, query.resolved));
  if (query.mine) c.push(eq(tickets.createdByUserId, ctx.userId));
  if (query.sync) c.push(query.sync === 'queued' ? inArray(tickets.syncState, ['queued', 'sending']) : eq(tickets.syncState, 'rejected'));
  if (query.sla) {
    const now = ctx.now.toISOString();
    c.push(
      query.sla === 'breached'
        ? lte(tickets.slaBreachAt, now)
        : and(lte(tickets.slaRiskAt, now), or(isNull(tickets.slaBreachAt), gt(tickets.slaBreachAt, now)))!,
    );
  }
  if (query.q) {
    const match = ticketTextMatch(query.q);
    if (match) c.push(match);
  }
  return c;
}

function orderBy(query: TicketQueueQuery): SQL[] {
  // Few tickets are at risk at a time: read them through the SLA index and sort them, rather than walking the
  // order's index over every ticket (unary + keeps SQLite from ordering through an index).
  const plain = query.dir === 'asc' ? asc : desc;
  const dir = query.sla === 'atRisk' ? (c: AnySQLiteColumn) => plain(sql`+${c}`) : (c: AnySQLiteColumn) => plain(c);
  switch (query.sort) {
    case 'created':
      return [dir(tickets.creationDate), dir(tickets.id)];
    case 'expected':
      return [dir(tickets.expectedResolutionDate), dir(tickets.id)];
    case 'resolved':
      return [dir(tickets.resolutionDate), dir(tickets.id)];
    case 'seller':
      return [dir(tickets.sellerId), desc(tickets.updatedAt), desc(tickets.id)];
    case 'state':
      return [dir(tickets.status), desc(tickets.updatedAt), desc(tickets.id)];
    case 'breach':
      // Tickets without a breach ahead (no agreement, paused on track, met) come last either way.
      return [asc(sql`${tickets.slaBreachAt} is null`), dir(tickets.slaBreachAt), dir(tickets.id)];
    default:
      return [dir(tickets.updatedAt), dir(tickets.id)];
  }
}

/**
 * The page's ticket ids (exposed so tests can read its plan). Only indexed columns are touched, so SQLite can
 * filter and order from an index without reading whole rows; the rows are fetched by id afterwards.
 */
export function ticketQueuePageQuery(db: Db, query: TicketQueueQuery, ctx: QueueContext, page = query.page) {
  return db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(...ticketQueueConditions(query, ctx)))
    .orderBy(...orderBy(query))
    .limit(query.size)
    .offset((page - 1) * query.size);
}

async function rowsByIds(db: Db, ids: number[]): Promise<TicketQueueRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.select(queueColumns).from(tickets).innerJoin(sellers, eq(sellers.id, tickets.sellerId)).where(inArray(tickets.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is TicketQueueRow => !!r);
}

export function ticketQueueCountQuery(db: Db, query: TicketQueueQuery, ctx: QueueContext) {
  return db.select({ n: count() }).from(tickets).where(and(...ticketQueueConditions(query, ctx)));
}

export async function queueContext(query: TicketQueueQuery, userId: number, now = new Date()): Promise<QueueContext> {
  let sellerIds: number[] | null = null;
  if (query.seller.length) {
    const rows = await getDb().select({ id: sellers.id }).from(sellers).where(inArray(sellers.slug, query.seller));
    sellerIds = rows.map((r) => r.id);
  }
  return { userId, sellerIds, now };
}

export interface TicketQueuePage {
  rows: TicketQueueRow[];
  total: number;
  page: number;
  pageCount: number;
  size: number;
}

/** One page of the cross-Seller queue. */
export async function listTicketQueue(query: TicketQueueQuery, userId: number): Promise<TicketQueuePage> {
  const db = getDb();
  const ctx = await queueContext(query, userId);
  const [{ n: total } = { n: 0 }] = await ticketQueueCountQuery(db, query, ctx);
  const pageCount = Math.max(1, Math.ceil(total / query.size));
  const page = Math.min(query.page, pageCount);
  const ids = (await ticketQueuePageQuery(db, query, ctx, page)).map((r) => r.id);
  return { rows: await rowsByIds(db, ids), total, page, pageCount, size: query.size };
}

/** Every row of the current view, in batches (CSV export). */
export async function* exportTicketQueue(query: TicketQueueQuery, userId: number, max = 100_000): AsyncGenerator<TicketQueueRow[]> {
  const db = getDb();
  const ctx = await queueContext(query, userId);
  const size = 1000;
  const batchQuery = { ...query, size };
  for (let page = 1; (page - 1) * size < max; page++) {
    const ids = (await ticketQueuePageQuery(db, batchQuery, ctx, page)).map((r) => r.id);
    const rows = await rowsByIds(db, ids);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
  }
}

export interface TicketDetail {
  ticket: Ticket;
  seller: Pick<Seller, 'id' | 'slug' | 'name' | 'enabled'>;
  outbox: OutboxItem[];
}

/** A ticket by its Seller and either the Seller's ticket id or our externalId (while a create is still queued). */
export async function getTicketDetail(sellerSlug: string, id: string): Promise<TicketDetail | undefined> {
  const db = getDb();
  const seller = (await db
    .select({ id: sellers.id, slug: sellers.slug, name: sellers.name, enabled: sellers.enabled })
    .from(sellers)
    .where(eq(sellers.slug, sellerSlug))
    .limit(1))[0];
  if (!seller) return undefined;
  const ticket =
    ((await db.select().from(tickets).where(and(eq(tickets.sellerId, seller.id), eq(tickets.sellerTicketId, id))).limit(1))[0]) ??
    ((await db.select().from(tickets).where(and(eq(tickets.sellerId, seller.id), eq(tickets.externalId, id))).limit(1))[0]);
  if (!ticket) return undefined;
  const items = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticket.id), inArray(outbox.state, ['pending', 'rejected'])))
    .orderBy(asc(outbox.id));
  return { ticket, seller, outbox: items };
}

export async function getTicketById(id: number): Promise<Ticket | undefined> {
  return (await getDb().select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];
}

/** The path of a ticket's page: by the Seller's id once known, else by our id. */
export function ticketPath(t: { sellerSlug: string; sellerTicketId: string | null; externalId: string }): string {
  return `/tickets/${encodeURIComponent(t.sellerSlug)}/${encodeURIComponent(t.sellerTicketId ?? t.externalId)}`;
}

/** Other tickets of ours at the same Seller, for the related-ticket picker. */
export async function recentTicketsOfSeller(sellerId: number, limit = 50) {
  return await getDb()
    .select({ sellerTicketId: tickets.sellerTicketId, externalId: tickets.externalId, description: tickets.description })
    .from(tickets)
    .where(eq(tickets.sellerId, sellerId))
    .orderBy(desc(tickets.updatedAt))
    .limit(limit);
}
