import type { components as TroubleTicketComponents } from '@/lib/sonata/generated/trouble-ticket';
import type { components as AppointmentComponents } from '@/lib/sonata/generated/appointment';
import type { components as WorkOrderComponents } from '@/lib/sonata/generated/work-order';

type TT = TroubleTicketComponents['schemas'];
type AP = AppointmentComponents['schemas'];
type WO = WorkOrderComponents['schemas'];

export type TroubleTicket = TT['TroubleTicket'];
export type TroubleTicketCreate = TT['TroubleTicket_Common'];
export type TroubleTicketUpdate = TT['TroubleTicket_Update'];
export type TroubleTicketFind = TT['TroubleTicket_Find'];
export type TicketNote = TT['Note'];
export type TicketAttachment = TT['AttachmentValue'];
export type TicketContact = TT['RelatedContactInformation'];
export type IssueRelationship = TT['IssueRelationship'];
export type Incident = TT['Incident'];
export type IncidentFind = TT['Incident_Find'];
export type RelatedEntity = TT['RelatedEntity'];
export type ImpactType = TT['MEFObservedImpactType'];
export type IncidentType = TT['IncidentType'];
export type PriorityType = TT['TroubleTicketPriorityType'];
export type SeverityType = TT['TroubleTicketSeverityType'];
export type Error422 = TT['Error422'];
export type EventSubscription = TT['EventSubscription'];
export type EventSubscriptionInput = TT['EventSubscriptionInput'];

export type Appointment = AP['Appointment'];
export type AppointmentCreate = AP['Appointment_Create'];
export type AppointmentUpdate = AP['Appointment_Update'];
export type AppointmentFind = AP['Appointment_Find'];
export type AppointmentNote = AP['Note'];
export type AppointmentAttachment = AP['AttachmentValue'];
export type SearchTimeSlot = AP['SearchTimeSlot'];
export type SearchTimeSlotCreate = AP['SearchTimeSlot_Create'];
export type TimePeriod = AP['TimePeriod'];
export type RelatedPlace = AP['RelatedPlaceRefOrValue'];

export type WorkOrder = WO['WorkOrder'];
export type WorkOrderFind = WO['WorkOrder_Find'];
