'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import type { SessionUser } from '@/lib/auth/session';
import { getAppointment } from '@/lib/data/appointments';
import { audit } from '@/lib/data/audit';
import { getSellerBySlug, sellerConnection } from '@/lib/sellers/registry';
import { getWorkOrder } from '@/lib/data/work-orders';
import {
  APPOINTMENT_PLACE_CONTACT,
  BUYER_APPOINTMENT_CONTACT,
  buildAppointmentDetailsPatch,
  type AppointmentDetailsChange,
} from '@/lib/domain/appointment-patch';
import { appointmentOperationPermission } from '@/lib/domain/appointment-state-machine';
import { checkRequestedWindows, windowsOverlap, type TimeWindow } from '@/lib/domain/time-windows';
import { appointmentBookingBlocker } from '@/lib/domain/work-order-state-machine';
import { env } from '@/lib/env';
import { coolingDownMessage, ITEM_COOLDOWN_MS, listCooldownMs, refreshGate } from '@/lib/sync/refresh-gate';
import { appointmentClient, SonataError, SonataHttpError, SonataTimeoutError } from '@/lib/sonata/client';
import type { Appointment } from '@/lib/sonata/schemas';
import {
  refreshAllWorkforce,
  refreshAppointment,
  refreshAroundAppointment,
  refreshSellerWorkforce,
  refreshWorkOrder,
  storeAppointment,
} from '@/lib/sync/seller-refresh';

const FORM_MESSAGE = 'Some fields need your attention.';
const SLOT_TAKEN = 'This slot is no longer available: someone booked it meanwhile. Search again and pick another one.';

const text = (max: number) => z.string().trim().max(max);
const windowInput = z.object({ start: z.string().min(1, 'Give a start'), end: z.string().min(1, 'Give an end') });
const contactInput = z.object({
  name: text(200).min(1, 'Give a name'),
  number: text(50).min(1, 'Give a phone number'),
  emailAddress: z.email('Give a valid e-mail address').max(254),
  organization: text(200).optional().default(''),
});
const attachmentInput = z
  .object({
    name: text(255).min(1, 'Give the attachment a name'),
    url: z.union([z.url('Give a valid URL'), z.literal('')]).optional(),
    content: z.string().max(20_000_000).optional(),
    mimeType: text(255).optional(),
    description: text(1000).optional(),
  })
  .refine((a) => !!a.url || (!!a.content && !!a.mimeType), { message: 'Give a link, or attach a file', path: ['url'] });

const appointmentRef = { seller: z.string().min(1), id: z.string().min(1) };

const searchInput = z.object({
  seller: z.string().min(1),
  workOrderId: z.string().min(1),
  windows: z.array(windowInput).max(50),
  /** The appointment being moved, when the search is for a reschedule. */
  appointmentId: z.string().optional(),
});
const bookInput = z.object({
  seller: z.string().min(1),
  workOrderId: z.string().min(1),
  slot: windowInput,
  buyerContact: contactInput,
  placeContact: contactInput,
  note: text(4000).optional().default(''),
  attachments: z.array(attachmentInput).max(5).optional().default([]),
});
const rescheduleInput = z.object({ ...appointmentRef, slot: windowInput });
const detailsInput = z.object({
  ...appointmentRef,
  buyerContact: contactInput.optional(),
  placeContact: contactInput.optional(),
  note: text(4000).optional().default(''),
  attachments: z.array(attachmentInput).max(5).optional().default([]),
});
const cancelInput = z.object(appointmentRef);
const refreshInput = z.object({
  seller: z.string().optional(),
  workOrderId: z.string().optional(),
  appointmentId: z.string().optional(),
});

export interface SlotSearchResult {
  requested: TimeWindow[];
  slots: TimeWindow[];
  /** Requested windows in which the Seller offered nothing. */
  emptyWindows: TimeWindow[];
}

function refreshPages(seller: string, workOrderId?: string, appointmentId?: string, ticketId?: string | null) {
  revalidatePath('/appointments');
  revalidatePath('/work-orders');
  if (workOrderId) revalidatePath(`/work-orders/${seller}/${workOrderId}`);
  if (appointmentId) revalidatePath(`/appointments/${seller}/${appointmentId}`);
  if (ticketId) revalidatePath(`/tickets/${seller}/${ticketId}`);
}

/** The Seller's refusal or failure in the words of the form; `slotField` is where a validFor problem is shown. */
function sellerFailure<T>(err: unknown, context: { action: string; slotField?: string; sellerName: string }): ActionState<T> {
  if (err instanceof SonataHttpError) {
    if (err.status === 422 || err.status === 409 || err.status === 400) {
      const errors: Record<string, string[]> = {};
      const other: string[] = [...err.formErrors];
      for (const [path, messages] of Object.entries(err.fieldErrors)) {
        if (path.startsWith('validFor') && context.slotField) {
          errors[context.slotField] = [SLOT_TAKEN];
        } else if (path.startsWith('requestedTimeSlot')) {
          const index = path.split('.')[1] ?? '0';
          (errors[`windows.${index}`] ??= []).push(...messages);
        } else if (path.startsWith('relatedContactInformation')) {
          (errors.contacts ??= []).push(...messages);
        } else if (path.startsWith('note')) {
          (errors.note ??= []).push(...messages);
        } else if (path.startsWith('attachment')) {
          (errors.attachments ??= []).push(...messages);
        } else {
          other.push(...messages);
        }
      }
      const slotTaken = context.slotField !== undefined && errors[context.slotField] !== undefined;
      return {
        ok: false,
        status: slotTaken ? 409 : 422,
        message: slotTaken ? SLOT_TAKEN : `${context.sellerName} refused to ${context.action}: ${other.join(' ') || err.message}`,
        errors,
      };
    }
    if (err.status === 404) return { ok: false, status: 404, message: `${context.sellerName} no longer knows this item.` };
    return { ok: false, status: 502, message: `${context.sellerName} could not ${context.action} (HTTP ${err.status}: ${err.message}). Nothing was changed; try again later.` };
  }
  if (err instanceof SonataTimeoutError) {
    return {
      ok: false,
      status: 503,
      message: `${context.sellerName} did not answer in time. It may or may not have done it: the page shows what the Seller reports once it answers again.`,
    };
  }
  if (err instanceof SonataError) {
    return { ok: false, status: 503, message: `${context.sellerName} cannot be reached (${err.message}). Nothing was changed; try again later.` };
  }
  throw err;
}

function contact(c: z.infer<typeof contactInput>, role: string): Appointment['relatedContactInformation'][number] {
  return { name: c.name, number: c.number, emailAddress: c.emailAddress, ...(c.organization ? { organization: c.organization } : {}), role };
}

function buyerNote(user: SessionUser, textValue: string) {
  return { id: crypto.randomUUID(), author: user.name, date: new Date().toISOString(), source: 'buyer' as const, text: textValue };
}

function attachmentProblems(list: z.infer<typeof attachmentInput>[]): Record<string, string[]> {
  const max = env().ATTACHMENT_MAX_BYTES;
  const errors: Record<string, string[]> = {};
  list.forEach((a, i) => {
    if (a.content && Buffer.byteLength(a.content, 'base64') > max) {
      errors[`attachments.${i}.content`] = [`${a.name} is larger than ${Math.round(max / 1024 / 1024)} MB`];
    }
  });
  return errors;
}

function buyerAttachments(user: SessionUser, list: z.infer<typeof attachmentInput>[]) {
  return list.map((a) => ({
    attachmentId: crypto.randomUUID(),
    author: user.name,
    creationDate: new Date().toISOString(),
    name: a.name,
    source: 'buyer' as const,
    ...(a.url ? { url: a.url } : {}),
    ...(a.content ? { content: a.content, mimeType: a.mimeType, size: { amount: Buffer.byteLength(a.content, 'base64'), units: 'BYTES' as const } } : {}),
    ...(a.description ? { description: a.description } : {}),
  }));
}

function slotProblem(slot: TimeWindow, field: string): Record<string, string[]> | undefined {
  const check = checkRequestedWindows([slot], { now: Date.now() });
  if (check.ok) return undefined;
  return { [field]: check.problems.map((p) => (p.message === 'This window is in the past.' ? 'This slot has already started or passed. Search again.' : p.message)) };
}

/** MEF 113 UC 7: which slots the Seller can offer within the coordinator's windows. */
export const searchTimeSlots = authorizedAction('appointments.write', searchInput, async (input): Promise<ActionState<SlotSearchResult>> => {
  const check = checkRequestedWindows(input.windows, { now: Date.now() });
  if (!check.ok) {
    const errors: Record<string, string[]> = {};
    for (const p of check.problems) (errors[`windows.${p.index}`] ??= []).push(p.message);
    return { ok: false, status: 400, message: check.problems.map((p) => p.message).join(' '), errors };
  }
  const seller = await getSellerBySlug(input.seller);
  const wo = seller ? await getWorkOrder(seller.slug, input.workOrderId) : undefined;
  if (!seller || !wo) return { ok: false, status: 404, message: 'This work order is not known. Refresh the work orders and try again.' };
  const blocker = input.appointmentId
    ? wo.state === 'planned' || wo.state === 'open'
      ? undefined
      : `The work order is ${wo.state}; its appointment can no longer be moved.`
    : appointmentBookingBlocker(wo.state);
  if (blocker) return { ok: false, status: 422, message: blocker };
  try {
    const result = await appointmentClient(sellerConnection(seller)).createSearchTimeSlot({
      workOrder: { id: wo.id },
      requestedTimeSlot: check.windows.map((w) => ({ validFor: { startDateTime: w.start, endDateTime: w.end } })),
    });
    const slots = result.availableTimeSlot
      .map((s) => ({ start: new Date(s.validFor.startDateTime).toISOString(), end: new Date(s.validFor.endDateTime).toISOString() }))
      .sort((a, b) => a.start.localeCompare(b.start));
    const emptyWindows = check.windows.filter((w) => !slots.some((s) => windowsOverlap(s, w)));
    return {
      ok: true,
      message:
        slots.length === 0
          ? `${seller.name} has no technician free in these windows. Try wider windows, other days, or a later week.`
          : `${slots.length} slot${slots.length === 1 ? '' : 's'} available.`,
      data: { requested: check.windows, slots, emptyWindows },
    };
  } catch (err) {
    return sellerFailure(err, { action: 'search for time slots', sellerName: seller.name });
  }
});

/** MEF 113 UC 8: book the chosen slot for the work order. */
export const bookAppointment = authorizedAction('appointments.write', bookInput, async (input, user): Promise<ActionState<{ seller: string; id: string }>> => {
  const seller = await getSellerBySlug(input.seller);
  const wo = seller ? await getWorkOrder(seller.slug, input.workOrderId) : undefined;
  if (!seller || !wo) return { ok: false, status: 404, message: 'This work order is not known. Refresh the work orders and try again.' };
  const blocker = appointmentBookingBlocker(wo.state);
  if (blocker) return { ok: false, status: 422, message: blocker };
  const slotErrors = slotProblem(input.slot, 'slot');
  if (slotErrors) return { ok: false, status: 400, message: FORM_MESSAGE, errors: slotErrors };
  const fileErrors = attachmentProblems(input.attachments);
  if (Object.keys(fileErrors).length) return { ok: false, status: 400, message: FORM_MESSAGE, errors: fileErrors };

  const requestedAt = new Date().toISOString();
  let created: Appointment;
  try {
    created = await appointmentClient(sellerConnection(seller)).createAppointment({
      workOrder: { id: wo.id },
      validFor: { startDateTime: input.slot.start, endDateTime: input.slot.end },
      relatedContactInformation: [contact(input.buyerContact, 'buyerAppointmentContact'), contact(input.placeContact, 'appointmentPlaceContact')],
      ...(input.note ? { note: [buyerNote(user, input.note)] } : {}),
      ...(input.attachments.length ? { attachment: buyerAttachments(user, input.attachments) } : {}),
    });
  } catch (err) {
    const failure = sellerFailure<{ seller: string; id: string }>(err, { action: 'book the appointment', slotField: 'slot', sellerName: seller.name });
    if (err instanceof SonataTimeoutError) await refreshAroundAppointment(seller, wo.id);
    return failure;
  }
  await storeAppointment(seller, created, requestedAt, 'booked');
  await refreshAroundAppointment(seller, wo.id);
  await audit(user, 'appointment.book', 'appointment', `${seller.slug}/${created.id}`, {
    workOrder: wo.id,
    validFor: created.validFor,
    ticket: wo.ticketId,
  });
  refreshPages(seller.slug, wo.id, created.id, wo.ticketId);
  return { ok: true, message: `Appointment booked with ${seller.name}.`, data: { seller: seller.slug, id: created.id } };
});

type Found =
  | { failure: ActionState<never> }
  | { seller: NonNullable<Awaited<ReturnType<typeof getSellerBySlug>>>; appt: NonNullable<Awaited<ReturnType<typeof getAppointment>>> };

/** The cached appointment when our cache says the operation is allowed; nothing is sent otherwise. */
async function confirmedAppointment(sellerSlug: string, id: string, operation: 'patch' | 'cancel'): Promise<Found> {
  const seller = await getSellerBySlug(sellerSlug);
  const appt = seller ? await getAppointment(seller.slug, id) : undefined;
  if (!seller || !appt) return { failure: { ok: false, status: 404, message: 'This appointment is not known. Refresh and try again.' } };
  const permission = appointmentOperationPermission(operation, appt.status, operation === 'cancel' ? (appt.workOrderState ?? undefined) : undefined);
  if (!permission.allowed) return { failure: { ok: false, status: 422, message: permission.reason } };
  return { seller, appt };
}

/** After the Seller refused a change, show what it holds now (the refusal is usually a status that moved). */
async function refreshAfterRefusal(seller: NonNullable<Awaited<ReturnType<typeof getSellerBySlug>>>, id: string) {
  try {
    await refreshAppointment(seller, id);
  } catch {
    // The refusal message is what matters to the user; the cache catches up on the next refresh.
  }
}

/** MEF 113 UC 10: move a confirmed appointment to another slot found by a new search. */
export const rescheduleAppointment = authorizedAction('appointments.write', rescheduleInput, async (input, user): Promise<ActionState> => {
  const found = await confirmedAppointment(input.seller, input.id, 'patch');
  if ('failure' in found) return found.failure;
  const { seller, appt } = found;
  const slotErrors = slotProblem(input.slot, 'slot');
  if (slotErrors) return { ok: false, status: 400, message: FORM_MESSAGE, errors: slotErrors };
  if (appt.startAt === new Date(input.slot.start).toISOString() && appt.endAt === new Date(input.slot.end).toISOString()) {
    return { ok: false, status: 400, message: FORM_MESSAGE, errors: { slot: ['This is the slot the appointment already has. Pick another one.'] } };
  }
  const requestedAt = new Date().toISOString();
  let updated: Appointment;
  try {
    updated = await appointmentClient(sellerConnection(seller)).patchAppointment(appt.id, {
      validFor: { startDateTime: input.slot.start, endDateTime: input.slot.end },
    });
  } catch (err) {
    if (err instanceof SonataHttpError) await refreshAfterRefusal(seller, appt.id);
    return sellerFailure(err, { action: 'move the appointment', slotField: 'slot', sellerName: seller.name });
  }
  await storeAppointment(seller, updated, requestedAt, 'rescheduled');
  if (appt.workOrderId) await refreshAroundAppointment(seller, appt.workOrderId);
  await audit(user, 'appointment.reschedule', 'appointment', `${seller.slug}/${appt.id}`, {
    from: { start: appt.startAt, end: appt.endAt },
    to: updated.validFor,
  });
  refreshPages(seller.slug, appt.workOrderId ?? undefined, appt.id, appt.ticketId);
  return { ok: true, message: 'Appointment moved.' };
});

/**
 * MEF 113 UC 10: change the Buyer's contacts, add a note or attachments, while the appointment is confirmed. The body
 * is built from a fresh GET at the Seller: merge-patch replaces whole lists, so a note, attachment or contact the Seller
 * added since our cache last heard of it must travel back unchanged (R101/R102, WF-G R29).
 */
export const updateAppointmentDetails = authorizedAction('appointments.write', detailsInput, async (input, user): Promise<ActionState> => {
  const found = await confirmedAppointment(input.seller, input.id, 'patch');
  if ('failure' in found) return found.failure;
  const { seller, appt } = found;
  const fileErrors = attachmentProblems(input.attachments);
  if (Object.keys(fileErrors).length) return { ok: false, status: 400, message: FORM_MESSAGE, errors: fileErrors };
  const change: AppointmentDetailsChange = {
    contacts: [
      ...(input.buyerContact ? [contact(input.buyerContact, BUYER_APPOINTMENT_CONTACT)] : []),
      ...(input.placeContact ? [contact(input.placeContact, APPOINTMENT_PLACE_CONTACT)] : []),
    ],
    notes: input.note ? [buyerNote(user, input.note)] : [],
    attachments: buyerAttachments(user, input.attachments),
  };
  if (!change.contacts!.length && !change.notes!.length && !change.attachments!.length) {
    return { ok: false, status: 400, message: 'Nothing to change: edit a contact, write a note or add an attachment.' };
  }
  const client = appointmentClient(sellerConnection(seller));
  const fetchedAt = new Date().toISOString();
  let current: Appointment;
  try {
    current = await client.retrieveAppointment(appt.id);
  } catch (err) {
    return sellerFailure(err, { action: 'send the appointment as it stands now', sellerName: seller.name });
  }
  await storeAppointment(seller, current, fetchedAt, 'refresh');
  const permission = appointmentOperationPermission('patch', current.status);
  if (!permission.allowed) {
    refreshPages(seller.slug, appt.workOrderId ?? undefined, appt.id);
    return { ok: false, status: 422, message: `${seller.name} reports a change meanwhile. ${permission.reason}` };
  }
  const patch = buildAppointmentDetailsPatch(current, change);
  const requestedAt = new Date().toISOString();
  let updated: Appointment;
  try {
    updated = await client.patchAppointment(appt.id, patch);
  } catch (err) {
    if (err instanceof SonataHttpError) await refreshAfterRefusal(seller, appt.id);
    return sellerFailure(err, { action: 'update the appointment', sellerName: seller.name });
  }
  await storeAppointment(seller, updated, requestedAt, 'updated');
  await audit(user, 'appointment.update', 'appointment', `${seller.slug}/${appt.id}`, { changed: Object.keys(patch) });
  refreshPages(seller.slug, appt.workOrderId ?? undefined, appt.id);
  return { ok: true, message: 'Appointment updated.' };
});

/** MEF 113 UC 11: cancel a confirmed appointment; the Seller reopens the work order for a new booking. */
export const cancelAppointment = authorizedAction('appointments.write', cancelInput, async (input, user): Promise<ActionState> => {
  const found = await confirmedAppointment(input.seller, input.id, 'cancel');
  if ('failure' in found) return found.failure;
  const { seller, appt } = found;
  try {
    await appointmentClient(sellerConnection(seller)).cancelAppointment(appt.id);
  } catch (err) {
    if (err instanceof SonataHttpError) await refreshAfterRefusal(seller, appt.id);
    return sellerFailure(err, { action: 'cancel the appointment', sellerName: seller.name });
  }
  try {
    await refreshAppointment(seller, appt.id, 'cancelled');
  } catch {
    // Cancelled at the Seller; the cache shows it after the next refresh or event.
  }
  if (appt.workOrderId) await refreshAroundAppointment(seller, appt.workOrderId);
  await audit(user, 'appointment.cancel', 'appointment', `${seller.slug}/${appt.id}`, { validFor: { start: appt.startAt, end: appt.endAt } });
  refreshPages(seller.slug, appt.workOrderId ?? undefined, appt.id, appt.ticketId);
  return { ok: true, message: `Appointment cancelled. ${seller.name} now needs a new appointment for the work order.` };
});

/**
 * Fetches work orders and appointments again from the Sellers (all, one Seller, or one item). Single-flight per
 * scope with a cooldown (lists also wait SELLER_REFRESH_COOLDOWN_SECONDS after one), and only for roles
 * that act.
 */
export const refreshFromSellers = authorizedAction('sellers.refresh', refreshInput, async (input): Promise<ActionState<{ workOrders: number; appointments: number }>> => {
  const item = input.seller && (input.appointmentId || input.workOrderId);
  const scope = `workforce:${input.seller ?? '*'}:${input.appointmentId ? `appointment:${input.appointmentId}` : input.workOrderId ? `workOrder:${input.workOrderId}` : 'list'}`;
  const gated = await refreshGate().run(scope, item ? ITEM_COOLDOWN_MS : listCooldownMs(), () => refreshWorkforce(input));
  if (!gated.ran) return { ok: false, status: 429, message: coolingDownMessage(gated.retryAfterSeconds) };
  return gated.result;
});

async function refreshWorkforce(input: z.infer<typeof refreshInput>): Promise<ActionState<{ workOrders: number; appointments: number }>> {
  if (input.seller) {
    const seller = await getSellerBySlug(input.seller);
    if (!seller) return { ok: false, status: 404, message: 'Unknown Seller.' };
    try {
      if (input.appointmentId) {
        const appt = await refreshAppointment(seller, input.appointmentId);
        await refreshAroundAppointment(seller, appt.workOrder.id);
        return { ok: true, message: 'Refreshed.', data: { workOrders: 1, appointments: 1 } };
      }
      if (input.workOrderId) {
        const wo = await refreshWorkOrder(seller, input.workOrderId);
        for (const ref of wo.appointment ?? []) await refreshAppointment(seller, ref.id);
        await refreshAroundAppointment(seller, wo.id);
        return { ok: true, message: 'Refreshed.', data: { workOrders: 1, appointments: wo.appointment?.length ?? 0 } };
      }
    } catch (err) {
      return sellerFailure(err, { action: 'send the latest state', sellerName: seller.name });
    }
    const result = await refreshSellerWorkforce(seller);
    return summary([result]);
  }
  return summary(await refreshAllWorkforce());
}

function summary(results: Awaited<ReturnType<typeof refreshAllWorkforce>>): ActionState<{ workOrders: number; appointments: number }> {
  const workOrders = results.reduce((n, r) => n + r.workOrders, 0);
  const appointmentCount = results.reduce((n, r) => n + r.appointments, 0);
  const failed = results.filter((r) => r.errors.length > 0);
  revalidatePath('/appointments');
  revalidatePath('/work-orders');
  return {
    ok: failed.length === 0,
    ...(failed.length ? { status: 502 as const } : {}),
    message: failed.length
      ? `Refreshed ${workOrders} work orders and ${appointmentCount} appointments; ${failed.map((r) => `${r.seller}: ${r.errors[0]}`).join('; ')}`
      : `Refreshed ${workOrders} work orders and ${appointmentCount} appointments.`,
    data: { workOrders, appointments: appointmentCount },
  };
}
