import type { SandboxContext } from './context';
import { fail } from './http';
import type { EventSubscription, EventSubscriptionInput } from './mef-types';
import { newId, type NotifiedApi } from './store';

export const EVENT_TYPES: Record<NotifiedApi, readonly string[]> = {
  troubleTicket: [
    'troubleTicketAttributeValueChangeEvent',
    'troubleTicketStatusChangeEvent',
    'troubleTicketResolvedEvent',
    'troubleTicketInformationRequiredEvent',
    'incidentCreateEvent',
    'incidentAttributeValueChangeEvent',
    'incidentStatusChangeEvent',
  ],
  appointment: ['appointmentAttributeValueChangeEvent', 'appointmentStatusChangeEvent'],
  workOrder: ['workOrderCreateEvent', 'workOrderStateChangeEvent', 'workOrderAppointmentRequiredEvent'],
};

/** Event types named by a hub query (`eventType=a,b` or `eventType=a&eventType=b`); empty means all. */
export function eventTypesOf(query: string | undefined): string[] {
  if (!query || query.trim() === '') return [];
  const params = new URLSearchParams(query.trim().replace(/^\?/, ''));
  return params.getAll('eventType').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function hubAccepts(query: string | undefined, eventType: string): boolean {
  const types = eventTypesOf(query);
  return types.length === 0 || types.includes(eventType);
}

export function registerHub(ctx: SandboxContext, seller: string, api: NotifiedApi, body: EventSubscriptionInput): EventSubscription {
  let url: URL;
  try {
    url = new URL(body.callback);
  } catch {
    throw fail.badRequest('invalidBody', 'callback must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail.badRequest('invalidBody', 'callback must be an http or https URL');
  if (body.query !== undefined && body.query.trim() !== '') {
    const params = new URLSearchParams(body.query.trim().replace(/^\?/, ''));
    const otherKeys = [...params.keys()].filter((k) => k !== 'eventType');
    if (otherKeys.length) throw fail.badRequest('invalidBody', `Only eventType can filter a subscription (got ${otherKeys.join(', ')})`);
    const unknown = eventTypesOf(body.query).filter((t) => !EVENT_TYPES[api].includes(t));
    if (unknown.length) throw fail.badRequest('invalidBody', `Unknown event types for this API: ${unknown.join(', ')}`);
  }
  const hub: EventSubscription = { id: newId(), callback: body.callback, ...(body.query !== undefined ? { query: body.query } : {}) };
  ctx.store.insert(seller, 'hub', hub.id, hub, { api });
  return hub;
}

export function findHub(ctx: SandboxContext, seller: string, api: NotifiedApi, id: string): EventSubscription {
  const hub = ctx.store.get<EventSubscription>(seller, 'hub', id);
  if (!hub || hub.meta.api !== api) throw fail.notFound(`No hub subscription ${id}`);
  return hub.doc;
}

export function unregisterHub(ctx: SandboxContext, seller: string, api: NotifiedApi, id: string): void {
  findHub(ctx, seller, api, id);
  ctx.store.remove(seller, 'hub', id);
}

export function listHubs(ctx: SandboxContext, seller: string, api: NotifiedApi): Array<{ id: string; callback: string; query?: string }> {
  return ctx.store
    .list<EventSubscription>(seller, 'hub')
    .filter((h) => h.meta.api === api)
    .map((h) => ({ id: h.doc.id, callback: h.doc.callback, ...(h.doc.query !== undefined ? { query: h.doc.query } : {}) }));
}
