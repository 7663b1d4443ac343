import { describe, expect, it } from 'vitest';
import { hubQueryAccepts, listenerScope, listenerUrl } from '@/sandbox/notify';

describe('hubQueryAccepts', () => {
  it.each([
    [undefined, 'troubleTicketResolvedEvent', true],
    ['', 'troubleTicketResolvedEvent', true],
    ['   ', 'troubleTicketResolvedEvent', true],
    ['eventType=troubleTicketResolvedEvent', 'troubleTicketResolvedEvent', true],
    ['eventType=troubleTicketResolvedEvent', 'troubleTicketStatusChangeEvent', false],
    ['eventType=troubleTicketResolvedEvent,troubleTicketStatusChangeEvent', 'troubleTicketStatusChangeEvent', true],
    ['eventType=troubleTicketResolvedEvent, troubleTicketStatusChangeEvent', 'troubleTicketStatusChangeEvent', true],
    ['eventType=appointmentStatusChangeEvent&eventType=appointmentAttributeValueChangeEvent', 'appointmentAttributeValueChangeEvent', true],
    ['eventType=appointmentStatusChangeEvent&eventType=appointmentAttributeValueChangeEvent', 'appointmentCreateEvent', false],
    ['?eventType=workOrderCreateEvent', 'workOrderCreateEvent', true],
    ['eventType=WorkOrderCreateEvent', 'workOrderCreateEvent', true],
    ['eventType=troubleTicketResolvedEvent%2CtroubleTicketStatusChangeEvent', 'troubleTicketStatusChangeEvent', true],
    ['buyerId=B1', 'troubleTicketResolvedEvent', true],
    ['eventType=', 'troubleTicketResolvedEvent', true],
  ])('query %j and %s → %s', (query, eventType, expected) => {
    expect(hubQueryAccepts(query, eventType)).toBe(expected);
  });
});

describe('listener addressing', () => {
  it('builds the listener URL from the callback prefix', () => {
    expect(listenerUrl('http://127.0.0.1:3000/sellers/acme/', 'workOrder', 'workOrderStateChangeEvent')).toBe(
      'http://127.0.0.1:3000/sellers/acme/mefApi/sonata/workOrderNotification/v2/listener/workOrderStateChangeEvent',
    );
  });

  it('puts a Cantata provider’s events under /mefApi/cantata after the callback prefix', () => {
    expect(listenerUrl('http://127.0.0.1:3000/sellers/umbrella', 'troubleTicket', 'troubleTicketStatusChangeEvent', 'cantata')).toBe(
      'http://127.0.0.1:3000/sellers/umbrella/mefApi/cantata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent',
    );
  });

  it('names the scope after the listener operation', () => {
    expect(listenerScope('incidentStatusChangeEvent')).toBe('listenToIncidentStatusChangeEvent');
  });
});
