/**
 * The one mapping of MEF API values to what users read, with the MEF 113 name beside each.
 * Every table is keyed by the generated union, so a value added to or dropped from the YAML fails the typecheck.
 * Key order is display order. Pure: imports only generated types.
 */
import type { components as Tt } from '../sonata/generated/trouble-ticket';
import type { components as Ap } from '../sonata/generated/appointment';
import type { components as Wo } from '../sonata/generated/work-order';
import type { components as TtEvents } from '../sonata/generated/trouble-ticket-notification';
import type { components as ApEvents } from '../sonata/generated/appointment-notification';
import type { components as WoEvents } from '../sonata/generated/work-order-notification';

export type TicketStatus = Tt['schemas']['TroubleTicketStatusType'];
export type TicketSeverity = Tt['schemas']['TroubleTicketSeverityType'];
export type TicketPriority = Tt['schemas']['TroubleTicketPriorityType'];
export type ObservedImpact = Tt['schemas']['MEFObservedImpactType'];
export type TicketType = Tt['schemas']['TroubleTicketType'];
export type IncidentStatus = Tt['schemas']['IncidentStatusType'];
export type IncidentType = Tt['schemas']['IncidentType'];
export type WorkOrderState = Wo['schemas']['WorkOrderStateType'];
export type AppointmentStatus = Ap['schemas']['AppointmentStatusType'];
export type ItemSource = Tt['schemas']['MEFBuyerSellerType'];
export type TicketEventType = TtEvents['schemas']['TroubleTicketEventType'];
export type IncidentEventType = TtEvents['schemas']['IncidentEventType'];
export type AppointmentEventType = ApEvents['schemas']['AppointmentEventType'];
export type WorkOrderEventType = WoEvents['schemas']['WorkOrderEventType'];

/** Badge colour token. */
export type Tone = 'info' | 'warning' | 'success' | 'danger' | 'neutral';

export interface MefLabel {
  label: string;
  /** The MEF 113 name, or null where the API has a value MEF 113 does not. */
  mef113: string | null;
}

export interface MefToneLabel extends MefLabel {
  tone: Tone;
}

export const TICKET_STATUS = {
  acknowledged: { label: 'Acknowledged', mef113: 'ACKNOWLEDGED', tone: 'info' },
  inProgress: { label: 'In progress', mef113: 'IN_PROGRESS', tone: 'info' },
  pending: { label: 'Waiting for you', mef113: 'PENDING', tone: 'warning' },
  resolved: { label: 'Resolved', mef113: 'RESOLVED', tone: 'success' },
  reopened: { label: 'Reopened', mef113: 'REOPENED', tone: 'danger' },
  closed: { label: 'Closed', mef113: 'CLOSED', tone: 'neutral' },
  assessingCancellation: { label: 'Cancellation requested', mef113: 'ASSESSING_CANCELLATION', tone: 'warning' },
  cancelled: { label: 'Cancelled', mef113: 'CANCELLED', tone: 'neutral' },
} as const satisfies Record<TicketStatus, MefToneLabel>;

export const TICKET_SEVERITY = {
  minor: { label: 'Minor', mef113: 'MINOR', tone: 'neutral' },
  moderate: { label: 'Moderate', mef113: 'MODERATE', tone: 'info' },
  significant: { label: 'Significant', mef113: 'SIGNIFICANT', tone: 'warning' },
  extensive: { label: 'Extensive', mef113: 'EXTENSIVE', tone: 'danger' },
} as const satisfies Record<TicketSeverity, MefToneLabel>;

export const TICKET_PRIORITY = {
  low: { label: 'Low', mef113: 'LOW', tone: 'neutral' },
  medium: { label: 'Medium', mef113: 'MEDIUM', tone: 'info' },
  high: { label: 'High', mef113: 'HIGH', tone: 'warning' },
  critical: { label: 'Critical', mef113: 'CRITICAL', tone: 'danger' },
} as const satisfies Record<TicketPriority, MefToneLabel>;

export const OBSERVED_IMPACT = {
  degraded: { label: 'Degraded', mef113: 'DEGRADED', tone: 'warning' },
  intermittent: { label: 'Intermittent', mef113: 'INTERMITTENT', tone: 'warning' },
  down: { label: 'Down', mef113: 'DOWN', tone: 'danger' },
} as const satisfies Record<ObservedImpact, MefToneLabel>;

export const TICKET_TYPE = {
  assistance: { label: 'Assistance', mef113: 'ASSISTANCE' },
  information: { label: 'Information', mef113: 'INFORMATION' },
  installation: { label: 'Installation', mef113: 'INSTALLATION' },
  maintenance: { label: 'Maintenance', mef113: 'MAINTENANCE' },
} as const satisfies Record<TicketType, MefLabel>;

export const INCIDENT_STATUS = {
  created: { label: 'Open', mef113: 'CREATED', tone: 'danger' },
  inProgress: { label: 'Being fixed', mef113: 'IN_PROGRESS', tone: 'warning' },
  closed: { label: 'Closed', mef113: 'CLOSED', tone: 'success' },
} as const satisfies Record<IncidentStatus, MefToneLabel>;

export const INCIDENT_TYPE = {
  maintenance: { label: 'Maintenance', mef113: 'MAINTENANCE' },
  repair: { label: 'Repair', mef113: null },
  installation: { label: 'Installation', mef113: null },
} as const satisfies Record<IncidentType, MefLabel>;

export const WORK_ORDER_STATE = {
  open: { label: 'Open', mef113: 'OPEN', tone: 'warning' },
  planned: { label: 'Planned', mef113: 'PLANNED', tone: 'info' },
  inProgress: { label: 'In progress', mef113: 'IN_PROGRESS', tone: 'info' },
  completed: { label: 'Completed', mef113: 'COMPLETED', tone: 'success' },
  unableToComplete: { label: 'Unable to complete', mef113: 'UNABLE_TO_COMPLETE', tone: 'danger' },
  cancelled: { label: 'Cancelled', mef113: 'CANCELLED', tone: 'neutral' },
} as const satisfies Record<WorkOrderState, MefToneLabel>;

export const APPOINTMENT_STATUS = {
  confirmed: { label: 'Scheduled', mef113: 'SCHEDULED', tone: 'info' },
  inProgress: { label: 'In progress', mef113: 'IN_PROGRESS', tone: 'info' },
  completed: { label: 'Completed', mef113: 'COMPLETED', tone: 'success' },
  missed: { label: 'Missed by the Seller', mef113: 'MISSED', tone: 'danger' },
  failed: { label: 'Failed (access or location)', mef113: 'FAILED', tone: 'danger' },
  cancelled: { label: 'Cancelled', mef113: 'CANCELLED', tone: 'neutral' },
} as const satisfies Record<AppointmentStatus, MefToneLabel>;

/** Who added a note, attachment or related issue. */
export const ITEM_SOURCE = {
  buyer: { label: 'You', mef113: 'BUYER' },
  seller: { label: 'Seller', mef113: 'SELLER' },
} as const satisfies Record<ItemSource, MefLabel>;

/** `RelatedContactInformation.role` is a free string in the YAML; these are the roles MEF 113 and the guides name. */
export const CONTACT_ROLE = {
  reporterContact: { label: 'Reporter', mef113: 'Reporter Contact' },
  buyerTechnicalContact: { label: 'Buyer technical contact', mef113: 'Buyer Technical Contact' },
  sellerTicketContact: { label: 'Seller ticket contact', mef113: 'Seller Ticket Contact' },
  sellerTechnicalContact: { label: 'Seller technical contact', mef113: 'Seller Technical Contact' },
  incidentContact: { label: 'Incident contact', mef113: 'Incident Contact' },
  incidentTechnicalContact: { label: 'Incident technical contact', mef113: 'Incident Technical Contact' },
  buyerAppointmentContact: { label: 'Buyer appointment contact', mef113: 'Buyer Appointment Contact' },
  appointmentPlaceContact: { label: 'On-site contact', mef113: 'Appointment Place Contact' },
  sellerAppointmentContact: { label: 'Seller appointment contact', mef113: 'Seller Appointment Contact' },
  technicalContact: { label: 'Technical contact', mef113: 'Technical Contact' },
  technician: { label: 'Technician', mef113: 'Technician' },
} as const satisfies Record<string, MefLabel>;

export type ContactRole = keyof typeof CONTACT_ROLE;

/** Notification types, named as MEF 113 names them (the YAML's own description table is misaligned; this follows the event definitions). */
export const EVENT_TYPE = {
  troubleTicketAttributeValueChangeEvent: { label: 'Ticket updated by the Seller', mef113: 'TICKET_UPDATE' },
  troubleTicketStatusChangeEvent: { label: 'Ticket status changed', mef113: 'TICKET_STATE_CHANGE' },
  troubleTicketInformationRequiredEvent: { label: 'Seller needs information', mef113: 'TICKET_INFO_REQUIRED' },
  troubleTicketResolvedEvent: { label: 'Ticket resolved, please confirm', mef113: 'TICKET_RESOLVED' },
  incidentCreateEvent: { label: 'Incident opened', mef113: 'INCIDENT_CREATE' },
  incidentAttributeValueChangeEvent: { label: 'Incident updated', mef113: 'INCIDENT_UPDATE' },
  incidentStatusChangeEvent: { label: 'Incident status changed', mef113: 'INCIDENT_STATE_CHANGE' },
  appointmentAttributeValueChangeEvent: { label: 'Appointment updated by the Seller', mef113: 'APPOINTMENT_UPDATE' },
  appointmentStatusChangeEvent: { label: 'Appointment status changed', mef113: 'APPOINTMENT_STATE_CHANGE' },
  workOrderCreateEvent: { label: 'Work order created', mef113: null },
  workOrderStateChangeEvent: { label: 'Work order state changed', mef113: null },
  workOrderAppointmentRequiredEvent: { label: 'Appointment needed', mef113: null },
} as const satisfies Record<TicketEventType | IncidentEventType | AppointmentEventType | WorkOrderEventType, MefLabel>;

export type MefEventType = keyof typeof EVENT_TYPE;

const keysOf = <K extends string>(table: Record<K, unknown>) => Object.keys(table) as K[];

export const TICKET_STATUSES = keysOf(TICKET_STATUS);
export const TICKET_SEVERITIES = keysOf(TICKET_SEVERITY);
export const TICKET_PRIORITIES = keysOf(TICKET_PRIORITY);
export const OBSERVED_IMPACTS = keysOf(OBSERVED_IMPACT);
export const TICKET_TYPES = keysOf(TICKET_TYPE);
export const INCIDENT_STATUSES = keysOf(INCIDENT_STATUS);
export const INCIDENT_TYPES = keysOf(INCIDENT_TYPE);
export const WORK_ORDER_STATES = keysOf(WORK_ORDER_STATE);
export const APPOINTMENT_STATUSES = keysOf(APPOINTMENT_STATUS);
export const ITEM_SOURCES = keysOf(ITEM_SOURCE);
export const CONTACT_ROLES = keysOf(CONTACT_ROLE);

/** Label of a value as received; a value the table does not know (a non-conforming Seller) is shown as is. */
export function labelOf<K extends string>(table: Record<K, MefLabel>, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return Object.hasOwn(table, value) ? table[value as K].label : value;
}

/** Badge tone of a value as received; unknown values are neutral. */
export function toneOf<K extends string>(table: Record<K, MefToneLabel>, value: string | null | undefined): Tone {
  return value && Object.hasOwn(table, value) ? table[value as K].tone : 'neutral';
}

/** MEF 113 name of a value as received, or null. */
export function mef113Of<K extends string>(table: Record<K, MefLabel>, value: string | null | undefined): string | null {
  return value && Object.hasOwn(table, value) ? table[value as K].mef113 : null;
}

/** Type guard for a value from the Seller against one of the tables above. */
export function isMefValue<K extends string>(table: Record<K, unknown>, value: unknown): value is K {
  return typeof value === 'string' && Object.hasOwn(table, value);
}

/** `source` labelled, e.g. on a note: "You" or "Seller". */
export const sourceLabel = (source: string | null | undefined) => labelOf(ITEM_SOURCE, source);

/** A contact role's label; unknown roles are spelled out from camelCase ("siteManager" → "Site manager"). */
export function contactRoleLabel(role: string): string {
  if (Object.hasOwn(CONTACT_ROLE, role)) return CONTACT_ROLE[role as ContactRole].label;
  const words = role.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
