import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { validateResponse } from '@/lib/sonata/openapi-validator';
import type { Notifier, SandboxEvent } from '@/sandbox/notifier';
import { removeDir, startHarness, ticketBody, type Harness } from './harness';

let h: Harness;
const published: SandboxEvent[] = [];
let hubsSeen: Array<{ id: string; callback: string; query?: string }> = [];

beforeAll(async () => {
  h = await startHarness({
    notifier: (deps): Notifier => ({
      publish: (e) => {
        published.push(e);
        hubsSeen = deps.listHubs(e.seller, e.api);
      },
      deliveries: (seller) => published.filter((e) => e.seller === seller),
      drain: async () => undefined,
      close: async () => undefined,
    }),
  });
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const incident = (over: Record<string, unknown> = {}) => ({
  description: 'Fibre cut near Lyon',
  productIds: ['acme-prod-evpl-003'],
  impact: 'down',
  incidentType: 'repair',
  priority: 'critical',
  severity: 'extensive',
  ...over,
});

describe('incidents', () => {
  it('initech answers 501 notImplemented on /incident and /incident/{id}', async () => {
    for (const path of ['/incident', '/incident/anything']) {
      const res = await h.mef('initech', 'troubleTicket', 'GET', path);
      expect(res.status).toBe(501);
      expect(res.body).toMatchObject({ code: 'notImplemented' });
      expect(validateResponse(troubleTicketSpec, path === '/incident' ? 'listIncident' : 'retrieveIncident', 501, res.body)).toEqual([]);
    }
    expect((await h.control('POST', '/initech/incidents', incident({ productIds: ['initech-prod-fiber-201'] }))).status).toBe(501);
  });

  it('are created, updated and closed by the Seller with the matching events', async () => {
    const created = await h.control('POST', '/acme/incidents', incident());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const fetched = await h.mef('acme', 'troubleTicket', 'GET', `/incident/${id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ status: 'created', impact: 'down', relatedEntity: [{ id: 'acme-prod-evpl-003' }] });
    expect(validateResponse(troubleTicketSpec, 'retrieveIncident', 200, fetched.body)).toEqual([]);
    await h.control('POST', `/acme/incidents/${id}/status`, { status: 'inProgress' });
    const inProgress = (await h.mef('acme', 'troubleTicket', 'GET', `/incident/${id}`)).body;
    expect(inProgress.expectedClosedDate).toBeDefined();
    await h.control('PATCH', `/acme/incidents/${id}`, { impact: 'degraded', note: 'Traffic rerouted' });
    await h.control('POST', `/acme/incidents/${id}/close`, { note: 'Splice repaired' });
    const closed = (await h.mef('acme', 'troubleTicket', 'GET', `/incident/${id}`)).body;
    expect(closed).toMatchObject({ status: 'closed', impact: 'degraded' });
    expect(closed.closedDate).toBeDefined();
    expect(validateResponse(troubleTicketSpec, 'retrieveIncident', 200, closed)).toEqual([]);
    const types = published.filter((e) => e.resourceId === id).map((e) => e.eventType);
    expect(types[0]).toBe('incidentCreateEvent');
    expect(types).toContain('incidentAttributeValueChangeEvent');
    expect(types.filter((t) => t === 'incidentStatusChangeEvent')).toHaveLength(2);
    const reopen = await h.control('POST', `/acme/incidents/${id}/status`, { status: 'inProgress' });
    expect(reopen.status).toBe(422);
  });

  it('lists with paging and every filter', async () => {
    const a = (await h.control('POST', '/globex/incidents', incident({ productIds: ['globex-prod-access-101'], impact: 'intermittent', incidentType: 'maintenance', priority: 'low', severity: 'minor', situationStartDate: '2026-01-10T10:00:00Z' }))).body;
    const b = (await h.control('POST', '/globex/incidents', incident({ productIds: ['globex-prod-sdwan-103'], situationStartDate: '2026-02-10T10:00:00Z', expectedClosedDate: '2099-01-01T00:00:00Z' }))).body;
    await h.control('POST', `/globex/incidents/${b.id}/close`, {});
    const ids = async (q: string) => ((await h.mef('globex', 'troubleTicket', 'GET', `/incident${q}`)).body as Array<{ id: string }>).map((i) => i.id);
    const page = await h.mef('globex', 'troubleTicket', 'GET', '/incident?limit=1');
    expect(page.headers.get('x-total-count')).toBe('2');
    expect(page.headers.get('x-result-count')).toBe('1');
    expect(validateResponse(troubleTicketSpec, 'listIncident', 200, page.body)).toEqual([]);
    expect(await ids('?priority=low')).toEqual([a.id]);
    expect(await ids('?severity=extensive')).toEqual([b.id]);
    expect(await ids('?impact=intermittent')).toEqual([a.id]);
    expect(await ids('?incidentType=maintenance')).toEqual([a.id]);
    expect(await ids('?status=closed')).toEqual([b.id]);
    expect(await ids('?relatedEntityId=globex-prod-sdwan-103')).toEqual([b.id]);
    expect(await ids('?relatedEntityId=globex-prod-sdwan-103&relatedEntityType=Site')).toEqual([]);
    expect(await ids('?situationStartDate.gt=2026-02-01T00:00:00Z')).toEqual([b.id]);
    expect(await ids('?situationStartDate.lt=2026-02-01T00:00:00Z')).toEqual([a.id]);
    expect(await ids('?expectedClosedDate.gt=2098-01-01T00:00:00Z')).toEqual([b.id]);
    expect(await ids('?expectedClosedDate.lt=2098-01-01T00:00:00Z')).toEqual([]);
    expect(await ids('?closedDate.gt=2020-01-01T00:00:00Z')).toEqual([b.id]);
    expect(await ids('?closedDate.lt=2020-01-01T00:00:00Z')).toEqual([]);
    expect((await ids('?creationDate.gt=2020-01-01T00:00:00Z')).sort()).toEqual([a.id, b.id].sort());
    expect(await ids('?creationDate.lt=2020-01-01T00:00:00Z')).toEqual([]);
  });
});

describe('hubs', () => {
  it('register, retrieve and unregister per API', async () => {
    const reg = await h.mef('acme', 'troubleTicket', 'POST', '/hub', { callback: 'http://127.0.0.1:3000/sellers/acme', query: 'eventType=troubleTicketStatusChangeEvent,troubleTicketResolvedEvent' });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ callback: 'http://127.0.0.1:3000/sellers/acme' });
    expect(validateResponse(troubleTicketSpec, 'registerListener', 201, reg.body)).toEqual([]);
    const got = await h.mef('acme', 'troubleTicket', 'GET', `/hub/${reg.body.id}`);
    expect(got.body).toEqual(reg.body);
    // Each API has its own hub.
    expect((await h.mef('acme', 'appointment', 'GET', `/hub/${reg.body.id}`)).status).toBe(404);
    const apptHub = await h.mef('acme', 'appointment', 'POST', '/hub', { callback: 'http://127.0.0.1:3000/sellers/acme' });
    expect(validateResponse(appointmentSpec, 'registerListener', 201, apptHub.body)).toEqual([]);
    const woHub = await h.mef('acme', 'workOrder', 'POST', '/hub', { callback: 'http://127.0.0.1:3000/sellers/acme', query: 'eventType=workOrderCreateEvent&eventType=workOrderStateChangeEvent' });
    expect(woHub.status).toBe(201);
    const del = await h.mef('acme', 'troubleTicket', 'DELETE', `/hub/${reg.body.id}`);
    expect(del.status).toBe(204);
    expect((await h.mef('acme', 'troubleTicket', 'GET', `/hub/${reg.body.id}`)).status).toBe(404);
  });

  it('refuses a bad callback, unknown event types and missing callback with 400', async () => {
    for (const body of [{ callback: 'not a url' }, { callback: 'http://x', query: 'eventType=AppointmentResolvedEvent' }, { query: '' }]) {
      const res = await h.mef('acme', 'appointment', 'POST', '/hub', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalidBody');
    }
  });

  it('hands the notifier the Seller hubs and the buyerId/sellerId given on the request', async () => {
    await h.mef('globex', 'troubleTicket', 'POST', '/hub', { callback: 'http://127.0.0.1:3000/sellers/globex' });
    const seller = h.sellers.globex!;
    const res = await fetch(`${seller.baseUrls.troubleTicket}/troubleTicket?buyerId=buyer-7&sellerId=globex-eu`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await h.token('globex')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(ticketBody('globex-prod-voice-105')),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const before = published.length;
    await h.control('POST', `/globex/tickets/${id}/status`, { status: 'inProgress' });
    await h.control('POST', `/globex/tickets/${id}/request-information`, { text: 'Which port is affected?' });
    const events = published.slice(before);
    expect(events.map((e) => e.eventType)).toEqual([
      'troubleTicketStatusChangeEvent',
      'troubleTicketAttributeValueChangeEvent',
      'troubleTicketStatusChangeEvent',
      'troubleTicketInformationRequiredEvent',
    ]);
    for (const e of events) expect(e).toMatchObject({ seller: 'globex', api: 'troubleTicket', resourceId: id, buyerId: 'buyer-7', sellerId: 'globex-eu' });
    expect(hubsSeen.map((hub) => hub.callback)).toContain('http://127.0.0.1:3000/sellers/globex');
    const ticket = (await h.mef('globex', 'troubleTicket', 'GET', `/troubleTicket/${id}`)).body;
    expect(ticket.status).toBe('pending');
    expect(ticket.note.at(-1)).toMatchObject({ source: 'seller', text: 'Which port is affected?' });
    const deliveries = await h.control('GET', '/globex/deliveries');
    expect(deliveries.body.length).toBeGreaterThan(0);
  });

  it('publishes no event for a rejected request', async () => {
    const before = published.length;
    const { body } = await h.mef('acme', 'troubleTicket', 'POST', '/troubleTicket', ticketBody('acme-prod-dia-002'));
    await h.control('POST', `/acme/tickets/${body.id}/status`, { status: 'inProgress' });
    const afterMove = published.length;
    expect(afterMove).toBe(before + 1);
    const bad = await h.control('POST', `/acme/tickets/${body.id}/status`, { status: 'closed' });
    expect(bad.status).toBe(422);
    expect(published.length).toBe(afterMove);
  });
});
