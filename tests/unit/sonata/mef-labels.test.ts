import { describe, expect, it } from 'vitest';
import {
  APPOINTMENT_STATUS,
  CONTACT_ROLE,
  EVENT_TYPE,
  INCIDENT_STATUS,
  INCIDENT_TYPE,
  ITEM_SOURCE,
  OBSERVED_IMPACT,
  TICKET_PRIORITY,
  TICKET_SEVERITY,
  TICKET_STATUS,
  TICKET_STATUSES,
  TICKET_TYPE,
  WORK_ORDER_STATE,
  contactRoleLabel,
  isMefValue,
  labelOf,
  mef113Of,
  sourceLabel,
  toneOf,
} from '@/lib/domain/mef-labels';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { troubleTicketNotificationSpec } from '@/lib/sonata/generated/trouble-ticket-notification.spec';
import { appointmentNotificationSpec } from '@/lib/sonata/generated/appointment-notification.spec';
import { workOrderNotificationSpec } from '@/lib/sonata/generated/work-order-notification.spec';
import { workOrderSpec } from '@/lib/sonata/generated/work-order.spec';

const enumOf = (spec: { components: { schemas: object } }, name: string): string[] => {
  const schema = (spec.components.schemas as Record<string, { enum?: readonly string[] }>)[name];
  if (!schema?.enum) throw new Error(`${name} has no enum`);
  return [...schema.enum];
};
const sorted = (values: Iterable<string>) => [...values].sort();

describe('MEF labels', () => {
  it('cover exactly the enum values of the OpenAPI documents', () => {
    const pairs: [object, string[]][] = [
      [TICKET_STATUS, enumOf(troubleTicketSpec, 'TroubleTicketStatusType')],
      [TICKET_SEVERITY, enumOf(troubleTicketSpec, 'TroubleTicketSeverityType')],
      [TICKET_PRIORITY, enumOf(troubleTicketSpec, 'TroubleTicketPriorityType')],
      [OBSERVED_IMPACT, enumOf(troubleTicketSpec, 'MEFObservedImpactType')],
      [TICKET_TYPE, enumOf(troubleTicketSpec, 'TroubleTicketType')],
      [INCIDENT_STATUS, enumOf(troubleTicketSpec, 'IncidentStatusType')],
      [INCIDENT_TYPE, enumOf(troubleTicketSpec, 'IncidentType')],
      [ITEM_SOURCE, enumOf(troubleTicketSpec, 'MEFBuyerSellerType')],
      [WORK_ORDER_STATE, enumOf(workOrderSpec, 'WorkOrderStateType')],
      [APPOINTMENT_STATUS, enumOf(appointmentSpec, 'AppointmentStatusType')],
      [
        EVENT_TYPE,
        [
          ...enumOf(troubleTicketNotificationSpec, 'TroubleTicketEventType'),
          ...enumOf(troubleTicketNotificationSpec, 'IncidentEventType'),
          ...enumOf(appointmentNotificationSpec, 'AppointmentEventType'),
          ...enumOf(workOrderNotificationSpec, 'WorkOrderEventType'),
        ],
      ],
    ];
    for (const [table, values] of pairs) expect(sorted(Object.keys(table))).toEqual(sorted(values));
  });

  it('give every value a label, and every state a tone', () => {
    for (const table of [TICKET_STATUS, INCIDENT_STATUS, WORK_ORDER_STATE, APPOINTMENT_STATUS, TICKET_SEVERITY, TICKET_PRIORITY, OBSERVED_IMPACT]) {
      for (const entry of Object.values(table)) {
        expect(entry.label).not.toBe('');
        expect(['info', 'warning', 'success', 'danger', 'neutral']).toContain(entry.tone);
      }
    }
  });

  it('keep the MEF 113 names beside the API values', () => {
    expect(mef113Of(APPOINTMENT_STATUS, 'confirmed')).toBe('SCHEDULED');
    expect(mef113Of(TICKET_STATUS, 'assessingCancellation')).toBe('ASSESSING_CANCELLATION');
    expect(mef113Of(EVENT_TYPE, 'troubleTicketResolvedEvent')).toBe('TICKET_RESOLVED');
    expect(mef113Of(EVENT_TYPE, 'troubleTicketInformationRequiredEvent')).toBe('TICKET_INFO_REQUIRED');
    expect(mef113Of(INCIDENT_TYPE, 'repair')).toBeNull();
    expect(mef113Of(TICKET_STATUS, 'bogus')).toBeNull();
  });

  it('tolerate values a Seller should not send', () => {
    expect(labelOf(TICKET_STATUS, 'pending')).toBe('Waiting for you');
    expect(labelOf(TICKET_STATUS, 'onHold')).toBe('onHold');
    expect(labelOf(TICKET_STATUS, 'toString')).toBe('toString');
    expect(labelOf(TICKET_STATUS, undefined)).toBe('');
    expect(toneOf(TICKET_STATUS, 'reopened')).toBe('danger');
    expect(toneOf(TICKET_STATUS, 'onHold')).toBe('neutral');
    expect(isMefValue(TICKET_STATUS, 'resolved')).toBe(true);
    expect(isMefValue(TICKET_STATUS, 'constructor')).toBe(false);
    expect(isMefValue(TICKET_STATUS, 3)).toBe(false);
  });

  it('list values in display order', () => {
    expect(TICKET_STATUSES[0]).toBe('acknowledged');
    expect(TICKET_STATUSES).toHaveLength(8);
  });

  it('label sources and contact roles', () => {
    expect(sourceLabel('buyer')).toBe('You');
    expect(sourceLabel('seller')).toBe('Seller');
    expect(contactRoleLabel('reporterContact')).toBe(CONTACT_ROLE.reporterContact.label);
    expect(contactRoleLabel('appointmentPlaceContact')).toBe('On-site contact');
    expect(contactRoleLabel('siteManagerContact')).toBe('Site manager contact');
  });
});
