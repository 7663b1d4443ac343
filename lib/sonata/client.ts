/** The Buyer side of the MEF LSO Sonata wire: one typed client per Seller and API. Server-side only. */
import { appointmentClient } from './appointment-client';
import type { SellerConnection } from './seller-connection';
import type { SonataClientOptions } from './transport';
import { troubleTicketClient } from './trouble-ticket-client';
import { workOrderClient } from './work-order-client';

export { troubleTicketClient, type TroubleTicketClient } from './trouble-ticket-client';
export { appointmentClient, type AppointmentClient } from './appointment-client';
export { workOrderClient, type WorkOrderClient } from './work-order-client';
export { MEF_MEDIA_TYPE, SonataTransport, type SonataClientOptions, type ResponseCheck } from './transport';
export {
  collectAllPages,
  parseListHeaders,
  type CollectedList,
  type CollectOptions,
  type ListPage,
  type PageRequest,
} from './paging';
export { TokenCache, sharedTokenCache, scopeFor, tokenCacheKey, tokenRequestFor, type TokenKey, type TokenRequest } from './token-cache';
export * from './errors';
export * from './deviations';
export type * from './schemas';
export type { SellerConnection, SonataApi } from './seller-connection';

/** All three Seller-side APIs of one Seller. */
export function sonataClients(conn: SellerConnection, options?: SonataClientOptions) {
  return {
    troubleTicket: troubleTicketClient(conn, options),
    appointment: appointmentClient(conn, options),
    workOrder: workOrderClient(conn, options),
  };
}

export type SonataClients = ReturnType<typeof sonataClients>;
