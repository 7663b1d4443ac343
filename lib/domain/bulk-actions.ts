/**
 * One action over many tickets from the queue: which tickets it touches, which it skips and why, and how the
 * confirmation reads. Each ticket is judged by the same state table as a single action
 * (lib/domain/ticket-actions.ts), projected over what is still queued for it.
 */
import { operationAvailability, type QueuedOperation } from './ticket-actions';
import type { TicketBuyerOperation } from './ticket-state-machine';

export const BULK_ACTIONS = ['note', 'accept', 'cancel', 'link'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** At most this many tickets per run: beyond it the operator narrows the filter. */
export const BULK_MAX_TICKETS = 500;

export const BULK_OPERATION: Record<BulkAction, TicketBuyerOperation> = { note: 'patch', accept: 'close', cancel: 'cancel', link: 'patch' };

export const BULK_ACTION_LABELS: Record<BulkAction, { button: string; verb: string }> = {
  note: { button: 'Add note', verb: 'Add a note to' },
  accept: { button: 'Accept resolution', verb: 'Accept resolution of' },
  cancel: { button: 'Cancel', verb: 'Cancel' },
  link: { button: 'Link to incident', verb: 'Link to the incident' },
};

export function tooManyTicketsMessage(count: number): string {
  return `${count.toLocaleString('en')} tickets match: a bulk action touches at most ${BULK_MAX_TICKETS}. Narrow the filter or select fewer tickets.`;
}

export interface BulkCandidate {
  ticketId: number;
  externalId: string;
  sellerSlug: string;
  sellerName: string;
  status: string | null;
  /** Operations still waiting in the outbox for this ticket, oldest first. */
  queued: readonly QueuedOperation[];
}

export interface BulkSkip {
  ticketId: number;
  externalId: string;
  sellerName: string;
  reason: string;
}

export interface BulkPlan {
  targets: BulkCandidate[];
  skipped: BulkSkip[];
  /** Targets per Seller, most first (then by name). */
  bySeller: { sellerSlug: string; sellerName: string; count: number }[];
}

/**
 * Splits the candidates into those the action may touch and those it skips. `extra` adds a check of the action's own
 * (a link's Seller, say), asked only of tickets the state table allows.
 */
export function planBulkAction(
  action: BulkAction,
  candidates: readonly BulkCandidate[],
  extra?: (candidate: BulkCandidate) => string | null,
): BulkPlan {
  const targets: BulkCandidate[] = [];
  const skipped: BulkSkip[] = [];
  for (const c of candidates) {
    const availability = operationAvailability(BULK_OPERATION[action], c.status, c.queued);
    const reason = availability.allowed ? (extra?.(c) ?? null) : availability.reason;
    if (reason) skipped.push({ ticketId: c.ticketId, externalId: c.externalId, sellerName: c.sellerName, reason });
    else targets.push(c);
  }
  const counts = new Map<string, { sellerSlug: string; sellerName: string; count: number }>();
  for (const t of targets) {
    const entry = counts.get(t.sellerSlug) ?? { sellerSlug: t.sellerSlug, sellerName: t.sellerName, count: 0 };
    entry.count++;
    counts.set(t.sellerSlug, entry);
  }
  const bySeller = [...counts.values()].sort((a, b) => b.count - a.count || a.sellerName.localeCompare(b.sellerName));
  return { targets, skipped, bySeller };
}

const tickets = (n: number) => `${n} ticket${n === 1 ? '' : 's'}`;

/** "Accept resolution of 12 tickets: 5 at Acme, 4 at Globex, 3 at Initech" */
export function bulkSummary(action: BulkAction, plan: Pick<BulkPlan, 'targets' | 'bySeller'>): string {
  if (plan.targets.length === 0) return `${BULK_ACTION_LABELS[action].verb} no ticket: none of them allows it.`;
  const at = plan.bySeller.map((s) => `${s.count} at ${s.sellerName}`).join(', ');
  return `${BULK_ACTION_LABELS[action].verb} ${tickets(plan.targets.length)}: ${at}`;
}

/** Where one ticket's operation of a bulk run stands, read from its outbox item. */
export type BulkProgressState = 'queued' | 'sending' | 'done' | 'refused';

export const BULK_PROGRESS_LABELS: Record<BulkProgressState, string> = {
  queued: 'Queued',
  sending: 'Sending',
  done: 'Done',
  refused: 'Refused',
};
