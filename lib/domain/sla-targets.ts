/**
 * Service-level targets of an agreement with a Seller, and each target's clock computed from a ticket's status
 * history: elapsed business time, paused time, running or paused, and a verdict. Pure: no database, no wall clock
 * (`now` is passed in).
 */
import { addBusinessMs, ALWAYS, businessIntervals, businessMs, type SlaCalendarSpec } from './sla-calendar';

export const SLA_TARGETS = ['acknowledge', 'resolve', 'firstNote'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];
export const SLA_TARGET_LABELS: Record<SlaTarget, string> = {
  acknowledge: 'Time to acknowledge',
  resolve: 'Time to resolve',
  firstNote: 'Time to first Seller note',
};

export const SLA_PAUSE_STATES = ['pending', 'assessingCancellation'] as const;
export type SlaPauseState = (typeof SLA_PAUSE_STATES)[number];

export const SLA_BASES = ['severity', 'priority'] as const;
export type SlaBasis = (typeof SLA_BASES)[number];

export const SLA_VERDICTS = ['met', 'onTrack', 'atRisk', 'breached', 'cancelled'] as const;
export type SlaVerdict = (typeof SLA_VERDICTS)[number];
export const SLA_VERDICT_LABELS: Record<SlaVerdict, string> = {
  met: 'Met',
  onTrack: 'On track',
  atRisk: 'At risk',
  breached: 'Breached',
  cancelled: 'Not applicable (cancelled)',
};

/** Minutes per target for one severity (or priority) value; a target left out is not measured. */
export type TargetMinutes = Partial<Record<SlaTarget, number>>;

export interface SlaAgreementSpec {
  id: number;
  name: string;
  sellerId: number;
  /** Narrows the agreement to one product (the Seller's product id), else to one site; null = every ticket. */
  productId: string | null;
  siteId: string | null;
  basis: SlaBasis;
  targets: Record<string, TargetMinutes>;
  pauseStates: SlaPauseState[];
  /** Share of a target used from which an open ticket is at risk, in percent. */
  atRiskPercent: number;
  /** ISO instants; a ticket falls under the agreement in force when it was created. */
  validFrom: string;
  validTo: string | null;
  calendar: SlaCalendarSpec;
}

/** The agreement in force for a ticket: the Seller's, valid at creation, the most specific scope first. */
export function agreementFor(
  agreements: readonly SlaAgreementSpec[],
  ticket: { sellerId: number; productId: string; siteId: string | null; creationDate: string | null },
): SlaAgreementSpec | null {
  const created = ticket.creationDate ? Date.parse(ticket.creationDate) : Number.NaN;
  if (!Number.isFinite(created)) return null;
  const specificity = (a: SlaAgreementSpec) => (a.productId ? 2 : a.siteId ? 1 : 0);
  const fits = agreements.filter(
    (a) =>
      a.sellerId === ticket.sellerId &&
      Date.parse(a.validFrom) <= created &&
      (a.validTo === null || created < Date.parse(a.validTo)) &&
      (a.productId === null || a.productId === ticket.productId) &&
      (a.siteId === null || a.siteId === ticket.siteId),
  );
  fits.sort((a, b) => specificity(b) - specificity(a) || Date.parse(b.validFrom) - Date.parse(a.validFrom) || b.id - a.id);
  return fits[0] ?? null;
}

export interface StatusPoint {
  status: string;
  at: string;
}

export interface ClockInput {
  creationDate: string;
  /** Status changes as the Seller reports them, any order. */
  history: readonly StatusPoint[];
  /** When the Seller's first note was written, if any. */
  firstSellerNoteAt?: string | null;
}

export interface ClockSegment {
  kind: 'running' | 'paused' | 'offHours' | 'stopped';
  from: number;
  to: number;
  status: string;
}

export interface TargetClock {
  target: SlaTarget;
  targetMs: number;
  elapsedMs: number;
  /** Time the clock stood still in a pause state (wall time). */
  pausedMs: number;
  state: 'running' | 'paused' | 'stopped';
  /** The verdict at `now`. */
  verdict: SlaVerdict;
  /** When the target was (or, running, will be) at risk and breached; null when it never is on this course. */
  atRiskAt: number | null;
  breachAt: number | null;
  /** When the clock stopped for good (met, breached, cancelled) or for now (resolved); null while open. */
  stoppedAt: number | null;
  /** Whether the stop is final (closed or cancelled): the verdict will not change again. */
  final: boolean;
  segments: ClockSegment[];
}

const FINISHED = ['closed', 'cancelled'];

function orderedPoints(input: ClockInput): StatusPoint[] {
  const start = Date.parse(input.creationDate);
  const points = input.history
    .filter((p) => p.status && Number.isFinite(Date.parse(p.at)))
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.i - b.i)
    .map(({ status, at }) => ({ status, at: new Date(Math.max(Date.parse(at), start)).toISOString() }));
  if (!points[0] || Date.parse(points[0].at) > start) points.unshift({ status: 'acknowledged', at: input.creationDate });
  return points;
}

/** The clock of one target at `now`. */
export function targetClock(
  target: SlaTarget,
  targetMinutes: number,
  agreement: Pick<SlaAgreementSpec, 'pauseStates' | 'atRiskPercent' | 'calendar'>,
  input: ClockInput,
  now: number,
): TargetClock {
  const cal = agreement.calendar ?? ALWAYS;
  const pauses = agreement.pauseStates as readonly string[];
  const targetMs = Math.round(targetMinutes * 60_000);
  const riskMs = Math.round((targetMs * agreement.atRiskPercent) / 100);
  const segments: ClockSegment[] = [];
  let elapsed = 0;
  let paused = 0;
  let atRiskAt: number | null = null;
  let breachAt: number | null = null;
  let stoppedAt: number | null = null;
  let final = false;
  let state: TargetClock['state'] = 'running';

  const run = (from: number, to: number, status: string) => {
    if (!(to > from)) return;
    let cursor = from;
    for (const [a, b] of businessIntervals(cal, from, to)) {
      if (a > cursor) segments.push({ kind: 'offHours', from: cursor, to: a, status });
      segments.push({ kind: 'running', from: a, to: b, status });
      cursor = b;
      const span = b - a;
      if (atRiskAt === null && riskMs > 0 && elapsed + span >= riskMs) atRiskAt = a + (riskMs - elapsed);
      if (breachAt === null && elapsed + span > targetMs) breachAt = a + (targetMs - elapsed);
      elapsed += span;
    }
    if (to > cursor) segments.push({ kind: 'offHours', from: cursor, to, status });
  };

  const created = Date.parse(input.creationDate);
  const points = orderedPoints(input);
  let lastAt = created;
  if (target === 'acknowledge') {
    // Runs from creation to the first status the Seller reports (MEF 113: a created ticket is acknowledged).
    const reported = input.history.map((p) => Date.parse(p.at)).filter(Number.isFinite).sort((a, b) => a - b)[0];
    if (reported === undefined) run(created, Math.max(now, created), 'created');
    else {
      run(created, Math.max(reported, created), 'created');
      stoppedAt = Math.max(reported, created);
      state = 'stopped';
      final = true;
    }
  } else {
    const noteAt = target === 'firstNote' && input.firstSellerNoteAt ? Date.parse(input.firstSellerNoteAt) : Number.NaN;
    for (let i = 0; i < points.length; i++) {
      const point = points[i]!;
      const from = Date.parse(point.at);
      const nextAt = points[i + 1] ? Date.parse(points[i + 1]!.at) : Math.max(now, from);
      lastAt = from;
      const running = !pauses.includes(point.status) && point.status !== 'resolved' && !FINISHED.includes(point.status);
      if (Number.isFinite(noteAt) && noteAt <= nextAt && (noteAt >= from || i === 0)) {
        if (running && state !== 'stopped') run(from, Math.max(from, noteAt), point.status);
        stoppedAt = Math.max(from, noteAt);
        state = 'stopped';
        final = true;
        break;
      }
      if (FINISHED.includes(point.status)) {
        stoppedAt ??= from;
        state = 'stopped';
        final = true;
        segments.push({ kind: 'stopped', from, to: from, status: point.status });
        break;
      }
      if (point.status === 'resolved') {
        stoppedAt = from;
        state = 'stopped';
        segments.push({ kind: 'stopped', from, to: nextAt, status: point.status });
        continue;
      }
      stoppedAt = null;
      if (pauses.includes(point.status)) {
        state = 'paused';
        paused += Math.max(0, nextAt - from);
        if (nextAt > from) segments.push({ kind: 'paused', from, to: nextAt, status: point.status });
        continue;
      }
      state = 'running';
      run(from, nextAt, point.status);
    }
  }

  const cancelled = points.some((p) => p.status === 'cancelled') && state === 'stopped';
  let verdict: SlaVerdict;
  if (state === 'stopped') verdict = elapsed > targetMs ? 'breached' : cancelled ? 'cancelled' : 'met';
  else if (elapsed > targetMs) verdict = 'breached';
  else if (riskMs > 0 && elapsed >= riskMs) verdict = 'atRisk';
  else verdict = 'onTrack';

  if (state === 'running') {
    const last = Math.max(now, lastAt);
    if (atRiskAt === null && riskMs > 0) atRiskAt = addBusinessMs(cal, last, riskMs - elapsed);
    if (breachAt === null) {
      const at = addBusinessMs(cal, last, targetMs - elapsed);
      breachAt = at === null ? null : at + 1;
    }
  }
  if (state === 'stopped' && verdict !== 'breached') {
    breachAt = null;
    if (verdict === 'met' || verdict === 'cancelled') atRiskAt = null;
  }
  return { target, targetMs, elapsedMs: elapsed, pausedMs: paused, state, verdict, atRiskAt, breachAt, stoppedAt, final, segments };
}

/** Every measured target of the agreement for a ticket of `level` (its severity or priority). */
export function ticketClocks(agreement: SlaAgreementSpec, level: string, input: ClockInput, now: number): TargetClock[] {
  const minutes = agreement.targets[level] ?? {};
  return SLA_TARGETS.filter((t) => typeof minutes[t] === 'number' && minutes[t]! > 0).map((t) =>
    targetClock(t, minutes[t]!, agreement, input, now),
  );
}

/** The verdict of a stored clock at `now`: a running clock turns at risk and breached as time passes. */
export function verdictAt(
  stored: { verdict: SlaVerdict; state: TargetClock['state']; atRiskAt: string | null; breachAt: string | null },
  now: number,
): SlaVerdict {
  if (stored.state === 'stopped' || stored.verdict === 'breached') return stored.verdict;
  if (stored.breachAt && Date.parse(stored.breachAt) <= now) return 'breached';
  if (stored.atRiskAt && Date.parse(stored.atRiskAt) <= now) return 'atRisk';
  return stored.verdict;
}

/** Business time left before the breach at `now` (negative once breached); null while paused on track. */
export function remainingMs(stored: { targetMs: number; elapsedMs: number; state: TargetClock['state']; computedAt: string; breachAt: string | null }, now: number, cal: SlaCalendarSpec): number {
  if (stored.state !== 'running') return stored.targetMs - stored.elapsedMs;
  const since = Date.parse(stored.computedAt);
  return stored.targetMs - stored.elapsedMs - (now > since ? businessMs(cal, since, now) : 0);
}

/** A ticket's worst verdict at `now`, from the ticket row's SLA columns; null when no agreement applies. */
export function ticketVerdictAt(row: { slaRiskAt: string | null; slaBreachAt: string | null; slaVerdict: string | null }, now: number): SlaVerdict | null {
  if (!row.slaVerdict) return null;
  if (row.slaBreachAt && Date.parse(row.slaBreachAt) <= now) return 'breached';
  if (row.slaVerdict !== 'open') return (SLA_VERDICTS as readonly string[]).includes(row.slaVerdict) ? (row.slaVerdict as SlaVerdict) : null;
  if (row.slaRiskAt && Date.parse(row.slaRiskAt) <= now) return 'atRisk';
  return 'onTrack';
}
