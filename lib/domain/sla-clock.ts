/**
 * Splits a ticket's life into time waiting on the Seller and time waiting on us (the Buyer), from its status
 * history. Pure: dates in, milliseconds out.
 */
import type { components } from '@/lib/sonata/generated/trouble-ticket';

type TicketStatus = components['schemas']['TroubleTicketStatusType'];
type StatusChange = components['schemas']['TroubleTicketStatusChange'];

export type WaitingOn = 'us' | 'seller';

/** The Seller waits on us while it needs information (pending) or our confirmation of a resolution (resolved). */
const WAITING_ON_US: readonly string[] = ['pending', 'resolved'];
const STOPPED: readonly string[] = ['closed', 'cancelled'];

/** Who has to act next on a ticket in `status`; null once the ticket is closed or cancelled (or not yet known). */
export function waitingOn(status: string | null | undefined): WaitingOn | null {
  if (!status || STOPPED.includes(status)) return null;
  return WAITING_ON_US.includes(status) ? 'us' : 'seller';
}

export const STATUSES_WAITING_ON_US = WAITING_ON_US as readonly TicketStatus[];
export const STATUSES_WAITING_ON_SELLER: readonly TicketStatus[] = ['acknowledged', 'inProgress', 'reopened', 'assessingCancellation'];
export const OPEN_STATUSES: readonly TicketStatus[] = [...STATUSES_WAITING_ON_SELLER, ...STATUSES_WAITING_ON_US];

export interface SlaSegment {
  status: string;
  from: string;
  /** null while the segment is still running. */
  to: string | null;
  ms: number;
  waitingOn: WaitingOn | null;
}

export interface SlaClock {
  waitingOnSellerMs: number;
  waitingOnUsMs: number;
  /** From creation to now, or to the moment the ticket was closed or cancelled. */
  totalMs: number;
  running: boolean;
  segments: SlaSegment[];
}

export interface SlaInput {
  creationDate?: string | null;
  status?: string | null;
  statusChange?: readonly StatusChange[] | null;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Walks the status changes in date order. Before the first recorded change the ticket is `acknowledged` (MEF 113
 * R24). Time in closed/cancelled counts for nobody, and the clock stops there.
 */
export function slaClock(ticket: SlaInput, now: Date = new Date()): SlaClock {
  const nowMs = now.getTime();
  const changes = (ticket.statusChange ?? [])
    .filter((c): c is StatusChange & { changeDate: string; status: TicketStatus } => !!c.status && Number.isFinite(time(c.changeDate)))
    .map((c, index) => ({ ...c, index }))
    .sort((a, b) => time(a.changeDate) - time(b.changeDate) || a.index - b.index);

  const startIso = ticket.creationDate && Number.isFinite(time(ticket.creationDate)) ? ticket.creationDate : changes[0]?.changeDate;
  const empty: SlaClock = { waitingOnSellerMs: 0, waitingOnUsMs: 0, totalMs: 0, running: false, segments: [] };
  if (!startIso) return empty;

  const points: { status: string; at: string }[] = [];
  if (!changes[0] || time(changes[0].changeDate) > time(startIso)) points.push({ status: 'acknowledged', at: startIso });
  for (const c of changes) points.push({ status: c.status, at: c.changeDate });
  if (changes.length === 0 && ticket.status) points[0] = { status: ticket.status, at: startIso };

  const segments: SlaSegment[] = [];
  let seller = 0;
  let us = 0;
  let end = nowMs;
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    const next = points[i + 1];
    const from = Math.max(time(point.at), time(startIso));
    if (STOPPED.includes(point.status)) {
      end = from;
      segments.push({ status: point.status, from: point.at, to: null, ms: 0, waitingOn: null });
      break;
    }
    const to = next ? Math.min(time(next.at), nowMs) : nowMs;
    const ms = Math.max(0, to - from);
    const who = waitingOn(point.status);
    if (who === 'us') us += ms;
    else if (who === 'seller') seller += ms;
    segments.push({ status: point.status, from: point.at, to: next ? next.at : null, ms, waitingOn: who });
  }
  return {
    waitingOnSellerMs: seller,
    waitingOnUsMs: us,
    totalMs: Math.max(0, end - time(startIso)),
    running: !STOPPED.includes(points[points.length - 1]?.status ?? ''),
    segments,
  };
}

/** "2 d 4 h", "3 h 12 min", "45 min", "< 1 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '< 1 min';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}
