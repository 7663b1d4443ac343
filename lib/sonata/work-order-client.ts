import type { paths } from './generated/work-order';
import { collectAllPages, type CollectedList, type CollectOptions, type ListPage } from './paging';
import type { EventSubscription, EventSubscriptionInput, WorkOrder, WorkOrderFind, WorkOrderListQuery } from './schemas';
import type { SellerConnection } from './seller-connection';
import { SonataTransport, type SonataClientOptions } from './transport';

export type WorkOrderClient = ReturnType<typeof workOrderClient>;

/** MEF 137 Work Order Management v2 at one Seller (read-only for the Buyer). */
export function workOrderClient(conn: SellerConnection, options?: SonataClientOptions) {
  const t = new SonataTransport<paths>(conn, 'workOrder', options);
  const api = t.client;

  // The YAML declares a single WorkOrder_Find here; Sellers answer with an array. Both are accepted.
  const listWorkOrder = (query?: WorkOrderListQuery): Promise<ListPage<WorkOrderFind>> =>
    t.executeList(
      'listWorkOrder',
      (init) => api.GET('/workorder', { params: { query: t.query(query) }, ...init }),
      'list-or-entity',
    );

  return {
    connection: conn,

    listWorkOrder,

    listAllWorkOrder(
      query?: Omit<WorkOrderListQuery, 'offset' | 'limit'>,
      options?: CollectOptions,
    ): Promise<CollectedList<WorkOrderFind>> {
      return collectAllPages((page) => listWorkOrder({ ...query, ...page }), options);
    },

    async retrieveWorkOrder(id: string): Promise<WorkOrder> {
      const res = await t.execute('retrieveWorkOrder', 'entity', (init) =>
        api.GET('/workorder/{id}', { params: { path: { id }, query: t.query() }, ...init }),
      );
      return res.body as WorkOrder;
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
