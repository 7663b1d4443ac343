import type { components as TroubleTicketNotification } from '../../lib/sonata/generated/trouble-ticket-notification';
import type { components as AppointmentNotification } from '../../lib/sonata/generated/appointment-notification';
import type { components as WorkOrderNotification } from '../../lib/sonata/generated/work-order-notification';
import { troubleTicketNotificationSpec } from '../../lib/sonata/generated/trouble-ticket-notification.spec';
import { appointmentNotificationSpec } from '../../lib/sonata/generated/appointment-notification.spec';
import { workOrderNotificationSpec } from '../../lib/sonata/generated/work-order-notification.spec';

export type NotificationApi = 'troubleTicket' | 'appointment' | 'workOrder';
export type ReferencePoint = 'sonata' | 'cantata';

export type NotificationEnvelope =
  | TroubleTicketNotification['schemas']['TroubleTicketEvent']
  | TroubleTicketNotification['schemas']['IncidentEvent']
  | AppointmentNotification['schemas']['AppointmentEvent']
  | WorkOrderNotification['schemas']['WorkOrderEvent'];

export type NotificationEventType = NotificationEnvelope['eventType'];

interface ListenerRoutes {
  /** After /mefApi/<reference point>, e.g. /troubleTicketNotification/v4 */
  basePath: string;
  eventTypes: ReadonlySet<string>;
}

interface NotificationSpec {
  servers: readonly { url: string }[];
  paths: Record<string, unknown>;
}

const LISTENER_PREFIX = '/listener/';

function routesOf(spec: NotificationSpec): ListenerRoutes {
  const serverUrl = spec.servers[0]?.url;
  if (!serverUrl) throw new Error('notification spec has no server URL');
  const specPath = new URL(serverUrl.replace('{serverBase}', 'seller.invalid')).pathname.replace(/\/+$/, '');
  // The YAML's server URL is on Sonata; a Cantata deployment swaps that segment, so keep what follows it.
  const basePath = specPath.replace(/^\/mefApi\/[^/]+/, '');
  const eventTypes = new Set(
    Object.keys(spec.paths)
      .filter((p) => p.startsWith(LISTENER_PREFIX))
      .map((p) => p.slice(LISTENER_PREFIX.length)),
  );
  return { basePath, eventTypes };
}

const ROUTES: Record<NotificationApi, ListenerRoutes> = {
  troubleTicket: routesOf(troubleTicketNotificationSpec),
  appointment: routesOf(appointmentNotificationSpec),
  workOrder: routesOf(workOrderNotificationSpec),
};

export function isListenedEvent(api: NotificationApi, eventType: string): eventType is NotificationEventType {
  return ROUTES[api].eventTypes.has(eventType);
}

/**
 * The Buyer's `callback` is a host or prefix: the notification API base path on the Seller's reference point and the
 * listener follow it.
 */
export function listenerUrl(callback: string, api: NotificationApi, eventType: string, referencePoint: ReferencePoint = 'sonata'): string {
  return `${callback.replace(/\/+$/, '')}/mefApi/${referencePoint}${ROUTES[api].basePath}${LISTENER_PREFIX}${eventType}`;
}

/** OAuth2 scope of a Buyer listener: its operationId, `listenTo` + capitalised event name. */
export function listenerScope(eventType: string): string {
  return `listenTo${eventType.charAt(0).toUpperCase()}${eventType.slice(1)}`;
}
