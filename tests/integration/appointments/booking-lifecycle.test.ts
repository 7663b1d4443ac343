import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, tickets } from '@/db/schema';
import {
  bookAppointment,
  cancelAppointment,
  refreshFromSellers,
  rescheduleAppointment,
  searchTimeSlots,
  updateAppointmentDetails,
} from '@/lib/actions/appointments';
import { getAppointment, listAppointments } from '@/lib/data/appointments';
import { getWorkOrder, listAppointmentsNeeded } from '@/lib/data/work-orders';
import type { TimeWindow } from '@/lib/domain/time-windows';
import type { RunningSandbox } from '@/sandbox/server';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { CONTACTS, control, openTicketAtSeller, registerSellers, startWorkforceSandbox, workforceSnapshot, type DiscoveredSeller } from './workforce-fixture';

dayjs.extend(utc);
dayjs.extend(timezone);

const NY = 'America/New_York';
const NYC_PRODUCT = 'globex-prod-access-101';
let sandbox: RunningSandbox;
let dir: string;
let discovered: DiscoveredSeller[];

beforeAll(async () => {
  ({ sandbox, dir, sellers: discovered } = await startWorkforceSandbox());
});
afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  usePortalTestEnv();
  await registerSellers(dir, discovered);
  actAs((await createUser('coordinator')).id);
});

/** Every weekday 09:00–17:00 in New York from a week ahead: at least a few free slots whatever runs before. */
function wideWindows(): TimeWindow[] {
  const out: TimeWindow[] = [];
  let day = dayjs().tz(NY).add(7, 'day').startOf('day');
  while (out.length < 5) {
    if (day.day() !== 0 && day.day() !== 6) {
      const date = day.format('YYYY-MM-DD');
      out.push({ start: dayjs.tz(`${date} 09:00`, 'YYYY-MM-DD HH:mm', NY).toISOString(), end: dayjs.tz(`${date} 17:00`, 'YYYY-MM-DD HH:mm', NY).toISOString() });
    }
    day = day.add(1, 'day');
  }
  return out;
}

async function workOrderNeedingAppointment(): Promise<{ ticketId: string; workOrderId: string }> {
  const ticketId = await openTicketAtSeller('globex', NYC_PRODUCT);
  const wo = (await control(sandbox, 'POST', `/globex/tickets/${ticketId}/work-orders`, { appointmentRequired: true })) as { id: string };
  expect((await refreshFromSellers({ seller: 'globex', workOrderId: wo.id })).ok).toBe(true);
  return { ticketId, workOrderId: wo.id };
}

async function freeSlots(workOrderId: string, appointmentId?: string): Promise<TimeWindow[]> {
  const res = await searchTimeSlots({ seller: 'globex', workOrderId, windows: wideWindows(), ...(appointmentId ? { appointmentId } : {}) });
  expect(res.ok, res.message).toBe(true);
  expect(res.data!.slots.length).toBeGreaterThan(1);
  return res.data!.slots;
}

async function book(workOrderId: string, slot: TimeWindow) {
  const res = await bookAppointment({ seller: 'globex', workOrderId, slot, ...CONTACTS, note: 'Ring at the loading dock' });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!.id;
}

async function ticketStatus(sellerTicketId: string) {
  return (await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, sellerTicketId)).get())?.status;
}

describe('booking, moving and cancelling an appointment', () => {
  it('book → the work order is planned and the ticket in progress; reschedule → new period; cancel → a new appointment is needed', async () => {
    const { ticketId, workOrderId } = await workOrderNeedingAppointment();
    const [first, second] = await freeSlots(workOrderId);
    const id = await book(workOrderId, first!);

    const booked = await getAppointment('globex', id);
    expect(booked).toMatchObject({ status: 'confirmed', startAt: first!.start, endAt: first!.end, workOrderState: 'planned', siteName: 'New York office', timeZone: NY });
    expect(booked!.document.relatedContactInformation.map((c) => c.role)).toEqual(['buyerAppointmentContact', 'appointmentPlaceContact', 'sellerAppointmentContact']);
    expect(booked!.document.note?.[0]).toMatchObject({ source: 'buyer', text: 'Ring at the loading dock', author: 'coordinator user' });
    expect((await getWorkOrder('globex', workOrderId))).toMatchObject({ state: 'planned', appointmentRequired: false, plannedExecutionDate: first!.start });
    expect(await ticketStatus(ticketId)).toBe('inProgress');
    expect((await listAppointmentsNeeded()).map((w) => w.id)).not.toContain(workOrderId);

    const moved = await rescheduleAppointment({ seller: 'globex', id, slot: second! });
    expect(moved.ok, moved.message).toBe(true);
    const after = await getAppointment('globex', id);
    expect(after).toMatchObject({ status: 'confirmed', startAt: second!.start });
    expect(after!.history.map((h) => [h.status, h.startAt])).toEqual([
      ['confirmed', first!.start],
      ['confirmed', second!.start],
    ]);
    expect((await getWorkOrder('globex', workOrderId))?.plannedExecutionDate).toBe(second!.start);

    const cancelled = await cancelAppointment({ seller: 'globex', id });
    expect(cancelled.ok, cancelled.message).toBe(true);
    expect((await getAppointment('globex', id))?.status).toBe('cancelled');
    expect(await getWorkOrder('globex', workOrderId)).toMatchObject({ state: 'open', appointmentRequired: true });
    expect(await ticketStatus(ticketId)).toBe('pending');
    expect((await listAppointmentsNeeded()).map((w) => w.id)).toContain(workOrderId);

    const audit = (await getDb().select().from(auditLog).all()).filter((a) => a.entityType === 'appointment');
    expect(audit.map((a) => a.action)).toEqual(['appointment.book', 'appointment.reschedule', 'appointment.cancel']);
    expect(audit.every((a) => a.entityId === `globex/${id}`)).toBe(true);
  });

  it('a slot taken meanwhile is refused with a message to search again, and nothing is stored', async () => {
    const a = await workOrderNeedingAppointment();
    const b = await workOrderNeedingAppointment();
    const [slot] = await freeSlots(a.workOrderId);
    await book(a.workOrderId, slot!);
    const before = await workforceSnapshot();
    const res = await bookAppointment({ seller: 'globex', workOrderId: b.workOrderId, slot: slot!, ...CONTACTS });
    expect(res).toMatchObject({ ok: false, status: 409 });
    expect(res.message).toMatch(/no longer available.*Search again/);
    expect(res.errors?.slot?.[0]).toMatch(/no longer available/);
    expect(await workforceSnapshot()).toEqual(before);
  });

  it('contacts, notes and attachments can be changed while confirmed; the Seller contact is kept', async () => {
    const { workOrderId } = await workOrderNeedingAppointment();
    const [slot] = await freeSlots(workOrderId);
    const id = await book(workOrderId, slot!);
    const res = await updateAppointmentDetails({
      seller: 'globex',
      id,
      placeContact: { name: 'Pia Porter', number: '+1 212 555 0111', emailAddress: 'pia@buyer.example', organization: '' },
      note: 'Badge needed at reception',
      attachments: [{ name: 'floor-plan.txt', content: Buffer.from('Room 4B').toString('base64'), mimeType: 'text/plain' }],
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const doc = (await getAppointment('globex', id))!.document;
    expect(doc.relatedContactInformation.find((c) => c.role === 'appointmentPlaceContact')?.name).toBe('Pia Porter');
    expect(doc.relatedContactInformation.find((c) => c.role === 'buyerAppointmentContact')?.name).toBe(CONTACTS.buyerContact.name);
    expect(doc.relatedContactInformation.some((c) => c.role === 'sellerAppointmentContact')).toBe(true);
    expect(doc.note?.map((n) => n.text)).toEqual(['Ring at the loading dock', 'Badge needed at reception']);
    expect(doc.attachment?.[0]).toMatchObject({ name: 'floor-plan.txt', source: 'buyer', mimeType: 'text/plain' });
  });

  it('a move or cancel of an appointment no longer confirmed is refused; nothing is sent when the cache knows', async () => {
    const { workOrderId } = await workOrderNeedingAppointment();
    const [first, second] = await freeSlots(workOrderId);
    const id = await book(workOrderId, first!);
    await control(sandbox, 'POST', `/globex/appointments/${id}/start`);
    await refreshFromSellers({ seller: 'globex', appointmentId: id });
    expect((await getAppointment('globex', id))?.status).toBe('inProgress');

    const before = await workforceSnapshot();
    const eventsBefore = (await control(sandbox, 'GET', '/globex/events')).length;
    const move = await rescheduleAppointment({ seller: 'globex', id, slot: second! });
    expect(move).toMatchObject({ ok: false, status: 422 });
    expect(move.message).toMatch(/inProgress cannot be changed; only a confirmed one can/);
    const cancel = await cancelAppointment({ seller: 'globex', id });
    expect(cancel).toMatchObject({ ok: false, status: 422 });
    expect(cancel.message).toMatch(/cannot be cancelled; only a confirmed one can/);
    const details = await updateAppointmentDetails({ seller: 'globex', id, note: 'late note' });
    expect(details).toMatchObject({ ok: false, status: 422 });
    expect(await workforceSnapshot()).toEqual(before);
    expect((await control(sandbox, 'GET', '/globex/events')).length).toBe(eventsBefore);
  });

  it('when the Seller moved it before our cache knew, its refusal is shown and the cache catches up', async () => {
    const { workOrderId } = await workOrderNeedingAppointment();
    const [first, second] = await freeSlots(workOrderId);
    const id = await book(workOrderId, first!);
    await control(sandbox, 'POST', `/globex/appointments/${id}/start`);
    const move = await rescheduleAppointment({ seller: 'globex', id, slot: second! });
    expect(move).toMatchObject({ ok: false, status: 422 });
    expect(move.message).toMatch(/Globex Telecom refused to move the appointment/);
    expect((await getAppointment('globex', id))?.status).toBe('inProgress');
  });

  it('a Seller-side completion shows on refresh: appointment completed, work order completed, ticket resolved', async () => {
    const { ticketId, workOrderId } = await workOrderNeedingAppointment();
    const [slot] = await freeSlots(workOrderId);
    const id = await book(workOrderId, slot!);
    await control(sandbox, 'POST', `/globex/appointments/${id}/start`);
    await control(sandbox, 'POST', `/globex/appointments/${id}/complete`, { note: 'NTU replaced' });
    const res = await refreshFromSellers({ seller: 'globex' });
    expect(res.ok, res.message).toBe(true);
    expect((await getAppointment('globex', id))?.status).toBe('completed');
    expect((await getWorkOrder('globex', workOrderId))?.state).toBe('completed');
    await refreshFromSellers({ seller: 'globex', appointmentId: id });
    expect(await ticketStatus(ticketId)).toBe('resolved');
    const calendar = await listAppointments({ seller: 'globex', status: 'completed' });
    expect(calendar.map((a) => a.id)).toContain(id);
  });

  it('refuses a booking for a slot that has passed, or a move to the same slot, before asking the Seller', async () => {
    const { workOrderId } = await workOrderNeedingAppointment();
    const before = await workforceSnapshot();
    const past = await bookAppointment({ seller: 'globex', workOrderId, slot: { start: '2020-01-06T14:00:00.000Z', end: '2020-01-06T16:00:00.000Z' }, ...CONTACTS });
    expect(past).toMatchObject({ ok: false, status: 400 });
    expect(past.errors?.slot?.[0]).toMatch(/already started or passed/);
    expect(await workforceSnapshot()).toEqual(before);
    const [slot] = await freeSlots(workOrderId);
    const id = await book(workOrderId, slot!);
    const same = await rescheduleAppointment({ seller: 'globex', id, slot: slot! });
    expect(same).toMatchObject({ ok: false, status: 400 });
    expect(same.errors?.slot?.[0]).toMatch(/already has/);
  });
});
