import { describe, expect, it } from 'vitest';
import { appointmentOperationPermission, canAppointmentMove, APPOINTMENT_TERMINAL } from '@/lib/domain/appointment-state-machine';
import { canIncidentMove, INCIDENT_TERMINAL } from '@/lib/domain/incident-state-machine';
import {
  canTicketMove,
  nextTicketStatuses,
  TICKET_STATUSES,
  TICKET_TERMINAL,
  ticketOperationPermission,
  type TicketBuyerOperation,
} from '@/lib/domain/ticket-state-machine';
import { appointmentBookingBlocker, canWorkOrderMove, WORK_ORDER_TERMINAL } from '@/lib/domain/work-order-state-machine';

describe('ticket state machine', () => {
  const allowed: Record<TicketBuyerOperation, string[]> = {
    patch: ['acknowledged', 'inProgress', 'pending', 'reopened', 'resolved'],
    cancel: ['acknowledged', 'inProgress', 'pending'],
    close: ['resolved'],
    reopen: ['resolved'],
  };

  it.each(Object.keys(allowed) as TicketBuyerOperation[])('%s is allowed exactly in the MEF states, with a reason otherwise', (op) => {
    for (const status of TICKET_STATUSES) {
      const permission = ticketOperationPermission(op, status);
      expect(permission.allowed, `${op} in ${status}`).toBe(allowed[op].includes(status));
      if (!permission.allowed) expect(permission.reason).toContain(status);
    }
  });

  it('has terminal closed and cancelled states', () => {
    for (const status of TICKET_TERMINAL) expect(nextTicketStatuses(status)).toEqual([]);
  });

  it('knows who triggers a move', () => {
    expect(canTicketMove('pending', 'inProgress', 'buyer')).toBe(true);
    expect(canTicketMove('resolved', 'reopened', 'seller')).toBe(false);
    expect(canTicketMove('assessingCancellation', 'cancelled', 'seller')).toBe(true);
    expect(canTicketMove('acknowledged', 'resolved')).toBe(false);
    expect(nextTicketStatuses('resolved').sort()).toEqual(['closed', 'reopened']);
  });
});

describe('appointment state machine', () => {
  it('allows patch and cancel only while confirmed; cancel needs a planned work order', () => {
    expect(appointmentOperationPermission('patch', 'confirmed').allowed).toBe(true);
    for (const status of ['inProgress', 'cancelled', 'missed', 'failed', 'completed'] as const) {
      expect(appointmentOperationPermission('patch', status).allowed).toBe(false);
      expect(appointmentOperationPermission('cancel', status, 'planned').allowed).toBe(false);
    }
    expect(appointmentOperationPermission('cancel', 'confirmed', 'planned').allowed).toBe(true);
    const blocked = appointmentOperationPermission('cancel', 'confirmed', 'inProgress');
    expect(blocked).toEqual({ allowed: false, reason: expect.stringContaining('inProgress') });
  });

  it('ends in the terminal states', () => {
    for (const from of APPOINTMENT_TERMINAL) expect(canAppointmentMove(from, 'confirmed')).toBe(false);
    expect(canAppointmentMove('confirmed', 'completed')).toBe(false);
    expect(canAppointmentMove('inProgress', 'missed')).toBe(true);
  });
});

describe('work order and incident state machines', () => {
  it('work orders follow the MEF diagram plus the return to open for a new appointment', () => {
    expect(canWorkOrderMove('open', 'planned')).toBe(true);
    expect(canWorkOrderMove('planned', 'open')).toBe(true);
    expect(canWorkOrderMove('inProgress', 'cancelled')).toBe(false);
    expect(canWorkOrderMove('inProgress', 'open')).toBe(false);
    for (const from of WORK_ORDER_TERMINAL) expect(canWorkOrderMove(from, 'open')).toBe(false);
    expect(appointmentBookingBlocker('open')).toBeUndefined();
    expect(appointmentBookingBlocker('planned')).toContain('planned');
  });

  it('incidents close for good', () => {
    expect(canIncidentMove('created', 'closed')).toBe(true);
    expect(canIncidentMove('inProgress', 'inProgress')).toBe(true);
    for (const from of INCIDENT_TERMINAL) expect(canIncidentMove(from, 'inProgress')).toBe(false);
  });
});
