import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { appointmentContacts, removeDir, startHarness, ticketBody, type Harness } from './harness';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The Seller side of MEF 113: only the Seller's own moves, notes with changes, Table 43 work orders, appointment events. */

let h: Harness;
const ACME_PRODUCT = 'acme-prod-dia-002';
const ACME_LYON_PRODUCT = 'acme-prod-evpl-003';
const GLOBEX_PRODUCT = 'globex-prod-access-101';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

interface Note {
  source: string;
  text: string;
  author: string;
}

async function newTicket(slug = 'acme', product = ACME_PRODUCT): Promise<string> {
  const res = await h.mef(slug, 'troubleTicket', 'POST', '/troubleTicket', ticketBody(product));
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function ticket(id: string, slug = 'acme') {
  return (await h.mef(slug, 'troubleTicket', 'GET', `/troubleTicket/${id}`)).body as { status: string; note?: Note[]; workOrder?: Array<{ id: string }>; expectedResolutionDate?: string };
}

async function status(id: string, body: Record<string, unknown>, slug = 'acme') {
  return h.control('POST', `/${slug}/tickets/${id}/status`, body);
}

async function eventsSince(slug: string, count: number, resourceId?: string): Promise<string[]> {
  const all = (await h.control('GET', `/${slug}/events`)).body as Array<{ eventType: string; resourceId: string }>;
  return all
    .slice(count)
    .filter((e) => resourceId === undefined || e.resourceId === resourceId)
    .map((e) => e.eventType);
}

async function eventCount(slug: string): Promise<number> {
  return ((await h.control('GET', `/${slug}/events`)).body as unknown[]).length;
}

describe('only the Seller moves a ticket along the Seller transitions', () => {
  it('refuses the Buyer-only moves reopened and assessingCancellation with a MEF 422 that names the Buyer operation', async () => {
    const id = await newTicket();
    expect((await status(id, { status: 'inProgress' })).status).toBe(200);
    const cancel = await status(id, { status: 'assessingCancellation' });
    expect(cancel.status).toBe(422);
    expect(cancel.body[0]).toMatchObject({ code: 'invalidValue', propertyPath: '/status' });
    expect(cancel.body[0].reason).toMatch(/Only the Buyer .*cancel/);

    expect((await status(id, { status: 'resolved', note: 'Replaced the SFP' })).status).toBe(200);
    const reopen = await status(id, { status: 'reopened' });
    expect(reopen.status).toBe(422);
    expect(reopen.body[0].reason).toMatch(/Only the Buyer .*reopen/);
    expect((await ticket(id)).status).toBe('resolved');
  });

  it('refuses a step the Seller table does not have, naming the steps it has', async () => {
    const id = await newTicket();
    const res = await status(id, { status: 'pending' });
    expect(res.status).toBe(422);
    expect(res.body[0].reason).toBe('From acknowledged the Seller can move a ticket to: inProgress');
  });

  it('resolved needs a resolution note', async () => {
    const id = await newTicket();
    await status(id, { status: 'inProgress' });
    const bare = await status(id, { status: 'resolved' });
    expect(bare.status).toBe(422);
    expect(bare.body[0]).toMatchObject({ code: 'missingProperty', propertyPath: '/note' });
    expect((await ticket(id)).status).toBe('inProgress');

    const ok = await status(id, { status: 'resolved', note: 'Port reconfigured at our edge' });
    expect(ok.status).toBe(200);
    expect(ok.body.note.at(-1)).toMatchObject({ source: 'seller', text: 'Port reconfigured at our edge' });
  });

  it('resolved is refused while a work order is open, through every control route', async () => {
    const id = await newTicket();
    await status(id, { status: 'inProgress' });
    const wo = await h.control('POST', `/acme/tickets/${id}/work-orders`, { appointmentRequired: false });
    expect(wo.status).toBe(201);
    const before = await ticket(id);
    for (const res of [await status(id, { status: 'resolved', note: 'Done' }), await h.control('POST', `/acme/tickets/${id}/resolve`, { text: 'Done' })]) {
      expect(res.status).toBe(422);
      expect(res.body[0]).toMatchObject({ code: 'invalidValue', propertyPath: '/workOrder' });
    }
    expect(await ticket(id)).toEqual(before);

    await h.control('POST', `/acme/work-orders/${wo.body.id}/state`, { state: 'inProgress' });
    await h.control('POST', `/acme/work-orders/${wo.body.id}/state`, { state: 'unableToComplete' });
    expect((await status(id, { status: 'resolved', note: 'Fixed remotely in the end' })).status).toBe(200);
  });

  it('pending always carries a Seller note saying what is needed, added before the information-required event', async () => {
    const id = await newTicket();
    await status(id, { status: 'inProgress' });
    const before = await eventCount('acme');
    const noteCount = (await ticket(id)).note?.length ?? 0;
    expect((await status(id, { status: 'pending' })).status).toBe(200);
    const t = await ticket(id);
    expect(t.status).toBe('pending');
    expect(t.note).toHaveLength(noteCount + 1);
    expect(t.note?.at(-1)).toMatchObject({ source: 'seller', author: 'Acme Networks' });
    expect(t.note?.at(-1)?.text).toMatch(/We need more information/);
    expect(await eventsSince('acme', before, id)).toEqual([
      'troubleTicketAttributeValueChangeEvent',
      'troubleTicketStatusChangeEvent',
      'troubleTicketInformationRequiredEvent',
    ]);

    const other = await newTicket();
    await status(other, { status: 'inProgress' });
    await status(other, { status: 'pending', note: 'Please send the CPE serial number.' });
    expect((await ticket(other)).note?.at(-1)).toMatchObject({ source: 'seller', text: 'Please send the CPE serial number.' });
  });

  it('a technician visit puts the ticket in pending with a note naming the work order to book', async () => {
    const id = await newTicket('globex', GLOBEX_PRODUCT);
    const wo = await h.control('POST', `/globex/tickets/${id}/work-orders`, { appointmentRequired: true });
    const t = await ticket(id, 'globex');
    expect(t.status).toBe('pending');
    expect(t.note?.at(-1)).toMatchObject({ source: 'seller' });
    expect(t.note?.at(-1)?.text).toContain(`Work order ${wo.body.id} needs a technician visit`);
  });
});

describe('notes go with the Seller changes they explain', () => {
  it('a new expected resolution date comes with a Seller note, through PUT and PATCH; the same date adds none', async () => {
    const id = await newTicket();
    const start = (await ticket(id)).note?.length ?? 0;
    const put = await h.control('PUT', `/acme/tickets/${id}/expected-resolution-date`, { expectedResolutionDate: '2030-01-02T10:00:00Z', note: 'Spare part on order.' });
    expect(put.status).toBe(200);
    expect(put.body.note).toHaveLength(start + 1);
    expect(put.body.note.at(-1)).toMatchObject({ source: 'seller', text: 'Expected resolution date is now 2030-01-02T10:00:00.000Z. Spare part on order.' });

    const patch = await h.control('PATCH', `/acme/tickets/${id}`, { expectedResolutionDate: '2030-01-03T10:00:00Z', sellerPriority: 'critical' });
    expect(patch.body.note).toHaveLength(start + 2);
    expect(patch.body.note.at(-1).text).toBe('Expected resolution date is now 2030-01-03T10:00:00.000Z.');

    const same = await h.control('PATCH', `/acme/tickets/${id}`, { expectedResolutionDate: '2030-01-03T10:00:00.000Z' });
    expect(same.body.note).toHaveLength(start + 2);
  });

  it('a related issue added by the Seller comes with a Seller note', async () => {
    const id = await newTicket();
    const other = await newTicket();
    const res = await h.control('POST', `/acme/tickets/${id}/related-issues`, { referredType: 'TroubleTicket', id: other, relationshipType: 'duplicates' });
    expect(res.status).toBe(201);
    expect(res.body.relatedIssue).toEqual([expect.objectContaining({ id: other, source: 'seller', relationshipType: 'duplicates' })]);
    expect(res.body.note.at(-1)).toMatchObject({ source: 'seller', text: `Related trouble ticket ${other} (duplicates).` });
  });
});

describe('work orders follow MEF 113 Table 43', () => {
  it('a work order in progress cannot go back to open', async () => {
    const id = await newTicket();
    await status(id, { status: 'inProgress' });
    const wo = (await h.control('POST', `/acme/tickets/${id}/work-orders`, { appointmentRequired: false })).body as { id: string };
    expect((await h.control('POST', `/acme/work-orders/${wo.id}/state`, { state: 'inProgress' })).status).toBe(200);
    const back = await h.control('POST', `/acme/work-orders/${wo.id}/state`, { state: 'open' });
    expect(back.status).toBe(422);
    expect(back.body[0].reason).toMatch(/cannot move from inProgress to open; mark it unableToComplete and open a new work order/);
    expect((await h.mef('acme', 'workOrder', 'GET', `/workorder/${wo.id}`)).body.state).toBe('inProgress');
  });

  it('a failed visit ends the work order unableToComplete and a new work order, with the same tasks, needs an appointment', async () => {
    const id = await newTicket('globex', GLOBEX_PRODUCT);
    const wo = (await h.control('POST', `/globex/tickets/${id}/work-orders`, { appointmentRequired: true, task: ['Swap the NTU'] })).body as { id: string };
    const slots = await h.mef('globex', 'appointment', 'POST', '/searchTimeSlot', {
      workOrder: { id: wo.id },
      requestedTimeSlot: [{ validFor: { startDateTime: new Date(Date.now() + 86_400_000).toISOString(), endDateTime: new Date(Date.now() + 15 * 86_400_000).toISOString() } }],
    });
    const booked = await h.mef('globex', 'appointment', 'POST', '/appointment', {
      workOrder: { id: wo.id },
      validFor: slots.body.availableTimeSlot[0].validFor,
      relatedContactInformation: appointmentContacts,
    });
    expect(booked.status, booked.text).toBe(201);
    await h.control('POST', `/globex/appointments/${booked.body.id}/start`);
    expect((await h.control('POST', `/globex/appointments/${booked.body.id}/fail`, { note: 'Nobody on site to open the door' })).status).toBe(200);

    const old = (await h.mef('globex', 'workOrder', 'GET', `/workorder/${wo.id}`)).body;
    expect(old.state).toBe('unableToComplete');
    const t = await ticket(id, 'globex');
    const nextId = t.workOrder?.map((r) => r.id).find((w) => w !== wo.id);
    const next = (await h.mef('globex', 'workOrder', 'GET', `/workorder/${nextId}`)).body;
    expect(next).toMatchObject({ state: 'open', appointmentRequired: true, task: ['Swap the NTU'] });
    expect(t.status).toBe('pending');
    expect(t.note?.at(-1)?.text).toBe(
      `The visit of appointment ${booked.body.id} could not take place (Nobody on site to open the door). Please search for a time slot and book a new appointment for work order ${nextId}.`,
    );
  });
});

describe('appointment events', () => {
  /** The next Tuesday at least two days ahead, as a local date in Lyon. */
  const tuesday = () => {
    let d = dayjs().tz('Europe/Paris').add(2, 'day');
    while (d.day() !== 2) d = d.add(1, 'day');
    return d.format('YYYY-MM-DD');
  };
  const lyon = (date: string, time: string) => dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', 'Europe/Paris').toISOString();
  const period = (date: string, from: string, to: string) => ({ startDateTime: lyon(date, from), endDateTime: lyon(date, to) });

  it('a Buyer reschedule that changes the Seller appointment contact raises appointmentAttributeValueChangeEvent; one that keeps it raises none', async () => {
    const id = await newTicket('acme', ACME_LYON_PRODUCT);
    const wo = (await h.control('POST', `/acme/tickets/${id}/work-orders`, { appointmentRequired: true })).body as { id: string };
    const day = tuesday();
    // Hugo works 08:00–16:00 in Lyon, Léa 10:00–18:00: the first slot is Hugo's, the last Léa's.
    const booked = await h.mef('acme', 'appointment', 'POST', '/appointment', {
      workOrder: { id: wo.id },
      validFor: period(day, '08:00', '10:00'),
      relatedContactInformation: appointmentContacts,
    });
    expect(booked.status, booked.text).toBe(201);
    const contact = (a: { relatedContactInformation: Array<{ role: string; name: string }> }) => a.relatedContactInformation.find((c) => c.role === 'sellerAppointmentContact')?.name;
    expect(contact(booked.body)).toBe('Hugo Bernard');

    let before = await eventCount('acme');
    const kept = await h.mef('acme', 'appointment', 'PATCH', `/appointment/${booked.body.id}`, { validFor: period(day, '10:00', '12:00') });
    expect(kept.status, kept.text).toBe(200);
    expect(contact(kept.body)).toBe('Hugo Bernard');
    expect(await eventsSince('acme', before, booked.body.id)).toEqual([]);

    before = await eventCount('acme');
    const moved = await h.mef('acme', 'appointment', 'PATCH', `/appointment/${booked.body.id}`, { validFor: period(day, '16:00', '18:00') });
    expect(moved.status, moved.text).toBe(200);
    expect(contact(moved.body)).toBe('Léa Dubois');
    expect(await eventsSince('acme', before, booked.body.id)).toEqual(['appointmentAttributeValueChangeEvent']);
  });
});

describe('media types and method errors', () => {
  const raw = async (method: string, pathAndQuery: string, body: string | undefined, contentType: string | undefined) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${await h.token('acme')}` };
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    const res = await fetch(`${h.sellers.acme!.baseUrls.troubleTicket}${pathAndQuery}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), allow: res.headers.get('allow'), body: text ? JSON.parse(text) : undefined };
  };
  const createBody = JSON.stringify(ticketBody(ACME_PRODUCT, { externalId: 'MEDIA-1' }));

  it('accepts application/json with or without charset=utf-8', async () => {
    for (const type of ['application/json;charset=utf-8', 'application/json', 'Application/JSON; charset="UTF-8"']) {
      expect((await raw('POST', '/troubleTicket', createBody, type)).status).toBe(201);
    }
  });

  it('answers 415 with a MEF error body to any other media type, storing nothing', async () => {
    const count = async () => Number((await h.mef('acme', 'troubleTicket', 'GET', '/troubleTicket?externalId=MEDIA-2')).headers.get('x-total-count'));
    const body = JSON.stringify(ticketBody(ACME_PRODUCT, { externalId: 'MEDIA-2' }));
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json;charset=iso-8859-1', 'application/merge-patch+json', undefined]) {
      const res = await raw('POST', '/troubleTicket', body, type);
      expect(res.status, String(type)).toBe(415);
      expect(res.type).toBe('application/json;charset=utf-8');
      expect(res.body).toMatchObject({ code: 'invalidBody' });
      expect(res.body.reason).toMatch(/must be application\/json;charset=utf-8/);
    }
    expect(await count()).toBe(0);
    const id = await newTicket();
    const patch = await raw('PATCH', `/troubleTicket/${id}`, JSON.stringify({ externalId: 'changed' }), 'text/plain');
    expect(patch.status).toBe(415);
    expect((await ticket(id)).status).toBe('acknowledged');
  });

  it('a 405 names the allowed methods and carries a MEF error body', async () => {
    const res = await raw('PUT', '/troubleTicket', undefined, undefined);
    expect(res.status).toBe(405);
    expect(res.allow).toBe('GET, POST');
    expect(res.type).toBe('application/json;charset=utf-8');
    expect(res.body).toEqual({ code: 'methodNotAllowed', reason: 'PUT is not supported on this resource', message: 'Use GET, POST' });
  });
});
