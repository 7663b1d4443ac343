import type { components } from '@/lib/sonata/generated/appointment';
import type { WorkOrderState } from './work-order-state-machine';
import type { Permission } from './ticket-state-machine';

export type AppointmentStatus = components['schemas']['AppointmentStatusType'];
export type AppointmentBuyerOperation = 'patch' | 'cancel';

export interface AppointmentTransition {
  from: AppointmentStatus;
  to: AppointmentStatus;
  by: 'buyer' | 'seller' | 'either';
  trigger: string;
}

export const APPOINTMENT_TRANSITIONS: readonly AppointmentTransition[] = [
  { from: 'confirmed', to: 'confirmed', by: 'buyer', trigger: 'Buyer reschedules or updates the appointment' },
  { from: 'confirmed', to: 'cancelled', by: 'either', trigger: 'Appointment cancelled' },
  { from: 'confirmed', to: 'inProgress', by: 'seller', trigger: 'Technician starts the visit' },
  { from: 'inProgress', to: 'completed', by: 'seller', trigger: 'Visit completed' },
  { from: 'inProgress', to: 'missed', by: 'seller', trigger: 'Seller missed the appointment' },
  { from: 'inProgress', to: 'failed', by: 'seller', trigger: 'Visit failed for a reason on the Buyer side' },
];

export const APPOINTMENT_TERMINAL: readonly AppointmentStatus[] = ['cancelled', 'missed', 'failed', 'completed'];

/** Appointments that hold a technician and block a second booking on the same work order. */
export const APPOINTMENT_ACTIVE: readonly AppointmentStatus[] = ['confirmed', 'inProgress'];

export const APPOINTMENT_OPERATION_ALLOWED_IN: Record<AppointmentBuyerOperation, readonly AppointmentStatus[]> = {
  patch: ['confirmed'],
  cancel: ['confirmed'],
};

export function appointmentOperationPermission(
  operation: AppointmentBuyerOperation,
  status: AppointmentStatus,
  workOrderState?: WorkOrderState,
): Permission {
  if (!APPOINTMENT_OPERATION_ALLOWED_IN[operation].includes(status)) {
    const verb = operation === 'patch' ? 'changed' : 'cancelled';
    return { allowed: false, reason: `An appointment in status ${status} cannot be ${verb}; only a confirmed one can.` };
  }
  if (operation === 'cancel' && workOrderState !== undefined && workOrderState !== 'planned') {
    return {
      allowed: false,
      reason: `The appointment cannot be cancelled while its work order is ${workOrderState}; the work order must be planned.`,
    };
  }
  return { allowed: true };
}

export function canAppointmentMove(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return APPOINTMENT_TRANSITIONS.some((t) => t.from === from && t.to === to);
}
