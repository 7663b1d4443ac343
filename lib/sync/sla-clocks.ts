import { and, asc, eq, gte, inArray, isNull, lte, ne, or } from 'drizzle-orm';
import {
  products,
  sellers,
  slaAgreements,
  slaCalendars,
  tickets,
  ticketSla,
  ticketStatusHistory,
  type SlaAgreement,
  type SlaCalendar,
  type Ticket,
  type TicketSla,
} from '@/db/schema';
import { transaction, type Tx } from '@/db/transaction';
import { ALWAYS, type SlaCalendarSpec } from '@/lib/domain/sla-calendar';
import { agreementFor, SLA_TARGET_LABELS, ticketClocks, verdictAt, type SlaAgreementSpec, type SlaVerdict, type TargetClock } from '@/lib/domain/sla-targets';
import { appendChangeTx } from './change-feed';
import { openWaitingItemTx, ticketHref, type SellerRef } from './waiting-items';
import { runPeriodically, type PeriodicJob } from './periodic-jobs';

/**
 * Each ticket's service-level clocks, kept in ticket_sla and in the ticket row's SLA columns. Called by the cache
 * writer in the transaction that stores a Seller's ticket document, by an agreement's change, and by the sweep
 * that announces targets turning at risk or breached as time passes (once per ticket and target).
 */

export function calendarSpec(calendar: SlaCalendar | null | undefined): SlaCalendarSpec {
  if (!calendar) return ALWAYS;
  return { kind: 'businessHours', timeZone: calendar.timeZone, hours: calendar.hours, holidays: calendar.holidays };
}

export function agreementSpec(row: SlaAgreement, calendar: SlaCalendar | null | undefined): SlaAgreementSpec {
  return {
    id: row.id,
    name: row.name,
    sellerId: row.sellerId,
    productId: row.productId,
    siteId: row.siteId,
    basis: row.basis,
    targets: row.targets,
    pauseStates: row.pauseStates,
    atRiskPercent: row.atRiskPercent,
    validFrom: row.validFrom,
    validTo: row.validTo,
    calendar: calendarSpec(calendar),
  };
}

export async function sellerAgreementsTx(tx: Tx, sellerId: number): Promise<SlaAgreementSpec[]> {
  return (await tx
    .select({ agreement: slaAgreements, calendar: slaCalendars })
    .from(slaAgreements)
    .leftJoin(slaCalendars, eq(slaCalendars.id, slaAgreements.calendarId))
    .where(eq(slaAgreements.sellerId, sellerId)))
    .map((r) => agreementSpec(r.agreement, r.calendar));
}

function firstSellerNoteAt(doc: Record<string, unknown>): string | null {
  const notes = (Array.isArray(doc.note) ? doc.note : []) as Array<{ source?: string; date?: string }>;
  const dates = notes.filter((n) => n.source === 'seller' && n.date && Number.isFinite(Date.parse(n.date))).map((n) => Date.parse(n.date!));
  return dates.length ? new Date(Math.min(...dates)).toISOString() : null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const minIso = (values: (string | null)[]) => values.filter((v): v is string => !!v).sort()[0] ?? null;

function snapshot(agreement: SlaAgreementSpec): Record<string, unknown> {
  const { calendar, ...rest } = agreement;
  return { ...rest, calendar: { kind: calendar.kind, timeZone: calendar.timeZone, hours: calendar.hours, holidays: calendar.holidays } };
}

/** The stored row of one target's clock computed at `now`. */
export function slaRowValues(
  clock: TargetClock,
  at: { ticketId: number; sellerId: number; agreement: SlaAgreementSpec; level: string; ticketCreatedAt: string; now: number },
) {
  const { now } = at;
  return {
    ticketId: at.ticketId,
    sellerId: at.sellerId,
    agreementId: at.agreement.id,
    agreementSnapshot: snapshot(at.agreement),
    target: clock.target,
    level: at.level,
    targetMs: clock.targetMs,
    elapsedMs: Math.round(clock.elapsedMs),
    pausedMs: Math.round(clock.pausedMs),
    state: clock.state,
    verdict: clock.verdict,
    final: clock.final,
    // A Seller whose clock runs ahead of ours dates the crossing after `now`; the verdict stands as of now.
    atRiskAt: iso(clock.verdict === 'atRisk' || clock.verdict === 'breached' ? Math.min(clock.atRiskAt ?? now, now) : clock.atRiskAt),
    breachAt: iso(clock.verdict === 'breached' ? Math.min(clock.breachAt ?? now, now) : clock.breachAt),
    stoppedAt: iso(clock.stoppedAt),
    computedAt: new Date(now).toISOString(),
    ticketCreatedAt: new Date(at.ticketCreatedAt).toISOString(),
  };
}

/** The ticket row's SLA columns, from its stored clocks. */
export function ticketSlaColumns(rows: readonly Pick<TicketSla, 'state' | 'verdict' | 'atRiskAt' | 'breachAt'>[]) {
  if (rows.length === 0) return { slaRiskAt: null, slaBreachAt: null, slaVerdict: null };
  const open = rows.some((r) => r.state !== 'stopped');
  const rank: Record<string, number> = { cancelled: 0, met: 1, breached: 2 };
  return {
    slaRiskAt: open ? minIso(rows.filter((r) => r.state !== 'stopped' || r.verdict === 'breached').map((r) => r.atRiskAt)) : null,
    slaBreachAt: minIso(rows.map((r) => r.breachAt)),
    slaVerdict: open ? 'open' : [...rows].sort((a, b) => (rank[b.verdict] ?? 0) - (rank[a.verdict] ?? 0))[0]!.verdict,
  };
}

/** Recomputes a ticket's clocks from its status history; targets already final are left as they were. */
export async function updateTicketSlaTx(tx: Tx, seller: SellerRef, ticket: Ticket, now = Date.now(), agreements?: SlaAgreementSpec[]): Promise<void> {
  if (!ticket.creationDate) return;
  const existing = await tx.select().from(ticketSla).where(eq(ticketSla.ticketId, ticket.id));
  const all = agreements ?? (await sellerAgreementsTx(tx, seller.id));
  if (all.length === 0 && existing.length === 0) return;
  const siteId = (await tx
    .select({ siteId: products.siteId })
    .from(products)
    .where(and(eq(products.sellerId, seller.id), eq(products.productId, ticket.productId)))
    .limit(1))[0]?.siteId;
  const agreement = agreementFor(all, { sellerId: seller.id, productId: ticket.productId, siteId: siteId || null, creationDate: ticket.creationDate });
  const history = await tx
    .select({ status: ticketStatusHistory.status, at: ticketStatusHistory.changedAt })
    .from(ticketStatusHistory)
    .where(eq(ticketStatusHistory.ticketId, ticket.id))
    .orderBy(asc(ticketStatusHistory.changedAt), asc(ticketStatusHistory.id));
  const level = agreement?.basis === 'priority' ? (ticket.sellerPriority ?? ticket.priority) : (ticket.sellerSeverity ?? ticket.severity);
  const clocks = agreement
    ? ticketClocks(agreement, level, { creationDate: ticket.creationDate, history, firstSellerNoteAt: firstSellerNoteAt(ticket.document) }, now)
    : [];
  const keep = new Set(existing.filter((r) => r.final).map((r) => r.target));
  const wanted = new Set(clocks.map((c) => c.target));
  const stale = existing.filter((r) => !r.final && !wanted.has(r.target)).map((r) => r.id);
  if (stale.length) await tx.delete(ticketSla).where(inArray(ticketSla.id, stale));
  for (const clock of clocks) {
    if (keep.has(clock.target)) continue;
    const values = slaRowValues(clock, { ticketId: ticket.id, sellerId: seller.id, agreement: agreement!, level, ticketCreatedAt: ticket.creationDate, now });
    await tx.insert(ticketSla)
      .values(values)
      .onConflictDoUpdate({ target: [ticketSla.ticketId, ticketSla.target], set: values });
  }
  const rows = await tx.select().from(ticketSla).where(eq(ticketSla.ticketId, ticket.id));
  await tx.update(tickets).set(ticketSlaColumns(rows)).where(eq(tickets.id, ticket.id));
  await announceDueTx(tx, seller, ticket, rows, now);
}

/** Opens a "waiting on you" item and a toast for each target that turned at risk or breached, once each. */
async function announceDueTx(tx: Tx, seller: SellerRef, ticket: Pick<Ticket, 'id' | 'externalId' | 'sellerTicketId'>, rows: TicketSla[], now: number): Promise<void> {
  if (!ticket.sellerTicketId) return;
  const stamp = new Date(now).toISOString();
  for (const row of rows) {
    const verdict: SlaVerdict = verdictAt(row, now);
    const breach = verdict === 'breached' && !row.breachNotifiedAt;
    const risk = verdict === 'atRisk' && !row.riskNotifiedAt;
    if (!breach && !risk) continue;
    await tx.update(ticketSla)
      .set(breach ? { breachNotifiedAt: stamp, riskNotifiedAt: row.riskNotifiedAt ?? stamp } : { riskNotifiedAt: stamp })
      .where(eq(ticketSla.id, row.id));
    const label = SLA_TARGET_LABELS[row.target];
    const title = breach ? `${ticket.externalId}: ${label} breached with ${seller.name}` : `${ticket.externalId}: ${label} at risk with ${seller.name}`;
    const href = ticketHref(seller, ticket);
    const opened = await openWaitingItemTx(tx, {
      sellerId: seller.id,
      kind: breach ? 'slaBreached' : 'slaAtRisk',
      entityType: 'ticket',
      entityId: `${ticket.sellerTicketId}#${row.target}`,
      ticketId: ticket.id,
      title,
      detail: `${Math.round((row.elapsedMs / row.targetMs) * 100)}% of the target used when last computed`,
      href,
    });
    if (opened) {
      await appendChangeTx(tx, 'waiting', { seller: seller.slug, id: opened.item.entityId, localId: ticket.id, status: 'opened', eventType: opened.item.kind, actionable: { title, href } });
    }
  }
}

/**
 * Announces the targets whose at-risk or breach instant has passed since they were computed, at most `limit` in one
 * transaction (the write lock is shared with the listener's acknowledgements).
 */
export async function sweepDueSla(now = Date.now(), limit = SWEEP_BATCH): Promise<number> {
  const stamp = new Date(now).toISOString();
  return transaction(async (tx) => {
    const due = await tx
      .select({ row: ticketSla, ticket: tickets, seller: { id: sellers.id, slug: sellers.slug, name: sellers.name } })
      .from(ticketSla)
      .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
      .innerJoin(sellers, eq(sellers.id, ticketSla.sellerId))
      .where(
        and(
          ne(ticketSla.state, 'stopped'),
          or(and(isNull(ticketSla.riskNotifiedAt), lte(ticketSla.atRiskAt, stamp)), and(isNull(ticketSla.breachNotifiedAt), lte(ticketSla.breachAt, stamp))),
        ),
      )
      .limit(limit);
    for (const d of due) await announceDueTx(tx, d.seller, d.ticket, [d.row], now);
    return due.length;
  });
}

/**
 * After an agreement or calendar changed: recomputes the Seller's tickets created since `from`. Targets already
 * final keep the verdict they closed with.
 */
export async function recomputeSellerSlaTx(tx: Tx, sellerId: number, from: string | null, now = Date.now()): Promise<number> {
  const seller = (await tx.select({ id: sellers.id, slug: sellers.slug, name: sellers.name }).from(sellers).where(eq(sellers.id, sellerId)).limit(1))[0];
  if (!seller) return 0;
  const agreements = await sellerAgreementsTx(tx, sellerId);
  const rows = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.sellerId, sellerId), from ? gte(tickets.creationDate, from) : undefined));
  for (const ticket of rows) await updateTicketSlaTx(tx, seller, ticket, now, agreements);
  return rows.length;
}

export async function recomputeSellerSla(sellerId: number, from: string | null): Promise<number> {
  return transaction(async (tx) => await recomputeSellerSlaTx(tx, sellerId, from));
}

let sweeper: PeriodicJob | undefined;
const SWEEP_BATCH = 50;
const SWEEP_PAUSE_MS = 100;

/**
 * Announces clocks that ran into their at-risk or breach instant without a Seller change, every `everyMs` by one
 * instance, in batches of 50 with 100 ms between them. Runs in the sync process (or the server with SYNC_PROCESS=inline).
 */
export function startSlaSweep(everyMs = 15_000): () => Promise<void> {
  sweeper ??= runPeriodically('sla-sweep', everyMs, async () => {
    const now = Date.now();
    // A pause between batches leaves the write lock to the listener, the outbox and sign-ins: after a large import
    // or a long stop thousands of clocks may be due at once.
    while ((await sweepDueSla(now)) === SWEEP_BATCH) await new Promise((r) => setTimeout(r, SWEEP_PAUSE_MS));
  });
  return stopSlaSweep;
}

async function stopSlaSweep(): Promise<void> {
  const stopping = sweeper;
  sweeper = undefined;
  await stopping?.stop();
}

export type { TargetClock };
