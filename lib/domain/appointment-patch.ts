/**
 * The merge-patch body for a change of an appointment's contacts, notes or attachments, built against the Seller's
 * latest document: merge-patch replaces whole lists, so every item the Seller holds (its notes, attachments and
 * contacts, and the Buyer's own earlier items) goes back unchanged, and only the Buyer's new items are added
 * (MEF 113 R101/R102, WF-G R29).
 */
import type { components } from '@/lib/sonata/generated/appointment';

type S = components['schemas'];
export type AppointmentDoc = S['Appointment'];
export type AppointmentUpdateBody = S['Appointment_Update'];
export type AppointmentContact = S['RelatedContactInformation'];
export type AppointmentNote = S['Note'];
export type AppointmentAttachment = S['AttachmentValue'];

export const BUYER_APPOINTMENT_CONTACT = 'buyerAppointmentContact';
export const APPOINTMENT_PLACE_CONTACT = 'appointmentPlaceContact';

/** The contact roles the Buyer may replace on an appointment; every other role belongs to the Seller. */
export const BUYER_REPLACEABLE_APPOINTMENT_ROLES: readonly string[] = [BUYER_APPOINTMENT_CONTACT, APPOINTMENT_PLACE_CONTACT];

export interface AppointmentDetailsChange {
  /** New contacts by role; only the Buyer's roles are taken. */
  contacts?: AppointmentContact[];
  notes?: AppointmentNote[];
  attachments?: AppointmentAttachment[];
}

type Current = Pick<AppointmentDoc, 'relatedContactInformation' | 'note' | 'attachment'>;

export function buildAppointmentDetailsPatch(current: Current, change: AppointmentDetailsChange): AppointmentUpdateBody {
  const body: AppointmentUpdateBody = {};
  const contacts = (change.contacts ?? []).filter((c) => BUYER_REPLACEABLE_APPOINTMENT_ROLES.includes(c.role));
  if (contacts.length) {
    const replaced = new Set(contacts.map((c) => c.role));
    body.relatedContactInformation = [...(current.relatedContactInformation ?? []).filter((c) => !replaced.has(c.role)), ...contacts];
  }
  if (change.notes?.length) {
    const existing = current.note ?? [];
    const ids = new Set(existing.map((n) => n.id));
    body.note = [...existing, ...change.notes.filter((n) => !ids.has(n.id))];
  }
  if (change.attachments?.length) {
    const existing = current.attachment ?? [];
    const ids = new Set(existing.map((a) => a.attachmentId).filter(Boolean));
    body.attachment = [...existing, ...change.attachments.filter((a) => !a.attachmentId || !ids.has(a.attachmentId))];
  }
  return body;
}
