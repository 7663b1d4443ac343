import 'server-only';
import { sonataClients, type SellerConnection, type SonataClientOptions } from '@/lib/sonata/client';
import type { Appointment, Incident, TroubleTicket, WorkOrder } from '@/lib/sonata/schemas';
import type { EntityKind } from './listener-catalog';

export type FetchedDocument =
  | { entity: 'ticket'; doc: TroubleTicket }
  | { entity: 'incident'; doc: Incident }
  | { entity: 'appointment'; doc: Appointment }
  | { entity: 'workOrder'; doc: WorkOrder };

export interface FetchedResource {
  document: FetchedDocument;
  /** When the GET was sent: the cache orders documents by it, so a slow older answer never wins. */
  requestedAt: string;
}

/**
 * GETs the full resource a notification is about. The host and base path come only from the Seller registry; the
 * id is the opaque event.id, path-encoded by the client (so '/', '?' or '#' in it cannot change the URL).
 */
export async function fetchResource(
  conn: SellerConnection,
  entity: EntityKind,
  id: string,
  options?: SonataClientOptions,
): Promise<FetchedResource> {
  if (/^\.*$/.test(id)) throw new Error(`Refusing to fetch a resource with id "${id}"`);
  const clients = sonataClients(conn, options);
  const requestedAt = new Date().toISOString();
  switch (entity) {
    case 'ticket':
      return { requestedAt, document: { entity, doc: await clients.troubleTicket.retrieveTroubleTicket(id) } };
    case 'incident':
      return { requestedAt, document: { entity, doc: await clients.troubleTicket.retrieveIncident(id) } };
    case 'appointment':
      return { requestedAt, document: { entity, doc: await clients.appointment.retrieveAppointment(id) } };
    case 'workOrder':
      return { requestedAt, document: { entity, doc: await clients.workOrder.retrieveWorkOrder(id) } };
  }
}
