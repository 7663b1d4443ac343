/**
 * Which Buyer operation the operator may start now, read from the shared state table
 * (lib/domain/ticket-state-machine.ts) and projected over operations still queued for the Seller.
 */
import { ticketOperationPermission, type TicketBuyerOperation, type TicketStatus } from './ticket-state-machine';

export type QueuedOperation = 'create' | 'patch' | 'cancel' | 'close' | 'reopen';

const AFTER: Partial<Record<QueuedOperation, TicketStatus>> = {
  cancel: 'assessingCancellation',
  close: 'closed',
  reopen: 'reopened',
};

/**
 * The status the ticket will have once the queued operations reach the Seller. A create not yet acknowledged
 * counts as `acknowledged` (MEF 113 R24), so a note or a cancellation can queue behind it.
 */
export function projectedStatus(status: string | null | undefined, queued: readonly QueuedOperation[]): TicketStatus {
  let current = (status ?? 'acknowledged') as TicketStatus;
  for (const op of queued) {
    const next = AFTER[op];
    if (op === 'create') continue;
    if (op === 'patch' && current === 'pending') current = 'inProgress';
    else if (next) current = next;
  }
  return current;
}

export type Availability = { allowed: true } | { allowed: false; reason: string };

export function operationAvailability(
  operation: TicketBuyerOperation,
  status: string | null | undefined,
  queued: readonly QueuedOperation[] = [],
): Availability {
  const projected = projectedStatus(status, queued);
  const permission = ticketOperationPermission(operation, projected);
  if (permission.allowed) return permission;
  const pendingNote = queued.some((q) => q !== 'patch' && q !== 'create') ? ' (counting the operations still queued for the Seller)' : '';
  return { allowed: false, reason: `${permission.reason}${pendingNote}` };
}

export const BUYER_OPERATIONS: readonly TicketBuyerOperation[] = ['patch', 'cancel', 'close', 'reopen'];

export function allAvailability(status: string | null | undefined, queued: readonly QueuedOperation[] = []): Record<TicketBuyerOperation, Availability> {
  return {
    patch: operationAvailability('patch', status, queued),
    cancel: operationAvailability('cancel', status, queued),
    close: operationAvailability('close', status, queued),
    reopen: operationAvailability('reopen', status, queued),
  };
}
