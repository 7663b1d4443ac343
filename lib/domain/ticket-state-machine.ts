import type { components } from '@/lib/sonata/generated/trouble-ticket';

export type TicketStatus = components['schemas']['TroubleTicketStatusType'];
export type TicketBuyerOperation = 'patch' | 'cancel' | 'close' | 'reopen';

export const TICKET_STATUSES: readonly TicketStatus[] = [
  'acknowledged', 'inProgress', 'pending', 'resolved', 'reopened', 'closed', 'assessingCancellation', 'cancelled',
];

export interface TicketTransition {
  from: TicketStatus;
  to: TicketStatus;
  /** Who triggers it on the wire: the Buyer through an operation, or the Seller on its own. */
  by: 'buyer' | 'seller';
  trigger: string;
}

export const TICKET_TRANSITIONS: readonly TicketTransition[] = [
  { from: 'acknowledged', to: 'inProgress', by: 'seller', trigger: 'Seller starts work' },
  { from: 'inProgress', to: 'pending', by: 'seller', trigger: 'Seller needs information or an appointment' },
  { from: 'pending', to: 'inProgress', by: 'buyer', trigger: 'Buyer patches the ticket' },
  { from: 'pending', to: 'inProgress', by: 'seller', trigger: 'Appointment booked or information received' },
  { from: 'inProgress', to: 'resolved', by: 'seller', trigger: 'Seller resolves' },
  { from: 'resolved', to: 'closed', by: 'buyer', trigger: 'Buyer confirms the resolution' },
  { from: 'resolved', to: 'closed', by: 'seller', trigger: 'Confirmation timeout passed' },
  { from: 'resolved', to: 'reopened', by: 'buyer', trigger: 'Buyer rejects the resolution' },
  { from: 'reopened', to: 'inProgress', by: 'seller', trigger: 'Seller resumes work' },
  { from: 'acknowledged', to: 'assessingCancellation', by: 'buyer', trigger: 'Buyer cancels' },
  { from: 'inProgress', to: 'assessingCancellation', by: 'buyer', trigger: 'Buyer cancels' },
  { from: 'pending', to: 'assessingCancellation', by: 'buyer', trigger: 'Buyer cancels' },
  { from: 'assessingCancellation', to: 'cancelled', by: 'seller', trigger: 'Seller accepts the cancellation' },
];

export const TICKET_TERMINAL: readonly TicketStatus[] = ['closed', 'cancelled'];

export const TICKET_OPERATION_ALLOWED_IN: Record<TicketBuyerOperation, readonly TicketStatus[]> = {
  patch: ['acknowledged', 'inProgress', 'pending', 'reopened', 'resolved'],
  cancel: ['acknowledged', 'inProgress', 'pending'],
  close: ['resolved'],
  reopen: ['resolved'],
};

const OPERATION_LABEL: Record<TicketBuyerOperation, string> = {
  patch: 'updated',
  cancel: 'cancelled',
  close: 'closed',
  reopen: 'reopened',
};

export type Permission = { allowed: true } | { allowed: false; reason: string };

export function ticketOperationPermission(operation: TicketBuyerOperation, status: TicketStatus): Permission {
  if (TICKET_OPERATION_ALLOWED_IN[operation].includes(status)) return { allowed: true };
  const allowed = TICKET_OPERATION_ALLOWED_IN[operation].join(', ');
  return {
    allowed: false,
    reason: `A ticket in status ${status} cannot be ${OPERATION_LABEL[operation]}; allowed only in: ${allowed}.`,
  };
}

export function canTicketMove(from: TicketStatus, to: TicketStatus, by?: 'buyer' | 'seller'): boolean {
  return TICKET_TRANSITIONS.some((t) => t.from === from && t.to === to && (by === undefined || t.by === by));
}

export function nextTicketStatuses(from: TicketStatus, by?: 'buyer' | 'seller'): TicketStatus[] {
  return [...new Set(TICKET_TRANSITIONS.filter((t) => t.from === from && (by === undefined || t.by === by)).map((t) => t.to))];
}
