import type { NOTIFICATION_APIS } from '@/db/schema';
import { appointmentNotificationSpec } from '@/lib/sonata/generated/appointment-notification.spec';
import { troubleTicketNotificationSpec } from '@/lib/sonata/generated/trouble-ticket-notification.spec';
import { workOrderNotificationSpec } from '@/lib/sonata/generated/work-order-notification.spec';
import type { OpenApiDocument } from '@/lib/sonata/openapi-validator';

/** Our listeners, read from the generated notification documents: one home for paths, event types and scopes. */
export type NotificationApi = (typeof NOTIFICATION_APIS)[number];
export type EntityKind = 'ticket' | 'incident' | 'appointment' | 'workOrder';

export interface ListenerOperation {
  api: NotificationApi;
  eventType: string;
  /** Also the OAuth2 scope a Seller needs to call it (listenTo + capitalised event name). */
  operationId: string;
  entity: EntityKind;
}

interface ListenerApi {
  api: NotificationApi;
  /** Path segment after /mefApi/<reference point>/, e.g. troubleTicketNotification. */
  segment: string;
  /** Versions we serve; v2 for trouble tickets is the stale version of the YAML examples. */
  versions: readonly string[];
  spec: OpenApiDocument;
}

export const LISTENER_APIS: Record<NotificationApi, ListenerApi> = {
  troubleTicket: { api: 'troubleTicket', segment: 'troubleTicketNotification', versions: ['v4', 'v2'], spec: troubleTicketNotificationSpec },
  appointment: { api: 'appointment', segment: 'appointmentNotification', versions: ['v2'], spec: appointmentNotificationSpec },
  workOrder: { api: 'workOrder', segment: 'workOrderNotification', versions: ['v2'], spec: workOrderNotificationSpec },
};

const PREFIX = '/listener/';

/** The kind of resource an event (or a reconciliation entry) is about, from its type name. */
export function entityOf(eventType: string): EntityKind {
  if (eventType.startsWith('troubleTicket')) return 'ticket';
  if (eventType.startsWith('incident')) return 'incident';
  if (eventType.startsWith('appointment')) return 'appointment';
  if (eventType.startsWith('workOrder')) return 'workOrder';
  throw new Error(`No entity for ${eventType}`);
}

function operationsOf(api: ListenerApi): ListenerOperation[] {
  return Object.entries(api.spec.paths)
    .filter(([path]) => path.startsWith(PREFIX))
    .map(([path, item]) => {
      const eventType = path.slice(PREFIX.length);
      const operationId = (item as { post?: { operationId?: string } }).post?.operationId;
      if (!operationId) throw new Error(`No operationId for ${path}`);
      return { api: api.api, eventType, operationId, entity: entityOf(eventType) };
    });
}

export const LISTENER_OPERATIONS: readonly ListenerOperation[] = Object.values(LISTENER_APIS).flatMap(operationsOf);

/** Every scope a Seller may be granted: one per listener. */
export const LISTENER_SCOPES: readonly string[] = LISTENER_OPERATIONS.map((op) => op.operationId);

export function listenerOperation(api: NotificationApi, eventType: string): ListenerOperation | undefined {
  return LISTENER_OPERATIONS.find((op) => op.api === api && op.eventType === eventType);
}

export function operationForEvent(eventType: string): ListenerOperation | undefined {
  return LISTENER_OPERATIONS.find((op) => op.eventType === eventType);
}
