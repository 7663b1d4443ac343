import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { workOrderSpec } from '@/lib/sonata/generated/work-order.spec';
import { SonataHttpError, sonataClients, TokenCache, type SellerConnection, type SonataClients } from '@/lib/sonata/client';
import { validateResponse, type OpenApiDocument } from '@/lib/sonata/openapi-validator';
import { appointmentContacts, removeDir, reporter, startHarness, ticketBody, type Harness } from './harness';

/**
 * Drives every operation of the three Seller APIs through the portal's typed clients against the sandbox and
 * checks every response (success and error) against the operation's response schema in the YAML.
 */

type Api = 'troubleTicket' | 'appointment' | 'workOrder';
const SPECS: Record<Api, OpenApiDocument> = { troubleTicket: troubleTicketSpec, appointment: appointmentSpec, workOrder: workOrderSpec };

interface Exchange {
  api: Api;
  operationId: string;
  status: number;
  body: unknown;
}

function operationTable(spec: OpenApiDocument): Array<{ method: string; pattern: RegExp; operationId: string }> {
  const out: Array<{ method: string; pattern: RegExp; operationId: string }> = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries(item as Record<string, { operationId?: string }>)) {
      if (op.operationId) out.push({ method: method.toUpperCase(), pattern, operationId: op.operationId });
    }
  }
  return out;
}

const TABLES = Object.fromEntries((Object.keys(SPECS) as Api[]).map((api) => [api, operationTable(SPECS[api])])) as Record<Api, ReturnType<typeof operationTable>>;

let h: Harness;
const exchanges: Exchange[] = [];
const unmatched: string[] = [];
const clients: Record<string, SonataClients> = {};

function connection(slug: string): SellerConnection {
  const seller = h.sellers[slug]!;
  return {
    slug,
    baseUrls: seller.baseUrls,
    oauth: { tokenUrl: seller.tokenUrl, clientId: seller.clientId, clientSecret: seller.clientSecret, scopeMode: 'operation' },
    timeoutMs: 10_000,
  };
}

function recordingFetch(slug: string): typeof fetch {
  const bases = h.sellers[slug]!.baseUrls;
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const response = await fetch(request);
    const url = new URL(request.url);
    const api = (Object.keys(bases) as Api[]).find((a) => url.href.startsWith(bases[a] + '/'));
    if (api) {
      const rest = url.pathname.slice(new URL(bases[api]).pathname.length);
      const op = TABLES[api].find((o) => o.method === request.method && o.pattern.test(rest));
      const text = await response.clone().text();
      if (op) exchanges.push({ api, operationId: op.operationId, status: response.status, body: text === '' ? undefined : JSON.parse(text) });
      else unmatched.push(`${request.method} ${url.pathname}`);
    }
    return response;
  };
}

async function httpError(call: Promise<unknown>): Promise<SonataHttpError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof SonataHttpError) return err;
    throw err;
  }
  throw new Error('expected the Seller to refuse the call');
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

beforeAll(async () => {
  // The sandbox listens on loopback, which Seller calls (here the token requests) reach only when allowed.
  process.env.SELLER_EGRESS_ALLOW = '127.0.0.1';
  h = await startHarness();
  for (const slug of ['acme', 'globex', 'initech']) {
    clients[slug] = sonataClients(connection(slug), { tokenCache: new TokenCache(), fetch: recordingFetch(slug) });
  }
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('wire conformance through the portal clients', () => {
  it('Trouble Ticket and Incident Management v4: every operation', async () => {
    const tt = clients.acme!.troubleTicket;
    const created = await tt.createTroubleTicket(ticketBody('acme-prod-ethernet-001') as never);
    expect(created.status).toBe('acknowledged');
    await tt.listTroubleTicket({ status: 'acknowledged', limit: 5, offset: 0 });
    const all = await tt.listAllTroubleTicket({ relatedEntityId: 'acme-prod-ethernet-001' });
    expect(all.items.map((t) => t.id)).toContain(created.id);
    const fetched = await tt.retrieveTroubleTicket(created.id);
    const patched = await tt.patchTroubleTicket(created.id, {
      note: [{ id: 'wire-1', author: reporter.name, date: new Date().toISOString(), source: 'buyer', text: 'Also flapping at night' }],
      relatedContactInformation: fetched.relatedContactInformation,
    });
    expect(patched.note).toHaveLength(1);
    await tt.cancelTroubleTicket(created.id);

    const toClose = await tt.createTroubleTicket(ticketBody('acme-prod-ethernet-001') as never);
    await h.control('POST', `/acme/tickets/${toClose.id}/status`, { status: 'inProgress' });
    await h.control('POST', `/acme/tickets/${toClose.id}/resolve`, { text: 'Port reset' });
    await tt.closeTroubleTicket(toClose.id);
    const toReopen = await tt.createTroubleTicket(ticketBody('acme-prod-ethernet-001') as never);
    await h.control('POST', `/acme/tickets/${toReopen.id}/status`, { status: 'inProgress' });
    await h.control('POST', `/acme/tickets/${toReopen.id}/resolve`, { text: 'Port reset' });
    await tt.reopenTroubleTicket(toReopen.id, { reason: 'Still dropping packets' });
    // Resolved and closed tickets now carry every Find attribute.
    await tt.listTroubleTicket({ status: 'closed' });

    const incident = await h.control('POST', '/acme/incidents', {
      description: 'Planned maintenance', productIds: ['acme-prod-ethernet-001'], impact: 'intermittent', incidentType: 'maintenance', priority: 'low', severity: 'minor',
    });
    await tt.listIncident({ impact: 'intermittent' });
    await tt.retrieveIncident(incident.body.id);
    const hub = await tt.registerListener({ callback: 'http://127.0.0.1:9/sellers/acme', query: 'eventType=troubleTicketStatusChangeEvent' });
    await tt.retrieveHub(hub.id);
    await tt.unregisterListener(hub.id);

    expect((await httpError(tt.retrieveTroubleTicket('missing'))).status).toBe(404);
    expect((await httpError(tt.createTroubleTicket(ticketBody('not-sold') as never))).status).toBe(422);
    expect((await httpError(tt.cancelTroubleTicket(toClose.id))).status).toBe(422);
    expect((await httpError(tt.closeTroubleTicket(created.id))).status).toBe(422);
    expect((await httpError(tt.reopenTroubleTicket(created.id, { reason: 'x' }))).status).toBe(422);
    expect((await httpError(tt.patchTroubleTicket(toClose.id, { externalId: 'late' }))).status).toBe(422);
    expect((await httpError(tt.retrieveIncident('missing'))).status).toBe(404);
    expect((await httpError(tt.retrieveHub('missing'))).status).toBe(404);
    expect((await httpError(tt.unregisterListener('missing'))).status).toBe(404);
    expect((await httpError(clients.initech!.troubleTicket.listIncident())).status).toBe(501);
    expect((await httpError(clients.initech!.troubleTicket.retrieveIncident('any'))).status).toBe(501);
  });

  it('Appointment v2 and Work Order v2: every operation', async () => {
    const { troubleTicket: tt, appointment: ap, workOrder: wo } = clients.globex!;
    const ticket = await tt.createTroubleTicket(ticketBody('globex-prod-access-104') as never);
    const order = await h.control('POST', `/globex/tickets/${ticket.id}/work-orders`, { appointmentRequired: true });
    const workOrderId = order.body.id as string;

    const retrieved = await wo.retrieveWorkOrder(workOrderId);
    expect(retrieved.appointmentRequired).toBe(true);
    const listed = await wo.listWorkOrder({ relatedEntityId: ticket.id });
    expect(listed.items.map((w) => w.id)).toEqual([workOrderId]);
    const woHub = await wo.registerListener({ callback: 'http://127.0.0.1:9/sellers/globex' });
    await wo.retrieveHub(woHub.id);
    await wo.unregisterListener(woHub.id);

    const search = await ap.createSearchTimeSlot({ workOrder: { id: workOrderId }, requestedTimeSlot: [{ validFor: { startDateTime: days(1), endDateTime: days(10) } }] });
    const [first, second] = search.availableTimeSlot ?? [];
    expect(first && second).toBeTruthy();
    const appt = await ap.createAppointment({ workOrder: { id: workOrderId }, validFor: first!.validFor, relatedContactInformation: appointmentContacts });
    await ap.listAppointment({ workOrderId, status: 'confirmed' });
    await ap.listAllAppointment({ 'validFor.gt': days(0) });
    const full = await ap.retrieveAppointment(appt.id);
    await ap.patchAppointment(appt.id, { validFor: second!.validFor, relatedContactInformation: full.relatedContactInformation });
    await ap.cancelAppointment(appt.id);
    const apHub = await ap.registerListener({ callback: 'http://127.0.0.1:9/sellers/globex', query: 'eventType=appointmentStatusChangeEvent' });
    await ap.retrieveHub(apHub.id);
    await ap.unregisterListener(apHub.id);

    // Place subtypes in the responses: the discriminator is exercised on every appointment and work order.
    const planned = await wo.retrieveWorkOrder(workOrderId);
    expect(planned.state).toBe('open');

    expect((await httpError(ap.retrieveAppointment('missing'))).status).toBe(404);
    expect((await httpError(ap.cancelAppointment(appt.id))).status).toBe(422);
    expect((await httpError(ap.patchAppointment(appt.id, { note: [] }))).status).toBe(422);
    expect(
      (await httpError(ap.createAppointment({ workOrder: { id: workOrderId }, validFor: { startDateTime: days(3), endDateTime: days(2) }, relatedContactInformation: appointmentContacts }))).status,
    ).toBe(422);
    expect((await httpError(ap.createSearchTimeSlot({ workOrder: { id: 'missing' }, requestedTimeSlot: [{ validFor: { startDateTime: days(1), endDateTime: days(2) } }] }))).status).toBe(422);
    expect((await httpError(wo.retrieveWorkOrder('missing'))).status).toBe(404);
    expect((await httpError(ap.retrieveHub('missing'))).status).toBe(404);
  });

  it('every response matched an operation and conforms to its YAML response schema', () => {
    expect(unmatched).toEqual([]);
    const problems = exchanges.flatMap((e) =>
      validateResponse(SPECS[e.api], e.operationId, e.status, e.body).map((v) => `${e.api} ${e.operationId} ${e.status} ${v.path} ${v.keyword}: ${v.message}`),
    );
    expect(problems).toEqual([]);
    const covered = new Set(exchanges.map((e) => `${e.api}:${e.operationId}`));
    const expected = (Object.keys(TABLES) as Api[]).flatMap((api) => TABLES[api].map((o) => `${api}:${o.operationId}`));
    expect(expected.filter((op) => !covered.has(op))).toEqual([]);
    expect(exchanges.some((e) => e.status === 422)).toBe(true);
    expect(exchanges.some((e) => e.status === 501)).toBe(true);
  });
});
