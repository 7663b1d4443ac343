import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { workOrderSpec } from '@/lib/sonata/generated/work-order.spec';
import { validateResponse } from '@/lib/sonata/openapi-validator';
import { appointmentContacts, removeDir, startHarness, ticketBody, type Harness } from './harness';

dayjs.extend(utc);
dayjs.extend(timezone);

let h: Harness;
const SELLER = 'globex';
const NYC_PRODUCT = 'globex-prod-access-101';
const CHICAGO_PRODUCT = 'globex-prod-sdwan-103';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const ap = (method: string, path: string, body?: unknown) => h.mef(SELLER, 'appointment', method, path, body);
const wo = (method: string, path: string) => h.mef(SELLER, 'workOrder', method, path);
const tt = (method: string, path: string, body?: unknown) => h.mef(SELLER, 'troubleTicket', method, path, body);

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** A ticket with a work order that needs an appointment. */
async function workOrderFor(product = NYC_PRODUCT, appointmentRequired = true) {
  const ticket = await tt('POST', '/troubleTicket', ticketBody(product));
  expect(ticket.status).toBe(201);
  const created = await h.control('POST', `/${SELLER}/tickets/${ticket.body.id}/work-orders`, { appointmentRequired });
  expect(created.status).toBe(201);
  return { ticketId: ticket.body.id as string, workOrderId: created.body.id as string };
}

async function search(workOrderId: string, windows: Array<[string, string]>) {
  return ap('POST', '/searchTimeSlot', {
    workOrder: { id: workOrderId },
    requestedTimeSlot: windows.map(([startDateTime, endDateTime]) => ({ validFor: { startDateTime, endDateTime } })),
  });
}

async function book(workOrderId: string) {
  const slots = await search(workOrderId, [[days(1), days(15)]]);
  expect(slots.status).toBe(201);
  const slot = slots.body.availableTimeSlot[0];
  expect(slot).toBeDefined();
  const res = await ap('POST', '/appointment', { workOrder: { id: workOrderId }, validFor: slot.validFor, relatedContactInformation: appointmentContacts });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; validFor: { startDateTime: string; endDateTime: string } } & Record<string, any>;
}

describe('work orders', () => {
  it('creating one with appointmentRequired puts the ticket in pending and shows on the ticket', async () => {
    const { ticketId, workOrderId } = await workOrderFor();
    const ticket = (await tt('GET', `/troubleTicket/${ticketId}`)).body;
    expect(ticket.status).toBe('pending');
    expect(ticket.workOrder).toEqual([{ id: workOrderId, href: `${h.sellers[SELLER]!.baseUrls.workOrder}/workorder/${workOrderId}` }]);
    const res = await wo('GET', `/workorder/${workOrderId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'open', appointmentRequired: true });
    expect(validateResponse(workOrderSpec, 'retrieveWorkOrder', 200, res.body)).toEqual([]);
    const events = (await h.control('GET', `/${SELLER}/events`)).body.map((e: { eventType: string; resourceId: string }) => `${e.eventType}:${e.resourceId}`);
    expect(events).toContain(`workOrderCreateEvent:${workOrderId}`);
    expect(events).toContain(`workOrderAppointmentRequiredEvent:${workOrderId}`);
    expect(events).not.toContain(`troubleTicketInformationRequiredEvent:${ticketId}`);
  });

  it('lists as an array with every filter', async () => {
    const a = await workOrderFor(CHICAGO_PRODUCT, true);
    const b = await workOrderFor(CHICAGO_PRODUCT, false);
    const ids = (q: string) => wo('GET', `/workorder${q}`).then((r) => (r.body as Array<{ id: string }>).map((w) => w.id));
    const all = await wo('GET', '/workorder');
    expect(all.status).toBe(200);
    expect(Array.isArray(all.body)).toBe(true);
    expect(validateResponse(workOrderSpec, 'listWorkOrder', 200, all.body)).toEqual([]);
    expect(await ids(`?relatedEntityId=${a.ticketId}`)).toEqual([a.workOrderId]);
    expect(await ids(`?relatedEntityId=${a.ticketId}&relatedEntityType=TroubleTicket`)).toEqual([a.workOrderId]);
    expect(await ids(`?relatedEntityId=${a.ticketId}&relatedEntityType=Product`)).toEqual([]);
    const chicago = await ids('?geographicalSiteId=globex-site-chicago');
    expect(chicago).toEqual(expect.arrayContaining([a.workOrderId, b.workOrderId]));
    expect(await ids('?geographicalAddressId=globex-site-chicago-address')).toEqual(chicago);
    expect(await ids('?geographicalSiteId=globex-site-chicago&appointmentRequired=false')).toEqual([b.workOrderId]);
    expect(await ids('?state=completed')).toEqual([]);
    expect((await wo('GET', '/workorder?appointmentRequired=maybe')).status).toBe(400);
  });

  it('404 for an unknown work order', async () => {
    const res = await wo('GET', '/workorder/none');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('notFound');
  });
});

describe('searchTimeSlot', () => {
  it('returns free two-hour slots inside the windows, in the site working hours', async () => {
    const { workOrderId } = await workOrderFor();
    const res = await search(workOrderId, [[days(1), days(8)]]);
    expect(res.status).toBe(201);
    expect(validateResponse(appointmentSpec, 'createSearchTimeSlot', 201, res.body)).toEqual([]);
    expect(res.body.workOrder.id).toBe(workOrderId);
    expect(res.body.requestedTimeSlot).toHaveLength(1);
    const slots = res.body.availableTimeSlot as Array<{ validFor: { startDateTime: string; endDateTime: string } }>;
    expect(slots.length).toBeGreaterThan(0);
    for (const { validFor } of slots) {
      const start = dayjs(validFor.startDateTime).tz('America/New_York');
      const end = dayjs(validFor.endDateTime).tz('America/New_York');
      expect(end.diff(start, 'minute')).toBe(120);
      expect(Date.parse(validFor.startDateTime)).toBeGreaterThanOrEqual(Date.parse(days(1)) - 1000);
      expect(Date.parse(validFor.endDateTime)).toBeLessThanOrEqual(Date.parse(days(8)) + 1000);
      expect([1, 2, 3, 4, 5]).toContain(((start.day() + 6) % 7) + 1);
      expect(start.hour()).toBeGreaterThanOrEqual(9);
      expect(end.hour() + end.minute() / 60).toBeLessThanOrEqual(17);
      const weekday = ((start.day() + 6) % 7) + 1;
      // Dana's standing bookings: Tue/Thu mornings, Friday 15:00–17:00.
      if (weekday === 2 || weekday === 4) expect(start.hour()).toBeGreaterThanOrEqual(13);
      if (weekday === 5) expect(start.hour()).toBeLessThan(15);
    }
  });

  it('uses the site time zone: Chicago slots start on the Chicago technician hours', async () => {
    const { workOrderId } = await workOrderFor(CHICAGO_PRODUCT);
    const res = await search(workOrderId, [[days(1), days(8)]]);
    const hours = new Set(
      (res.body.availableTimeSlot as Array<{ validFor: { startDateTime: string } }>).map((s) => dayjs(s.validFor.startDateTime).tz('America/Chicago').hour()),
    );
    // Marcus works 07:00–15:00 Chicago time, which is 08:00–16:00 in New York.
    expect(hours.size).toBeGreaterThan(0);
    expect([...hours].every((hour) => [7, 9, 11, 13].includes(hour))).toBe(true);
  });

  it('merges several windows and returns an empty list when nothing is free', async () => {
    const { workOrderId } = await workOrderFor();
    const many = await search(workOrderId, [[days(1), days(3)], [days(10), days(12)]]);
    expect(many.body.requestedTimeSlot).toHaveLength(2);
    for (const s of many.body.availableTimeSlot as Array<{ validFor: { startDateTime: string } }>) {
      const t = Date.parse(s.validFor.startDateTime);
      const inFirst = t >= Date.parse(days(1)) - 1000 && t < Date.parse(days(3));
      const inSecond = t >= Date.parse(days(10)) - 1000 && t < Date.parse(days(12));
      expect(inFirst || inSecond).toBe(true);
    }
    // One hour long: no two-hour slot fits.
    const tiny = await search(workOrderId, [[days(2), new Date(Date.parse(days(2)) + 3_600_000).toISOString()]]);
    expect(tiny.status).toBe(201);
    expect(tiny.body.availableTimeSlot).toEqual([]);
  });

  it('refuses end before start, windows in the past, beyond the horizon, and unknown work orders', async () => {
    const { workOrderId } = await workOrderFor();
    const reversed = await search(workOrderId, [[days(1), days(2)], [days(3), days(2)]]);
    expect(reversed.status).toBe(422);
    expect(reversed.body).toEqual([expect.objectContaining({ code: 'invalidValue', propertyPath: '/requestedTimeSlot/1/validFor/endDateTime' })]);
    const past = await search(workOrderId, [[days(-3), days(-2)]]);
    expect(past.status).toBe(422);
    expect(past.body[0].propertyPath).toBe('/requestedTimeSlot/0/validFor/endDateTime');
    const far = await search(workOrderId, [[days(90), days(91)]]);
    expect(far.status).toBe(422);
    expect(far.body[0].propertyPath).toBe('/requestedTimeSlot/0/validFor/startDateTime');
    const unknown = await search('nope', [[days(1), days(2)]]);
    expect(unknown.status).toBe(422);
    expect(unknown.body[0]).toMatchObject({ code: 'referenceNotFound', propertyPath: '/workOrder/id' });
    const badFormat = await search(workOrderId, [['tomorrow', days(2)]]);
    expect(badFormat.status).toBe(422);
    expect(badFormat.body[0]).toMatchObject({ code: 'invalidFormat', propertyPath: '/requestedTimeSlot/0/validFor/startDateTime' });
  });
});

describe('appointments', () => {
  it('booking plans the work order, clears appointmentRequired and moves the ticket to inProgress', async () => {
    const { ticketId, workOrderId } = await workOrderFor();
    const appt = await book(workOrderId);
    expect(appt).toMatchObject({ status: 'confirmed', workOrder: { id: workOrderId } });
    expect(appt.relatedPlace).toMatchObject({ '@type': 'GeographicSiteRef', id: 'globex-site-nyc' });
    expect(appt.relatedContactInformation.at(-1).role).toBe('sellerAppointmentContact');
    expect(validateResponse(appointmentSpec, 'createAppointment', 201, appt)).toEqual([]);
    const order = (await wo('GET', `/workorder/${workOrderId}`)).body;
    expect(order).toMatchObject({ state: 'planned', appointmentRequired: false, appointment: [{ id: appt.id }] });
    expect((await tt('GET', `/troubleTicket/${ticketId}`)).body.status).toBe('inProgress');
    const fetched = await ap('GET', `/appointment/${appt.id}`);
    expect(fetched.body).toEqual(appt);
  });

  it('refuses a taken slot, a made-up slot, a second appointment and a work order that is not open', async () => {
    const first = await workOrderFor();
    const appt = await book(first.workOrderId);
    const second = await workOrderFor();
    // Dana is the only New York technician: the slot she holds is no longer offered nor bookable.
    const offered = await search(second.workOrderId, [[appt.validFor.startDateTime, appt.validFor.endDateTime]]);
    expect(offered.body.availableTimeSlot).toEqual([]);
    const taken = await ap('POST', '/appointment', { workOrder: { id: second.workOrderId }, validFor: appt.validFor, relatedContactInformation: appointmentContacts });
    expect(taken.status).toBe(422);
    expect(taken.body[0]).toMatchObject({ code: 'invalidValue', propertyPath: '/validFor' });
    const start = Date.parse(appt.validFor.startDateTime) + 30 * 60_000;
    const odd = { startDateTime: new Date(start).toISOString(), endDateTime: new Date(start + 7_200_000).toISOString() };
    const misaligned = await ap('POST', '/appointment', { workOrder: { id: second.workOrderId }, validFor: odd, relatedContactInformation: appointmentContacts });
    expect(misaligned.status).toBe(422);
    const again = await ap('POST', '/appointment', { workOrder: { id: first.workOrderId }, validFor: appt.validFor, relatedContactInformation: appointmentContacts });
    expect(again.status).toBe(422);
    expect(again.body[0].propertyPath).toBe('/workOrder/id');
    const reversed = await ap('POST', '/appointment', {
      workOrder: { id: second.workOrderId },
      validFor: { startDateTime: days(3), endDateTime: days(2) },
      relatedContactInformation: appointmentContacts,
    });
    expect(reversed.body[0]).toMatchObject({ code: 'invalidValue', propertyPath: '/validFor/endDateTime' });
    const noContacts = await ap('POST', '/appointment', { workOrder: { id: second.workOrderId }, validFor: appt.validFor, relatedContactInformation: [appointmentContacts[0]] });
    expect(noContacts.status).toBe(422);
    expect(noContacts.body).toContainEqual(expect.objectContaining({ code: 'missingProperty', propertyPath: '/relatedContactInformation' }));
    const list = await ap('GET', `/appointment?workOrderId=${second.workOrderId}`);
    expect(list.body).toEqual([]);
  });

  it('patch reschedules onto a free slot only, and only while confirmed', async () => {
    const { workOrderId } = await workOrderFor(CHICAGO_PRODUCT);
    const appt = await book(workOrderId);
    const slots = (await search(workOrderId, [[days(1), days(15)]])).body.availableTimeSlot as Array<{ validFor: unknown }>;
    const target = slots.at(-1)!.validFor;
    const moved = await ap('PATCH', `/appointment/${appt.id}`, { validFor: target });
    expect(moved.status).toBe(200);
    expect(moved.body.validFor).toEqual(target);
    expect(validateResponse(appointmentSpec, 'patchAppointment', 200, moved.body)).toEqual([]);
    expect((await wo('GET', `/workorder/${workOrderId}`)).body.plannedExecutionDate).toBe((target as { startDateTime: string }).startDateTime);
    const reversed = await ap('PATCH', `/appointment/${appt.id}`, { validFor: { startDateTime: days(5), endDateTime: days(4) } });
    expect(reversed.status).toBe(422);
    const dropsSeller = await ap('PATCH', `/appointment/${appt.id}`, { relatedContactInformation: appointmentContacts });
    expect(dropsSeller.status).toBe(422);
    await h.control('POST', `/${SELLER}/appointments/${appt.id}/start`);
    const late = await ap('PATCH', `/appointment/${appt.id}`, { note: [] });
    expect(late.status).toBe(422);
    expect(late.body[0].propertyPath).toBe('/status');
  });

  it('cancel answers 204, reopens the work order with appointmentRequired and puts the ticket in pending', async () => {
    const { ticketId, workOrderId } = await workOrderFor();
    const appt = await book(workOrderId);
    const res = await ap('POST', `/appointment/${appt.id}/cancel`);
    expect(res.status).toBe(204);
    expect((await ap('GET', `/appointment/${appt.id}`)).body.status).toBe('cancelled');
    expect((await wo('GET', `/workorder/${workOrderId}`)).body).toMatchObject({ state: 'open', appointmentRequired: true });
    expect((await tt('GET', `/troubleTicket/${ticketId}`)).body.status).toBe('pending');
    expect((await ap('POST', `/appointment/${appt.id}/cancel`)).status).toBe(422);
    expect((await ap('PATCH', `/appointment/${appt.id}`, { note: [] })).status).toBe(422);
    // The slot is free again and a new appointment can be made.
    await book(workOrderId);
  });

  it.each(['inProgress', 'completed', 'missed', 'failed'])('cancel of an appointment that is %s → 422', async (state) => {
    const { workOrderId } = await workOrderFor();
    const appt = await book(workOrderId);
    await h.control('POST', `/${SELLER}/appointments/${appt.id}/start`);
    if (state === 'completed') await h.control('POST', `/${SELLER}/appointments/${appt.id}/complete`, {});
    if (state === 'missed') await h.control('POST', `/${SELLER}/appointments/${appt.id}/miss`, {});
    if (state === 'failed') await h.control('POST', `/${SELLER}/appointments/${appt.id}/fail`, {});
    expect((await ap('GET', `/appointment/${appt.id}`)).body.status).toBe(state);
    const res = await ap('POST', `/appointment/${appt.id}/cancel`);
    expect(res.status).toBe(422);
  });

  it('cancel of a confirmed appointment whose work order is no longer planned → 422', async () => {
    const { workOrderId } = await workOrderFor();
    const appt = await book(workOrderId);
    expect((await h.control('POST', `/${SELLER}/work-orders/${workOrderId}/state`, { state: 'inProgress' })).status).toBe(200);
    const res = await ap('POST', `/appointment/${appt.id}/cancel`);
    expect(res.status).toBe(422);
    expect(res.body[0].reason).toContain('work order');
    expect((await ap('GET', `/appointment/${appt.id}`)).body.status).toBe('confirmed');
  });

  it('start moves the work order to inProgress; completion completes it and resolves the ticket', async () => {
    const { ticketId, workOrderId } = await workOrderFor();
    const appt = await book(workOrderId);
    expect((await h.control('POST', `/${SELLER}/appointments/${appt.id}/start`)).status).toBe(200);
    expect((await wo('GET', `/workorder/${workOrderId}`)).body.state).toBe('inProgress');
    expect((await h.control('POST', `/${SELLER}/appointments/${appt.id}/complete`, { note: 'Replaced the CPE' })).status).toBe(200);
    expect((await wo('GET', `/workorder/${workOrderId}`)).body.state).toBe('completed');
    const ticket = (await tt('GET', `/troubleTicket/${ticketId}`)).body;
    expect(ticket.status).toBe('resolved');
    expect(ticket.resolutionDate).toBeDefined();
    const events = (await h.control('GET', `/${SELLER}/events`)).body
      .filter((e: { resourceId: string }) => e.resourceId === ticketId)
      .map((e: { eventType: string }) => e.eventType);
    expect(events).toContain('troubleTicketResolvedEvent');
  });

  it('does not resolve the ticket while another work order is open', async () => {
    const { ticketId, workOrderId } = await workOrderFor();
    const other = await h.control('POST', `/${SELLER}/tickets/${ticketId}/work-orders`, { appointmentRequired: false });
    expect(other.status).toBe(201);
    const appt = await book(workOrderId);
    await h.control('POST', `/${SELLER}/appointments/${appt.id}/start`);
    await h.control('POST', `/${SELLER}/appointments/${appt.id}/complete`, {});
    expect((await tt('GET', `/troubleTicket/${ticketId}`)).body.status).toBe('inProgress');
  });

  it('a missed appointment ends its work order unableToComplete and opens a new one that needs an appointment; the ticket waits with a note', async () => {
    const { ticketId, workOrderId } = await workOrderFor();
    const appt = await book(workOrderId);
    await h.control('POST', `/${SELLER}/appointments/${appt.id}/start`);
    expect((await h.control('POST', `/${SELLER}/appointments/${appt.id}/miss`, { note: 'Van broke down' })).status).toBe(200);
    expect((await wo('GET', `/workorder/${workOrderId}`)).body.state).toBe('unableToComplete');
    const ticket = (await tt('GET', `/troubleTicket/${ticketId}`)).body;
    expect(ticket.status).toBe('pending');
    const replacement = ticket.workOrder.map((r: { id: string }) => r.id).find((id: string) => id !== workOrderId);
    expect(replacement).toBeDefined();
    expect((await wo('GET', `/workorder/${replacement}`)).body).toMatchObject({ state: 'open', appointmentRequired: true });
    expect(ticket.note.at(-1)).toMatchObject({ source: 'seller' });
    expect(ticket.note.at(-1).text).toContain(`book a new appointment for work order ${replacement}`);
    // the new work order is booked like any other
    const again = await book(replacement);
    expect(again.status).toBe('confirmed');
    expect((await tt('GET', `/troubleTicket/${ticketId}`)).body.status).toBe('inProgress');
  });

  it('404 for unknown appointments', async () => {
    for (const [method, path, body] of [
      ['GET', '/appointment/none', undefined],
      ['PATCH', '/appointment/none', { note: [] }],
      ['POST', '/appointment/none/cancel', undefined],
    ] as const) {
      const res = await ap(method, path, body);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('notFound');
    }
  });

  it('lists with paging and the workOrderId, status, validFor overlap and place filters', async () => {
    const { workOrderId } = await workOrderFor(CHICAGO_PRODUCT);
    const appt = await book(workOrderId);
    const ids = async (q: string) => ((await ap('GET', `/appointment${q}`)).body as Array<{ id: string }>).map((a) => a.id);
    const all = await ap('GET', '/appointment?limit=1');
    expect(all.headers.get('x-result-count')).toBe('1');
    expect(Number(all.headers.get('x-total-count'))).toBeGreaterThan(1);
    expect(validateResponse(appointmentSpec, 'listAppointment', 200, all.body)).toEqual([]);
    expect(await ids(`?workOrderId=${workOrderId}`)).toEqual([appt.id]);
    const start = Date.parse(appt.validFor.startDateTime);
    const end = Date.parse(appt.validFor.endDateTime);
    const iso = (t: number) => new Date(t).toISOString();
    const overlap = `?workOrderId=${workOrderId}&validFor.gt=${iso(start + 60_000)}&validFor.lt=${iso(end + 86_400_000)}`;
    expect(await ids(overlap)).toEqual([appt.id]);
    expect(await ids(`?workOrderId=${workOrderId}&validFor.gt=${iso(end)}`)).toEqual([]);
    expect(await ids(`?workOrderId=${workOrderId}&validFor.lt=${iso(start)}`)).toEqual([]);
    expect(await ids(`?workOrderId=${workOrderId}&status=confirmed`)).toEqual([appt.id]);
    expect(await ids(`?workOrderId=${workOrderId}&status=cancelled`)).toEqual([]);
    expect(await ids(`?workOrderId=${workOrderId}&geographicSiteId=globex-site-chicago`)).toEqual([appt.id]);
    expect(await ids(`?workOrderId=${workOrderId}&geographicSiteId=globex-site-nyc`)).toEqual([]);
    expect(await ids(`?workOrderId=${workOrderId}&geographicAddressId=globex-site-chicago-address`)).toEqual([appt.id]);
  });
});
