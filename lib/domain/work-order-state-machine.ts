import type { components } from '@/lib/sonata/generated/work-order';

export type WorkOrderState = components['schemas']['WorkOrderStateType'];

export interface WorkOrderTransition {
  from: WorkOrderState;
  to: WorkOrderState;
  trigger: string;
}

/** All Seller-driven: the Buyer has no write operation on work orders. */
export const WORK_ORDER_TRANSITIONS: readonly WorkOrderTransition[] = [
  { from: 'open', to: 'planned', trigger: 'Appointment booked' },
  { from: 'open', to: 'inProgress', trigger: 'Work started without an appointment' },
  { from: 'planned', to: 'inProgress', trigger: 'Appointment started' },
  { from: 'open', to: 'cancelled', trigger: 'Work order cancelled' },
  { from: 'planned', to: 'cancelled', trigger: 'Work order cancelled' },
  { from: 'inProgress', to: 'completed', trigger: 'All tasks done' },
  { from: 'inProgress', to: 'unableToComplete', trigger: 'Tasks cannot be completed' },
  // Not drawn in the MEF diagram, but required by the appointment rules: a cancelled appointment sends the work
  // order back to open with appointmentRequired=true. A missed or failed visit ends it unableToComplete instead
  // (MEF 113 Table 43 has no way back from inProgress); the Seller opens a new work order for the next visit.
  { from: 'planned', to: 'open', trigger: 'Appointment cancelled; a new appointment is required' },
];

export const WORK_ORDER_TERMINAL: readonly WorkOrderState[] = ['completed', 'unableToComplete', 'cancelled'];

/** States in which the work order still blocks resolving its ticket. */
export const WORK_ORDER_OPEN_STATES: readonly WorkOrderState[] = ['open', 'planned', 'inProgress'];

export function canWorkOrderMove(from: WorkOrderState, to: WorkOrderState): boolean {
  return WORK_ORDER_TRANSITIONS.some((t) => t.from === from && t.to === to);
}

export function appointmentBookingBlocker(state: WorkOrderState): string | undefined {
  return state === 'open' ? undefined : `An appointment can only be booked while the work order is open; it is ${state}.`;
}
