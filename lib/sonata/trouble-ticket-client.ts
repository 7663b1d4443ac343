import type { components, paths } from './generated/trouble-ticket';
import { collectAllPages, type CollectedList, type CollectOptions, type ListPage } from './paging';
import type {
  EventSubscription,
  EventSubscriptionInput,
  Incident,
  IncidentFind,
  IncidentListQuery,
  TroubleTicket,
  TroubleTicketCreate,
  TroubleTicketFind,
  TroubleTicketListQuery,
  TroubleTicketReason,
  TroubleTicketUpdate,
} from './schemas';
import type { SellerConnection } from './seller-connection';
import { SonataTransport, type SonataClientOptions } from './transport';

export type TroubleTicketClient = ReturnType<typeof troubleTicketClient>;

/** MEF 124 Trouble Ticket and Incident Management v4 at one Seller. */
export function troubleTicketClient(conn: SellerConnection, options?: SonataClientOptions) {
  const t = new SonataTransport<paths>(conn, 'troubleTicket', options);
  const api = t.client;

  const listTroubleTicket = (query?: TroubleTicketListQuery): Promise<ListPage<TroubleTicketFind>> =>
    t.executeList('listTroubleTicket', (init) => api.GET('/troubleTicket', { params: { query: t.query(query) }, ...init }));
  const listIncident = (query?: IncidentListQuery): Promise<ListPage<IncidentFind>> =>
    t.executeList('listIncident', (init) => api.GET('/incident', { params: { query: t.query(query) }, ...init }));

  return {
    connection: conn,

    async createTroubleTicket(body: TroubleTicketCreate): Promise<TroubleTicket> {
      const res = await t.execute(
        'createTroubleTicket',
        'entity',
        (init) =>
          api.POST('/troubleTicket', {
            params: { query: t.query() },
            body: body as components['schemas']['TroubleTicket_Create'],
            ...init,
          }),
        { hasBody: true },
      );
      return res.body as TroubleTicket;
    },

    listTroubleTicket,

    listAllTroubleTicket(
      query?: Omit<TroubleTicketListQuery, 'offset' | 'limit'>,
      options?: CollectOptions,
    ): Promise<CollectedList<TroubleTicketFind>> {
      return collectAllPages((page) => listTroubleTicket({ ...query, ...page }), options);
    },

    async retrieveTroubleTicket(id: string): Promise<TroubleTicket> {
      const res = await t.execute('retrieveTroubleTicket', 'entity', (init) =>
        api.GET('/troubleTicket/{id}', { params: { path: { id }, query: t.query() }, ...init }),
      );
      return res.body as TroubleTicket;
    },

    /** Merge-patch: lists are replaced whole, so send the Seller's items back untouched. */
    async patchTroubleTicket(id: string, body: TroubleTicketUpdate): Promise<TroubleTicket> {
      const res = await t.execute(
        'patchTroubleTicket',
        'entity',
        (init) => api.PATCH('/troubleTicket/{id}', { params: { path: { id }, query: t.query() }, body, ...init }),
        { hasBody: true },
      );
      return res.body as TroubleTicket;
    },

    async cancelTroubleTicket(id: string): Promise<void> {
      await t.execute('cancelTroubleTicket', 'none', (init) =>
        api.POST('/troubleTicket/{id}/cancel', { params: { path: { id }, query: t.query() }, ...init }),
      );
    },

    async closeTroubleTicket(id: string): Promise<void> {
      await t.execute('closeTroubleTicket', 'none', (init) =>
        api.POST('/troubleTicket/{id}/close', { params: { path: { id }, query: t.query() }, ...init }),
      );
    },

    async reopenTroubleTicket(id: string, body: TroubleTicketReason): Promise<void> {
      await t.execute(
        'reopenTroubleTicket',
        'none',
        (init) => api.POST('/troubleTicket/{id}/reopen', { params: { path: { id }, query: t.query() }, body, ...init }),
        { hasBody: true },
      );
    },

    listIncident,

    listAllIncident(
      query?: Omit<IncidentListQuery, 'offset' | 'limit'>,
      options?: CollectOptions,
    ): Promise<CollectedList<IncidentFind>> {
      return collectAllPages((page) => listIncident({ ...query, ...page }), options);
    },

    async retrieveIncident(id: string): Promise<Incident> {
      const res = await t.execute('retrieveIncident', 'entity', (init) =>
        api.GET('/incident/{id}', { params: { path: { id }, query: t.query() }, ...init }),
      );
      return res.body as Incident;
    },

    async registerListener(body: EventSubscriptionInput): Promise<EventSubscription> {
      const res = await t.execute(
        'registerListener',
        'entity',
        (init) => api.POST('/hub', { params: { query: t.query() }, body, ...init }),
        { hasBody: true },
      );
      return res.body as EventSubscription;
    },

    async retrieveHub(id: string): Promise<EventSubscription> {
      const res = await t.execute('retrieveHub', 'entity', (init) =>
        api.GET('/hub/{id}', { params: { path: { id }, query: t.query() }, ...init }),
      );
      return res.body as EventSubscription;
    },

    async unregisterListener(id: string): Promise<void> {
      await t.execute('unregisterListener', 'none', (init) =>
        api.DELETE('/hub/{id}', { params: { path: { id }, query: t.query() }, ...init }),
      );
    },
  };
}
