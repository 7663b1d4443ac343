import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { getDb, type Db } from '@/db';
import { sellers, slaAgreements, slaCalendars, tickets, ticketSla, ticketStatusHistory, type SlaAgreement, type SlaCalendar, type TicketSla } from '@/db/schema';
import { ALWAYS, type SlaCalendarSpec } from '@/lib/domain/sla-calendar';
import { SLA_TARGETS, targetClock, verdictAt, remainingMs, type ClockSegment, type SlaAgreementSpec, type SlaTarget, type SlaVerdict } from '@/lib/domain/sla-targets';

export interface AgreementView extends SlaAgreement {
  sellerSlug: string;
  sellerName: string;
  calendarName: string | null;
}

export async function listSlaAgreements(): Promise<AgreementView[]> {
  const rows = await getDb()
    .select({ a: slaAgreements, sellerSlug: sellers.slug, sellerName: sellers.name, calendarName: slaCalendars.name })
    .from(slaAgreements)
    .innerJoin(sellers, eq(sellers.id, slaAgreements.sellerId))
    .leftJoin(slaCalendars, eq(slaCalendars.id, slaAgreements.calendarId))
    .orderBy(asc(sellers.name), asc(slaAgreements.validFrom));
  return rows.map((r) => ({ ...r.a, sellerSlug: r.sellerSlug, sellerName: r.sellerName, calendarName: r.calendarName }));
}

export async function getSlaAgreement(id: number): Promise<AgreementView | undefined> {
  return (await listSlaAgreements()).find((a) => a.id === id);
}

export async function listSlaCalendars(): Promise<SlaCalendar[]> {
  return await getDb().select().from(slaCalendars).orderBy(asc(slaCalendars.name));
}

export async function getSlaCalendar(id: number): Promise<SlaCalendar | undefined> {
  return (await getDb().select().from(slaCalendars).where(eq(slaCalendars.id, id)).limit(1))[0];
}

function snapshotCalendar(row: Pick<TicketSla, 'agreementSnapshot'>): SlaCalendarSpec {
  return (row.agreementSnapshot.calendar as SlaCalendarSpec | undefined) ?? ALWAYS;
}

export interface TargetView {
  target: SlaTarget;
  level: string;
  agreementName: string;
  targetMs: number;
  elapsedMs: number;
  pausedMs: number;
  /** Business time left at `now`; negative once breached. */
  remainingMs: number;
  state: TicketSla['state'];
  verdict: SlaVerdict;
  atRiskAt: string | null;
  breachAt: string | null;
  stoppedAt: string | null;
  computedAt: string;
  segments: ClockSegment[];
}

async function historyOf(db: Db, ticketId: number) {
  return await db
    .select({ status: ticketStatusHistory.status, at: ticketStatusHistory.changedAt, reason: ticketStatusHistory.reason })
    .from(ticketStatusHistory)
    .where(eq(ticketStatusHistory.ticketId, ticketId))
    .orderBy(asc(ticketStatusHistory.changedAt), asc(ticketStatusHistory.id));
}

/**
 * A ticket's targets as the cache writer last stored them, with the verdict at `now`. The clock's timeline (pauses,
 * off-hours) is drawn again from the stored agreement and the status history, for the picture only.
 */
export async function ticketSlaView(ticketId: number, now = Date.now()): Promise<TargetView[]> {
  const db = getDb();
  const rows = await db.select().from(ticketSla).where(eq(ticketSla.ticketId, ticketId));
  if (rows.length === 0) return [];
  const ticket = (await db.select({ creationDate: tickets.creationDate, document: tickets.document }).from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  const history = await historyOf(db, ticketId);
  const order = (t: SlaTarget) => SLA_TARGETS.indexOf(t);
  return rows
    .sort((a, b) => order(a.target) - order(b.target))
    .map((row) => {
      const calendar = snapshotCalendar(row);
      const spec = row.agreementSnapshot as unknown as SlaAgreementSpec;
      const notes = (Array.isArray(ticket?.document.note) ? ticket.document.note : []) as Array<{ source?: string; date?: string }>;
      const firstNote = notes.filter((n) => n.source === 'seller' && n.date).map((n) => n.date!).sort()[0] ?? null;
      const segments = ticket?.creationDate
        ? targetClock(row.target, row.targetMs / 60_000, { pauseStates: spec.pauseStates ?? [], atRiskPercent: spec.atRiskPercent ?? 75, calendar }, { creationDate: ticket.creationDate, history, firstSellerNoteAt: firstNote }, now).segments
        : [];
      return {
        target: row.target,
        level: row.level,
        agreementName: String(row.agreementSnapshot.name ?? ''),
        targetMs: row.targetMs,
        elapsedMs: row.state === 'running' ? row.targetMs - remainingMs(row, now, calendar) : row.elapsedMs,
        pausedMs: row.state === 'paused' ? row.pausedMs + Math.max(0, now - Date.parse(row.computedAt)) : row.pausedMs,
        remainingMs: remainingMs(row, now, calendar),
        state: row.state,
        verdict: verdictAt(row, now),
        atRiskAt: row.atRiskAt,
        breachAt: row.breachAt,
        stoppedAt: row.stoppedAt,
        computedAt: row.computedAt,
        segments,
      };
    });
}

// ------------------------------------------------------------------------------------------------------------
// Scorecards and evidence, per Seller and month of ticket creation (UTC).

export function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
}

export const isMonth = (v: string | undefined | null): v is string => !!v && /^\d{4}-(0[1-9]|1[0-2])$/.test(v);

export interface ScorecardLine {
  target: SlaTarget;
  level: string;
  targetMs: number;
  tickets: number;
  met: number;
  breached: number;
  /** Still running or paused, not yet breached. */
  open: number;
  cancelled: number;
  /** met ÷ (met + breached), percent; null when nothing was decided. */
  attainment: number | null;
  meanMs: number | null;
  p90Ms: number | null;
  pausedMs: number;
}

export interface Scorecard {
  sellerId: number;
  sellerSlug: string;
  sellerName: string;
  month: string;
  lines: ScorecardLine[];
  tickets: number;
  breachedTickets: number;
  pausedMs: number;
  /** Tickets reopened at least once ÷ tickets resolved at least once, percent. */
  reopenRate: number | null;
}

function p90(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)]!;
}

/** The scorecard rows' SQL, exposed for the benchmark (the same query run directly). */
export function scorecardRowsQuery(db: Db, sellerId: number, month: string) {
  const { from, to } = monthBounds(month);
  return db
    .select({
      ticketId: ticketSla.ticketId,
      target: ticketSla.target,
      level: ticketSla.level,
      targetMs: ticketSla.targetMs,
      elapsedMs: ticketSla.elapsedMs,
      pausedMs: ticketSla.pausedMs,
      state: ticketSla.state,
      verdict: ticketSla.verdict,
      atRiskAt: ticketSla.atRiskAt,
      breachAt: ticketSla.breachAt,
    })
    .from(ticketSla)
    .where(and(eq(ticketSla.sellerId, sellerId), gte(ticketSla.ticketCreatedAt, from), lt(ticketSla.ticketCreatedAt, to)));
}

/** Resolved and reopened tickets among the month's measured ones (through their resolve clock, so by index). */
export function reopenCountsQuery(db: Db, sellerId: number, month: string) {
  const { from, to } = monthBounds(month);
  return db
    .selectDistinct({ ticketId: ticketStatusHistory.ticketId, status: ticketStatusHistory.status })
    .from(ticketSla)
    .innerJoin(ticketStatusHistory, eq(ticketStatusHistory.ticketId, ticketSla.ticketId))
    .where(
      and(
        eq(ticketSla.sellerId, sellerId),
        gte(ticketSla.ticketCreatedAt, from),
        lt(ticketSla.ticketCreatedAt, to),
        eq(ticketSla.target, 'resolve'),
        inArray(ticketStatusHistory.status, ['resolved', 'reopened']),
      ),
    );
}

export async function slaScorecard(sellerId: number, month: string, now = Date.now()): Promise<Scorecard | undefined> {
  const db = getDb();
  const seller = (await db.select({ id: sellers.id, slug: sellers.slug, name: sellers.name }).from(sellers).where(eq(sellers.id, sellerId)).limit(1))[0];
  if (!seller) return undefined;
  const rows = await scorecardRowsQuery(db, sellerId, month);
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = `${row.target}|${row.level}|${row.targetMs}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const levelOrder = ['extensive', 'significant', 'moderate', 'minor', 'critical', 'high', 'medium', 'low'];
  const lines: ScorecardLine[] = [...groups.values()].map((group) => {
    const first = group[0]!;
    const verdicts = group.map((r) => verdictAt(r, now));
    const met = verdicts.filter((v) => v === 'met').length;
    const breached = verdicts.filter((v) => v === 'breached').length;
    const cancelled = verdicts.filter((v) => v === 'cancelled').length;
    const done = group.filter((r) => r.state === 'stopped' && r.verdict !== 'cancelled').map((r) => r.elapsedMs);
    return {
      target: first.target,
      level: first.level,
      targetMs: first.targetMs,
      tickets: group.length,
      met,
      breached,
      cancelled,
      open: group.length - met - breached - cancelled,
      attainment: met + breached > 0 ? Math.round((met / (met + breached)) * 1000) / 10 : null,
      meanMs: done.length ? Math.round(done.reduce((a, b) => a + b, 0) / done.length) : null,
      p90Ms: p90(done),
      pausedMs: group.reduce((a, r) => a + r.pausedMs, 0),
    };
  });
  lines.sort((a, b) => SLA_TARGETS.indexOf(a.target) - SLA_TARGETS.indexOf(b.target) || levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level));
  const ticketIds = new Set(rows.map((r) => r.ticketId));
  const breachedTickets = new Set(rows.filter((r) => verdictAt(r, now) === 'breached').map((r) => r.ticketId));
  const pausedByTicket = new Map<number, number>();
  for (const r of rows) if (r.target === 'resolve') pausedByTicket.set(r.ticketId, r.pausedMs);
  const reopens = await reopenCountsQuery(db, sellerId, month);
  const resolved = new Set(reopens.filter((r) => r.status === 'resolved').map((r) => r.ticketId));
  const reopened = new Set(reopens.filter((r) => r.status === 'reopened').map((r) => r.ticketId));
  return {
    sellerId: seller.id,
    sellerSlug: seller.slug,
    sellerName: seller.name,
    month,
    lines,
    tickets: ticketIds.size,
    breachedTickets: breachedTickets.size,
    pausedMs: [...pausedByTicket.values()].reduce((a, b) => a + b, 0),
    reopenRate: resolved.size ? Math.round((reopened.size / resolved.size) * 1000) / 10 : null,
  };
}

export interface EvidenceTicket {
  ticketId: number;
  externalId: string;
  sellerTicketId: string | null;
  productId: string;
  severity: string;
  priority: string;
  status: string | null;
  creationDate: string | null;
  resolutionDate: string | null;
  history: Array<{ status: string; at: string; reason: string | null }>;
  agreement: Record<string, unknown>;
  targets: Array<{ target: SlaTarget; level: string; targetMs: number; elapsedMs: number; pausedMs: number; verdict: SlaVerdict; breachAt: string | null; stoppedAt: string | null }>;
  /** The Seller's ticket document as last received, and the SHA-256 (hex) of that JSON text. */
  document: Record<string, unknown>;
  documentSha256: string;
  sellerAttachments: Array<{ name: string; mimeType: string | null; url: string | null; creationDate: string | null; sha256: string | null }>;
}

export interface EvidencePack {
  seller: { id: number; slug: string; name: string };
  month: string;
  generatedAt: string;
  tickets: EvidenceTicket[];
}

/** Every ticket of the Seller created in `month` with a breached target, with what a credit claim needs. */
export async function slaEvidencePack(sellerId: number, month: string, now = Date.now()): Promise<EvidencePack | undefined> {
  const db = getDb();
  const seller = (await db.select({ id: sellers.id, slug: sellers.slug, name: sellers.name }).from(sellers).where(eq(sellers.id, sellerId)).limit(1))[0];
  if (!seller) return undefined;
  const { from, to } = monthBounds(month);
  const rows = await db
    .select()
    .from(ticketSla)
    .where(and(eq(ticketSla.sellerId, sellerId), gte(ticketSla.ticketCreatedAt, from), lt(ticketSla.ticketCreatedAt, to)));
  const breachedIds = [...new Set(rows.filter((r) => verdictAt(r, now) === 'breached').map((r) => r.ticketId))];
  const ticketRows = breachedIds.length ? await db.select().from(tickets).where(inArray(tickets.id, breachedIds)).orderBy(asc(tickets.creationDate)) : [];
  const out: EvidenceTicket[] = [];
  for (const t of ticketRows) {
    const targets = rows.filter((r) => r.ticketId === t.id).sort((a, b) => SLA_TARGETS.indexOf(a.target) - SLA_TARGETS.indexOf(b.target));
    const attachments = (Array.isArray(t.document.attachment) ? t.document.attachment : []) as Array<Record<string, unknown>>;
    out.push({
      ticketId: t.id,
      externalId: t.externalId,
      sellerTicketId: t.sellerTicketId,
      productId: t.productId,
      severity: t.sellerSeverity ?? t.severity,
      priority: t.sellerPriority ?? t.priority,
      status: t.status,
      creationDate: t.creationDate,
      resolutionDate: t.resolutionDate,
      history: await historyOf(db, t.id),
      agreement: targets[0]?.agreementSnapshot ?? {},
      targets: targets.map((r) => ({
        target: r.target,
        level: r.level,
        targetMs: r.targetMs,
        elapsedMs: r.elapsedMs,
        pausedMs: r.pausedMs,
        verdict: verdictAt(r, now),
        breachAt: r.breachAt,
        stoppedAt: r.stoppedAt,
      })),
      document: t.document,
      documentSha256: createHash('sha256').update(JSON.stringify(t.document)).digest('hex'),
      sellerAttachments: attachments
        .filter((a) => a.source === 'seller')
        .map((a) => ({
          name: String(a.name ?? ''),
          mimeType: typeof a.mimeType === 'string' ? a.mimeType : null,
          url: typeof a.url === 'string' ? a.url : null,
          creationDate: typeof a.creationDate === 'string' ? a.creationDate : null,
          sha256: typeof a.content === 'string' ? createHash('sha256').update(Buffer.from(a.content, 'base64')).digest('hex') : null,
        })),
    });
  }
  return { seller, month, generatedAt: new Date(now).toISOString(), tickets: out };
}
