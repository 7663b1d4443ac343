import { and, eq, inArray, isNull } from 'drizzle-orm';
import {
  tickets,
  waitingItems,
  workOrders,
  type AppointmentRow,
  type IncidentRow,
  type Ticket,
  type WaitingItem,
  type WaitingKind,
  type WorkOrderRow,
} from '@/db/schema';
import { transaction, type Tx } from '@/db/transaction';
import { appendChangeTx, sellerSlugTx } from './change-feed';

/**
 * "Waiting on you": what a Seller is waiting for from the operator, derived from the cached state after each change,
 * so that a missed notification or a reconciliation gives the same items as a live event would.
 */

export interface SellerRef {
  id: number;
  slug: string;
  name: string;
}

export interface WaitingChange {
  change: 'opened' | 'cleared';
  item: WaitingItem;
}

/** The ticket page: /tickets/<seller>/<Seller's id> (our id while the Seller has none). */
export function ticketHref(seller: SellerRef, ticket: Pick<Ticket, 'externalId' | 'sellerTicketId'>): string {
  return `/tickets/${encodeURIComponent(seller.slug)}/${encodeURIComponent(ticket.sellerTicketId ?? ticket.externalId)}`;
}
export function incidentHref(seller: SellerRef, id: string): string {
  return `/incidents?seller=${encodeURIComponent(seller.slug)}&incident=${encodeURIComponent(id)}`;
}
export function appointmentHref(seller: SellerRef, id: string): string {
  return `/appointments?seller=${encodeURIComponent(seller.slug)}&appointment=${encodeURIComponent(id)}`;
}

interface OpenInput {
  sellerId: number;
  kind: WaitingKind;
  entityType: 'ticket' | 'incident' | 'appointment' | 'workOrder';
  entityId: string;
  ticketId?: number | null;
  title: string;
  detail?: string;
  href: string;
}

/** Opens (or re-opens) an item; an item already open only gets its text refreshed and is not reported again. */
export async function openWaitingItemTx(tx: Tx, input: OpenInput, reopen = true): Promise<WaitingChange | null> {
  const now = new Date().toISOString();
  const existing = (await tx
    .select()
    .from(waitingItems)
    .where(
      and(
        eq(waitingItems.sellerId, input.sellerId),
        eq(waitingItems.kind, input.kind),
        eq(waitingItems.entityType, input.entityType),
        eq(waitingItems.entityId, input.entityId),
      ),
    ).limit(1))[0];
  const fields = { ticketId: input.ticketId ?? null, title: input.title, detail: input.detail ?? '', href: input.href };
  if (!existing) {
    const item = (await tx
      .insert(waitingItems)
      .values({ sellerId: input.sellerId, kind: input.kind, entityType: input.entityType, entityId: input.entityId, ...fields, openedAt: now })
      .returning())[0]!;
    return { change: 'opened', item };
  }
  if (existing.clearedAt === null) {
    await tx.update(waitingItems).set(fields).where(eq(waitingItems.id, existing.id));
    return null;
  }
  if (!reopen) return null;
  const item = (await tx
    .update(waitingItems)
    .set({ ...fields, openedAt: now, clearedAt: null, clearedBy: null })
    .where(eq(waitingItems.id, existing.id))
    .returning())[0]!;
  return { change: 'opened', item };
}

export async function clearWaitingItemsTx(
  tx: Tx,
  where: { sellerId: number; entityType: string; entityId: string; kinds: readonly WaitingKind[] },
  clearedBy: string,
): Promise<WaitingChange[]> {
  if (where.kinds.length === 0) return [];
  const cleared = await tx
    .update(waitingItems)
    .set({ clearedAt: new Date().toISOString(), clearedBy })
    .where(
      and(
        eq(waitingItems.sellerId, where.sellerId),
        eq(waitingItems.entityType, where.entityType),
        eq(waitingItems.entityId, where.entityId),
        inArray(waitingItems.kind, [...where.kinds]),
        isNull(waitingItems.clearedAt),
      ),
    )
    .returning();
  return cleared.map((item) => ({ change: 'cleared' as const, item }));
}

const TICKET_KINDS: readonly WaitingKind[] = ['informationRequired', 'appointmentRequired', 'clearanceRequested'];

interface NoteLike {
  text?: string;
  source?: string;
  date?: string;
}

function latestSellerNote(doc: Record<string, unknown>): string {
  const notes = (Array.isArray(doc.note) ? doc.note : []) as NoteLike[];
  const fromSeller = notes.filter((n) => n.source === 'seller' && n.text);
  fromSeller.sort((a, b) => Date.parse(a.date ?? '') - Date.parse(b.date ?? ''));
  return (fromSeller.at(-1)?.text ?? '').slice(0, 500);
}

function linkedWorkOrderIds(doc: Record<string, unknown>): string[] {
  const refs = (Array.isArray(doc.workOrder) ? doc.workOrder : []) as Array<{ id?: string }>;
  return refs.map((r) => r.id).filter((id): id is string => typeof id === 'string');
}

/** Ticket items follow the ticket's status: pending → information or appointment needed; resolved → clearance. */
export async function syncTicketWaitingTx(tx: Tx, seller: SellerRef, ticket: Ticket, clearedBy = 'seller'): Promise<WaitingChange[]> {
  if (!ticket.sellerTicketId) return [];
  const key = { sellerId: seller.id, entityType: 'ticket' as const, entityId: ticket.sellerTicketId };
  const label = ticket.externalId;
  let wanted: OpenInput | null = null;
  if (ticket.status === 'pending') {
    const woIds = linkedWorkOrderIds(ticket.document);
    const needsAppointment =
      woIds.length > 0 &&
      (await tx
        .select({ id: workOrders.id })
        .from(workOrders)
        .where(and(eq(workOrders.sellerId, seller.id), inArray(workOrders.sellerResourceId, woIds), eq(workOrders.appointmentRequired, true)))).length > 0;
    wanted = needsAppointment
      ? { ...key, kind: 'appointmentRequired', title: `${label}: ${seller.name} needs a technician appointment`, detail: latestSellerNote(ticket.document), href: ticketHref(seller, ticket), ticketId: ticket.id }
      : { ...key, kind: 'informationRequired', title: `${label}: ${seller.name} needs information`, detail: latestSellerNote(ticket.document), href: ticketHref(seller, ticket), ticketId: ticket.id };
  } else if (ticket.status === 'resolved') {
    wanted = { ...key, kind: 'clearanceRequested', title: `${label}: resolved by ${seller.name}, confirm or reopen`, detail: latestSellerNote(ticket.document), href: ticketHref(seller, ticket), ticketId: ticket.id };
  }
  const changes = await clearWaitingItemsTx(tx, { ...key, kinds: TICKET_KINDS.filter((k) => k !== wanted?.kind) }, clearedBy);
  if (wanted) {
    const opened = await openWaitingItemTx(tx, { ...wanted, entityType: 'ticket' });
    if (opened) changes.push(opened);
  }
  return changes;
}

/** A work order asking for an appointment changes what its pending tickets wait for. */
export async function syncWorkOrderWaitingTx(tx: Tx, seller: SellerRef, workOrder: WorkOrderRow): Promise<WaitingChange[]> {
  const pending = (await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.sellerId, seller.id), eq(tickets.status, 'pending'))))
    .filter((t) => linkedWorkOrderIds(t.document).includes(workOrder.sellerResourceId));
  const changes: WaitingChange[] = [];
  for (const t of pending) changes.push(...(await syncTicketWaitingTx(tx, seller, t)));
  return changes;
}

export async function syncIncidentWaitingTx(tx: Tx, seller: SellerRef, row: IncidentRow, isNew: boolean): Promise<WaitingChange[]> {
  const key = { sellerId: seller.id, entityType: 'incident' as const, entityId: row.sellerResourceId };
  if (row.status === 'closed' || !row.productId) return await clearWaitingItemsTx(tx, { ...key, kinds: ['newIncident'] }, 'seller');
  if (!isNew) return [];
  const description = String(row.document.description ?? '').slice(0, 200);
  const opened = await openWaitingItemTx(
    tx,
    { ...key, kind: 'newIncident', title: `New incident from ${seller.name} on ${row.productId}`, detail: description, href: incidentHref(seller, row.sellerResourceId) },
    false,
  );
  return opened ? [opened] : [];
}

export async function syncAppointmentWaitingTx(tx: Tx, seller: SellerRef, row: AppointmentRow, previous: AppointmentRow | undefined): Promise<WaitingChange[]> {
  // Only a change the Seller made to an appointment we already knew is news; our own bookings are not.
  if (!previous) return [];
  const what = previous.status !== row.status ? `now ${row.status}` : 'details changed';
  const opened = await openWaitingItemTx(tx, {
    sellerId: seller.id,
    kind: 'appointmentChanged',
    entityType: 'appointment',
    entityId: row.sellerResourceId,
    title: `Appointment changed by ${seller.name}: ${what}`,
    detail: row.startAt ? `Window starts ${row.startAt}` : '',
    href: appointmentHref(seller, row.sellerResourceId),
  });
  return opened ? [opened] : [];
}

/** Items that are news rather than a request: the operator marks them read. */
export const NEWS_KINDS: readonly WaitingKind[] = ['newIncident', 'appointmentChanged', 'slaAtRisk', 'slaBreached'];

/** An operator marks a news item (a new incident, an appointment the Seller changed, an SLA warning) as read. */
export async function markWaitingItemRead(id: number, clearedBy: string): Promise<WaitingItem | undefined> {
  return transaction(async (tx) => {
    const item = (await tx
      .update(waitingItems)
      .set({ clearedAt: new Date().toISOString(), clearedBy })
      .where(and(eq(waitingItems.id, id), isNull(waitingItems.clearedAt), inArray(waitingItems.kind, [...NEWS_KINDS])))
      .returning())[0]!;
    if (item) await appendChangeTx(tx, 'waiting', { seller: await sellerSlugTx(tx, item.sellerId), id: item.entityId, status: 'cleared', eventType: item.kind });
    return item;
  });
}
