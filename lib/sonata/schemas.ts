/** Short names for the generated MEF schemas and operation queries the clients take and return. */
import type { components as Tt, operations as TtOps } from './generated/trouble-ticket';
import type { components as Ap, operations as ApOps } from './generated/appointment';
import type { components as Wo, operations as WoOps } from './generated/work-order';

type TtSchemas = Tt['schemas'];
type ApSchemas = Ap['schemas'];
type WoSchemas = Wo['schemas'];

type QueryOf<Op extends { parameters: { query?: unknown } }> = NonNullable<Op['parameters']['query']>;
/** Filters and paging a caller may pass; `buyerId`/`sellerId` come from the Seller connection. */
type ListQuery<Op extends { parameters: { query?: unknown } }> = Omit<QueryOf<Op>, 'buyerId' | 'sellerId'>;

export type TroubleTicket = TtSchemas['TroubleTicket'];
/** The YAML's `TroubleTicket_Create` is `TroubleTicket_Common` plus an empty object, which openapi-typescript renders
 * as `& Record<string, never>` (no value fits); the Common part is the real shape. */
export type TroubleTicketCreate = TtSchemas['TroubleTicket_Common'];
export type TroubleTicketUpdate = TtSchemas['TroubleTicket_Update'];
export type TroubleTicketFind = TtSchemas['TroubleTicket_Find'];
export type TroubleTicketReason = TtSchemas['Reason'];
export type Incident = TtSchemas['Incident'];
export type IncidentFind = TtSchemas['Incident_Find'];
export type TroubleTicketListQuery = ListQuery<TtOps['listTroubleTicket']>;
export type IncidentListQuery = ListQuery<TtOps['listIncident']>;

export type Appointment = ApSchemas['Appointment'];
export type AppointmentCreate = ApSchemas['Appointment_Create'];
export type AppointmentUpdate = ApSchemas['Appointment_Update'];
export type AppointmentFind = ApSchemas['Appointment_Find'];
export type SearchTimeSlot = ApSchemas['SearchTimeSlot'];
export type SearchTimeSlotCreate = ApSchemas['SearchTimeSlot_Create'];
export type AppointmentListQuery = ListQuery<ApOps['listAppointment']>;

export type WorkOrder = WoSchemas['WorkOrder'];
export type WorkOrderFind = WoSchemas['WorkOrder_Find'];
export type WorkOrderListQuery = ListQuery<WoOps['listWorkOrder']>;

/** The three APIs declare the same hub shapes. */
export type EventSubscription = TtSchemas['EventSubscription'];
export type EventSubscriptionInput = TtSchemas['EventSubscriptionInput'];
