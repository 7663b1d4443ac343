import type { paths } from './generated/appointment';
import { collectAllPages, type CollectedList, type CollectOptions, type ListPage } from './paging';
import type {
  Appointment,
  AppointmentCreate,
  AppointmentFind,
  AppointmentListQuery,
  AppointmentUpdate,
  EventSubscription,
  EventSubscriptionInput,
  SearchTimeSlot,
  SearchTimeSlotCreate,
} from './schemas';
import type { SellerConnection } from './seller-connection';
import { SonataTransport, type SonataClientOptions } from './transport';

export type AppointmentClient = ReturnType<typeof appointmentClient>;

/** MEF 137 Appointment Management v2 at one Seller. */
export function appointmentClient(conn: SellerConnection, options?: SonataClientOptions) {
  const t = new SonataTransport<paths>(conn, 'appointment', options);
  const api = t.client;

  const listAppointment = (query?: AppointmentListQuery): Promise<ListPage<AppointmentFind>> =>
    t.executeList('listAppointment', (init) => api.GET('/appointment', { params: { query: t.query(query) }, ...init }));

  return {
    connection: conn,

    async createSearchTimeSlot(body: SearchTimeSlotCreate): Promise<SearchTimeSlot> {
      const res = await t.execute(
        'createSearchTimeSlot',
        'object',
        (init) => api.POST('/searchTimeSlot', { params: { query: t.query() }, body, ...init }),
        { hasBody: true },
      );
      const slot = res.body as SearchTimeSlot;
      // An absent list means the same as an empty one: no availability.
      return Array.isArray(slot.availableTimeSlot) ? slot : { ...slot, availableTimeSlot: [] };
    },

    async createAppointment(body: AppointmentCreate): Promise<Appointment> {
      const res = await t.execute(
        'createAppointment',
        'entity',
        (init) => api.POST('/appointment', { params: { query: t.query() }, body, ...init }),
        { hasBody: true },
      );
      return res.body as Appointment;
    },

    listAppointment,

    listAllAppointment(
      query?: Omit<AppointmentListQuery, 'offset' | 'limit'>,
      options?: CollectOptions,
    ): Promise<CollectedList<AppointmentFind>> {
      return collectAllPages((page) => listAppointment({ ...query, ...page }), options);
    },

    async retrieveAppointment(id: string): Promise<Appointment> {
      const res = await t.execute('retrieveAppointment', 'entity', (init) =>
        api.GET('/appointment/{id}', { params: { path: { id }, query: t.query() }, ...init }),
      );
      return res.body as Appointment;
    },

    async patchAppointment(id: string, body: AppointmentUpdate): Promise<Appointment> {
      const res = await t.execute(
        'patchAppointment',
        'entity',
        (init) => api.PATCH('/appointment/{id}', { params: { path: { id }, query: t.query() }, body, ...init }),
        { hasBody: true },
      );
      return res.body as Appointment;
    },

    async cancelAppointment(id: string): Promise<void> {
      await t.execute('cancelAppointment', 'none', (init) =>
        api.POST('/appointment/{id}/cancel', { params: { path: { id }, query: t.query() }, ...init }),
      );
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
