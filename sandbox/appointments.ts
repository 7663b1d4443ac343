import { isDeepStrictEqual } from 'node:util';
import {
  APPOINTMENT_ACTIVE,
  appointmentOperationPermission,
  canAppointmentMove,
  type AppointmentStatus,
} from '@/lib/domain/appointment-state-machine';
import { appointmentBookingBlocker } from '@/lib/domain/work-order-state-machine';
import { freeSlots, type Booking, type FreeSlot, type Interval } from './availability';
import type { SandboxContext } from './context';
import { fail, problem, type Problem422 } from './http';
import type {
  Appointment,
  AppointmentAttachment,
  AppointmentCreate,
  AppointmentFind,
  AppointmentNote,
  AppointmentUpdate,
  SearchTimeSlot,
  SearchTimeSlotCreate,
  TimePeriod,
  WorkOrder,
} from './mef-types';
import type { SellerConfig, SellerSite } from './sellers';
import { newId, type EntityMeta, type StoredEntity } from './store';
import { awaitBuyer, driveTicketTo, type PartyIds } from './tickets';
import {
  loadWorkOrder,
  setAppointmentRequired,
  setWorkOrderState,
  workOrderHref,
  workOrderSite,
  workOrderTicket,
} from './work-orders';

export const SELLER_APPOINTMENT_ROLES = ['sellerAppointmentContact', 'technician'];
const REQUIRED_BUYER_ROLES = ['buyerAppointmentContact', 'appointmentPlaceContact'];

export function appointmentHref(ctx: SandboxContext, seller: string, id: string): string {
  return `${ctx.urls(seller).appointment}/appointment/${id}`;
}

export function loadAppointment(ctx: SandboxContext, seller: string, id: string): StoredEntity<Appointment> {
  const found = ctx.store.get<Appointment>(seller, 'appointment', id);
  if (!found) throw fail.notFound(`No appointment ${id}`);
  return found;
}

function partyIds(meta: EntityMeta): PartyIds {
  return {
    ...(meta.buyerId !== undefined ? { buyerId: meta.buyerId } : {}),
    ...(meta.sellerId !== undefined ? { sellerId: meta.sellerId } : {}),
  };
}

export function publishAppointmentEvent(ctx: SandboxContext, seller: string, appt: StoredEntity<Appointment>, eventType: string): void {
  ctx.publish({ seller, api: 'appointment', eventType, resourceId: appt.id, ...partyIds(appt.meta) });
}

function bookings(ctx: SandboxContext, seller: string, exceptId?: string): Booking[] {
  return ctx.store
    .list<Appointment>(seller, 'appointment')
    .filter((a) => a.id !== exceptId && APPOINTMENT_ACTIVE.includes(a.doc.status) && a.meta.technicianId)
    .map((a) => ({
      technicianId: a.meta.technicianId as string,
      start: Date.parse(a.doc.validFor.startDateTime),
      end: Date.parse(a.doc.validFor.endDateTime),
    }));
}

/** Checks one requested period; returns its interval or adds problems. */
function periodProblems(ctx: SandboxContext, seller: SellerConfig, period: TimePeriod, path: string, out: Problem422[]): Interval | undefined {
  const start = Date.parse(period.startDateTime);
  const end = Date.parse(period.endDateTime);
  const now = ctx.clock.now().getTime();
  const horizon = now + seller.searchHorizonDays * 86_400_000;
  if (!(end > start)) {
    out.push(problem('invalidValue', `${path}/endDateTime`, 'endDateTime must be later than startDateTime'));
    return undefined;
  }
  if (end <= now) {
    out.push(problem('invalidValue', `${path}/endDateTime`, 'The period lies in the past'));
    return undefined;
  }
  if (start >= horizon) {
    out.push(problem('invalidValue', `${path}/startDateTime`, `The period starts beyond the ${seller.searchHorizonDays}-day booking horizon`));
    return undefined;
  }
  return { start, end: Math.min(end, horizon) };
}

function workOrderForBooking(ctx: SandboxContext, seller: SellerConfig, id: string, path: string): { wo: StoredEntity<WorkOrder>; site: SellerSite } {
  const wo = ctx.store.get<WorkOrder>(seller.slug, 'workOrder', id);
  const site = wo ? workOrderSite(seller, wo) : undefined;
  if (!wo || !site) throw fail.unprocessable([problem('referenceNotFound', path, `No work order ${id} at this Seller`)]);
  return { wo, site };
}

function periodOf(slot: Interval): TimePeriod {
  return { startDateTime: new Date(slot.start).toISOString(), endDateTime: new Date(slot.end).toISOString() };
}

export function searchTimeSlot(ctx: SandboxContext, seller: SellerConfig, body: SearchTimeSlotCreate): SearchTimeSlot {
  const { wo, site } = workOrderForBooking(ctx, seller, body.workOrder.id, '/workOrder/id');
  const problems: Problem422[] = [];
  if (wo.doc.state !== 'open' && wo.doc.state !== 'planned') {
    problems.push(problem('invalidValue', '/workOrder/id', `No appointment can be booked for a work order that is ${wo.doc.state}`));
  }
  if (body.requestedTimeSlot.length === 0) {
    problems.push(problem('missingProperty', '/requestedTimeSlot', 'At least one requested time slot is needed'));
  }
  const windows: Interval[] = [];
  body.requestedTimeSlot.forEach((slot, index) => {
    const window = periodProblems(ctx, seller, slot.validFor, `/requestedTimeSlot/${index}/validFor`, problems);
    if (window) windows.push(window);
  });
  if (problems.length) throw fail.unprocessable(problems);
  const slots = freeSlots({ seller, site, windows, bookings: bookings(ctx, seller.slug), notBefore: ctx.clock.now().getTime() });
  return {
    workOrder: { id: wo.id, href: workOrderHref(ctx, seller.slug, wo.id) },
    requestedTimeSlot: body.requestedTimeSlot,
    availableTimeSlot: slots.map((slot) => ({ validFor: periodOf(slot) })),
  };
}

/** The free slot exactly matching the period, or problems explaining why it cannot be booked. */
function bookableSlot(
  ctx: SandboxContext,
  seller: SellerConfig,
  site: SellerSite,
  period: TimePeriod,
  exceptAppointmentId: string | undefined,
  out: Problem422[],
): FreeSlot | undefined {
  const window = periodProblems(ctx, seller, period, '/validFor', out);
  if (!window) return undefined;
  const slot = freeSlots({
    seller,
    site,
    windows: [window],
    bookings: bookings(ctx, seller.slug, exceptAppointmentId),
    notBefore: ctx.clock.now().getTime(),
  }).find((s) => s.start === Date.parse(period.startDateTime) && s.end === Date.parse(period.endDateTime));
  if (!slot) out.push(problem('invalidValue', '/validFor', 'This period is not an available time slot; search time slots first'));
  return slot;
}

function buyerItemProblems(list: ReadonlyArray<{ source?: string }> | undefined, field: string, isNew: (i: number) => boolean): Problem422[] {
  const out: Problem422[] = [];
  (list ?? []).forEach((item, index) => {
    if (isNew(index) && item.source !== 'buyer') out.push(problem('invalidValue', `/${field}/${index}/source`, `A ${field} added by the Buyer must have source buyer`));
  });
  return out;
}

function attachmentProblems(list: readonly AppointmentAttachment[] | undefined, isNew: (i: number) => boolean): Problem422[] {
  const out: Problem422[] = [];
  (list ?? []).forEach((a, index) => {
    if (isNew(index) && !a.url && !(a.content && a.mimeType)) {
      out.push(problem('missingProperty', `/attachment/${index}/url`, 'An attachment needs a url, or content with a mimeType'));
    }
  });
  return out;
}

function contactRoleProblems(contacts: AppointmentCreate['relatedContactInformation'], isBuyerItem: (i: number) => boolean): Problem422[] {
  const out: Problem422[] = [];
  for (const role of REQUIRED_BUYER_ROLES) {
    if (!contacts.some((c) => c.role === role)) out.push(problem('missingProperty', '/relatedContactInformation', `A contact with role ${role} is required`));
  }
  contacts.forEach((c, index) => {
    if (isBuyerItem(index) && SELLER_APPOINTMENT_ROLES.includes(c.role)) {
      out.push(problem('invalidValue', `/relatedContactInformation/${index}/role`, `The Buyer cannot provide a ${c.role}`));
    }
  });
  return out;
}

function technicianContact(seller: SellerConfig, technicianId: string): Appointment['relatedContactInformation'][number] {
  const tech = seller.technicians.find((t) => t.id === technicianId);
  return {
    name: tech?.name ?? seller.technicalContact.name,
    number: tech?.phone ?? seller.technicalContact.number,
    emailAddress: tech?.email ?? seller.technicalContact.emailAddress,
    organization: seller.technicalContact.organization,
    role: 'sellerAppointmentContact',
  };
}

export function createAppointment(ctx: SandboxContext, seller: SellerConfig, body: AppointmentCreate, ids: PartyIds): Appointment {
  return ctx.atomically(() => {
    const { wo, site } = workOrderForBooking(ctx, seller, body.workOrder.id, '/workOrder/id');
    const problems: Problem422[] = [];
    const blocker = appointmentBookingBlocker(wo.doc.state);
    if (blocker) problems.push(problem('invalidValue', '/workOrder/id', blocker));
    const active = ctx.store
      .list<Appointment>(seller.slug, 'appointment')
      .find((a) => a.doc.workOrder.id === wo.id && APPOINTMENT_ACTIVE.includes(a.doc.status));
    if (active) problems.push(problem('invalidValue', '/workOrder/id', `The work order already has a ${active.doc.status} appointment (${active.id})`));
    problems.push(
      ...contactRoleProblems(body.relatedContactInformation, () => true),
      ...buyerItemProblems(body.note, 'note', () => true),
      ...buyerItemProblems(body.attachment, 'attachment', () => true),
      ...attachmentProblems(body.attachment, () => true),
    );
    const slot = problems.length === 0 ? bookableSlot(ctx, seller, site, body.validFor, undefined, problems) : undefined;
    if (problems.length || !slot) throw fail.unprocessable(problems);

    const id = newId();
    const place = wo.doc.place[0];
    if (!place) throw fail.internal();
    const appointment: Appointment = {
      ...body,
      id,
      href: appointmentHref(ctx, seller.slug, id),
      status: 'confirmed',
      relatedPlace: place,
      workOrder: { id: wo.id, href: workOrderHref(ctx, seller.slug, wo.id) },
      relatedContactInformation: [...body.relatedContactInformation, technicianContact(seller, slot.technicianId)],
    };
    ctx.store.insert(seller.slug, 'appointment', id, appointment, { ...ids, technicianId: slot.technicianId });

    wo.doc.appointment = [...(wo.doc.appointment ?? []), { id, href: appointment.href ?? '' }];
    wo.doc.plannedExecutionDate = body.validFor.startDateTime;
    setAppointmentRequired(ctx, seller.slug, wo, false);
    ctx.store.update(seller.slug, 'workOrder', wo.id, wo.doc);
    setWorkOrderState(ctx, seller.slug, wo, 'planned');
    const ticket = workOrderTicket(ctx, seller.slug, wo);
    if (ticket && driveTicketTo(ctx, seller.slug, ticket, 'inProgress', 'Technician appointment booked')) {
      ctx.store.update(seller.slug, 'troubleTicket', ticket.id, ticket.doc);
    }
    return appointment;
  });
}

function appendOnly<T>(field: 'note' | 'attachment', existing: readonly T[], next: readonly T[], key: (item: T) => string | undefined) {
  const problems: Problem422[] = [];
  const matched = new Set<number>();
  for (const old of existing) {
    const k = key(old);
    const index = next.findIndex((item, i) => !matched.has(i) && (k !== undefined ? key(item) === k : isDeepStrictEqual(item, old)));
    if (index < 0) {
      problems.push(problem('invalidValue', `/${field}`, `An existing ${field} was removed; ${field}s are append-only`));
      continue;
    }
    matched.add(index);
    if (!isDeepStrictEqual(next[index], old)) problems.push(problem('invalidValue', `/${field}/${index}`, `An existing ${field} was changed; ${field}s are append-only`));
  }
  return { problems, isNew: (i: number) => !matched.has(i) };
}

export function patchAppointment(ctx: SandboxContext, seller: SellerConfig, id: string, body: AppointmentUpdate): Appointment {
  return ctx.atomically(() => {
    const appt = loadAppointment(ctx, seller.slug, id);
    const permission = appointmentOperationPermission('patch', appt.doc.status);
    if (!permission.allowed) throw fail.unprocessable([problem('invalidValue', '/status', permission.reason)]);
    if (Object.keys(body).length === 0) throw fail.unprocessable([problem('missingProperty', '', 'A patch must change at least one attribute')]);
    const current = appt.doc;
    const problems: Problem422[] = [];
    if (body.note !== undefined) {
      const check = appendOnly('note', current.note ?? [], body.note, (n: AppointmentNote) => n.id);
      problems.push(...check.problems, ...buyerItemProblems(body.note, 'note', check.isNew));
    }
    if (body.attachment !== undefined) {
      const check = appendOnly('attachment', current.attachment ?? [], body.attachment, (a: AppointmentAttachment) => a.attachmentId);
      problems.push(...check.problems, ...buyerItemProblems(body.attachment, 'attachment', check.isNew), ...attachmentProblems(body.attachment, check.isNew));
    }
    if (body.relatedContactInformation !== undefined) {
      const kept = new Set<number>();
      for (const old of current.relatedContactInformation.filter((c) => SELLER_APPOINTMENT_ROLES.includes(c.role))) {
        const index = body.relatedContactInformation.findIndex((c, i) => !kept.has(i) && isDeepStrictEqual(c, old));
        if (index < 0) problems.push(problem('invalidValue', '/relatedContactInformation', 'The Seller appointment contact was removed or changed; the Buyer may not touch it'));
        else kept.add(index);
      }
      problems.push(...contactRoleProblems(body.relatedContactInformation, (i) => !kept.has(i)));
    }
    let technicianId = appt.meta.technicianId;
    const rescheduled = body.validFor !== undefined && !isDeepStrictEqual(body.validFor, current.validFor);
    if (rescheduled && body.validFor && problems.length === 0) {
      const wo = loadWorkOrder(ctx, seller.slug, current.workOrder.id);
      const site = workOrderSite(seller, wo);
      if (!site) throw fail.internal();
      const slot = bookableSlot(ctx, seller, site, body.validFor, id, problems);
      if (slot) technicianId = slot.technicianId;
    }
    if (problems.length) throw fail.unprocessable(problems);

    const sellerContactBefore = current.relatedContactInformation.filter((c) => SELLER_APPOINTMENT_ROLES.includes(c.role));
    Object.assign(current, body);
    if (rescheduled && technicianId && technicianId !== appt.meta.technicianId) {
      current.relatedContactInformation = current.relatedContactInformation.map((c) =>
        c.role === 'sellerAppointmentContact' ? technicianContact(seller, technicianId as string) : c,
      );
    }
    ctx.store.update(seller.slug, 'appointment', id, current, { ...appt.meta, ...(technicianId ? { technicianId } : {}) });
    // WF-G R29, R150: the Buyer's change made the Seller change its appointment contact, which the Buyer hears of.
    const sellerContactAfter = current.relatedContactInformation.filter((c) => SELLER_APPOINTMENT_ROLES.includes(c.role));
    if (!isDeepStrictEqual(sellerContactBefore, sellerContactAfter)) publishAppointmentEvent(ctx, seller.slug, appt, 'appointmentAttributeValueChangeEvent');
    if (rescheduled && body.validFor) {
      const wo = loadWorkOrder(ctx, seller.slug, current.workOrder.id);
      wo.doc.plannedExecutionDate = body.validFor.startDateTime;
      ctx.store.update(seller.slug, 'workOrder', wo.id, wo.doc);
    }
    return current;
  });
}

export function applyAppointmentStatus(ctx: SandboxContext, seller: string, appt: StoredEntity<Appointment>, to: AppointmentStatus): void {
  if (!canAppointmentMove(appt.doc.status, to)) {
    throw fail.unprocessable([problem('invalidValue', '/status', `An appointment cannot move from ${appt.doc.status} to ${to}`)]);
  }
  appt.doc.status = to;
  ctx.store.update(seller, 'appointment', appt.id, appt.doc);
  publishAppointmentEvent(ctx, seller, appt, 'appointmentStatusChangeEvent');
}

/**
 * A planned work order whose appointment was cancelled needs a new one: back to open with appointmentRequired
 * (WF-G R27), and the ticket waits in pending with a Seller note saying what to book (R63).
 */
export function requireNewAppointment(ctx: SandboxContext, seller: string, wo: StoredEntity<WorkOrder>, what: string): void {
  setWorkOrderState(ctx, seller, wo, 'open');
  setAppointmentRequired(ctx, seller, wo, true);
  const ticket = workOrderTicket(ctx, seller, wo);
  if (ticket && awaitBuyer(ctx, seller, ticket, `${what} Please search for a time slot and book a new appointment for work order ${wo.id}.`)) {
    ctx.store.update(seller, 'troubleTicket', ticket.id, ticket.doc);
  }
}

export function cancelAppointment(ctx: SandboxContext, seller: SellerConfig, id: string): void {
  ctx.atomically(() => {
    const appt = loadAppointment(ctx, seller.slug, id);
    const wo = loadWorkOrder(ctx, seller.slug, appt.doc.workOrder.id);
    const permission = appointmentOperationPermission('cancel', appt.doc.status, wo.doc.state);
    if (!permission.allowed) throw fail.unprocessable([problem('invalidValue', '/status', permission.reason)]);
    applyAppointmentStatus(ctx, seller.slug, appt, 'cancelled');
    requireNewAppointment(ctx, seller.slug, wo, `The Buyer cancelled appointment ${appt.id}.`);
  });
}

type Query = Record<string, unknown>;

function placeIds(place: { '@type': string } | undefined, type: string): string[] {
  const id = (place as { id?: unknown } | undefined)?.id;
  return place && place['@type'] === type && typeof id === 'string' ? [id] : [];
}

export function appointmentMatches(ctx: SandboxContext, seller: string, appt: Appointment, q: Query): boolean {
  if (q.status !== undefined && appt.status !== q.status) return false;
  if (q.workOrderId !== undefined && appt.workOrder.id !== q.workOrderId) return false;
  const start = Date.parse(appt.validFor.startDateTime);
  const end = Date.parse(appt.validFor.endDateTime);
  if (typeof q['validFor.gt'] === 'string' && !(end > Date.parse(q['validFor.gt']))) return false;
  if (typeof q['validFor.lt'] === 'string' && !(start < Date.parse(q['validFor.lt']))) return false;
  if (q.geographicSiteId !== undefined || q.geographicAddressId !== undefined) {
    const wo = ctx.store.get<WorkOrder>(seller, 'workOrder', appt.workOrder.id)?.doc;
    const places = [appt.relatedPlace, ...(wo?.place ?? [])];
    if (q.geographicSiteId !== undefined && !places.some((p) => placeIds(p, 'GeographicSiteRef').includes(q.geographicSiteId as string))) return false;
    if (q.geographicAddressId !== undefined && !places.some((p) => placeIds(p, 'GeographicAddressRef').includes(q.geographicAddressId as string))) return false;
  }
  return true;
}

export function toAppointmentFind(a: Appointment): AppointmentFind {
  return {
    id: a.id,
    ...(a.href ? { href: a.href } : {}),
    relatedPlace: a.relatedPlace,
    status: a.status,
    validFor: a.validFor,
    workOrder: a.workOrder,
  };
}
