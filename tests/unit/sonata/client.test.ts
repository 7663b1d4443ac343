import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appointmentClient, sonataClients, troubleTicketClient, workOrderClient } from '@/lib/sonata/client';
import { SonataHttpError } from '@/lib/sonata/errors';
import type { TroubleTicketCreate } from '@/lib/sonata/schemas';
import { TokenCache } from '@/lib/sonata/token-cache';
import { json, noContent, startFakeSeller, type FakeSeller } from './fake-seller';
import { sellerTicketBody } from '../../support/ticket-body';

let seller: FakeSeller;
let tokenCache: TokenCache;

beforeEach(async () => {
  seller = await startFakeSeller();
  tokenCache = new TokenCache();
});
afterEach(async () => {
  await seller.close();
});

const TT = '/acme/mefApi/sonata/troubleTicket/v4';
const AP = '/acme/mefApi/sonata/appointment/v2';
const WO = '/acme/mefApi/sonata/workOrderManagement/v2';

const ticket = (id: string, status = 'acknowledged') => sellerTicketBody(id, { status });

const incident = {
  id: 'in-1',
  status: 'created',
  creationDate: '2026-01-01T10:00:00Z',
  description: 'Fibre cut',
  priority: 'high',
  severity: 'extensive',
  impact: 'down',
  incidentType: 'repair',
  situationStartDate: '2026-01-01T09:00:00Z',
  relatedEntity: [{ '@referredType': 'Product', id: 'p-1', role: 'affected' }],
  relatedContactInformation: [{ name: 'Desk', number: '+1 555', emailAddress: 'desk@example.com', role: 'incidentContact' }],
};

const createBody: TroubleTicketCreate = {
  description: 'Link down',
  observedImpact: 'down',
  priority: 'high',
  severity: 'extensive',
  ticketType: 'assistance',
  relatedEntity: [{ '@referredType': 'Product', id: 'p-1', role: 'affected' }],
  relatedContactInformation: [{ name: 'Ann', number: '+1 555', emailAddress: 'ann@example.com', role: 'reporterContact' }],
};

describe('trouble ticket calls', () => {
  it('creates a ticket with the MEF media type, a bearer token and the operation scope', async () => {
    seller.setHandler((req, res) => json(res, 201, { ...ticket('tt-1'), ...JSON.parse(req.body) }));
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const created = await tt.createTroubleTicket(createBody);
    expect(created.id).toBe('tt-1');
    expect(created.status).toBe('acknowledged');
    const [req] = seller.requests;
    expect(req).toMatchObject({ method: 'POST', path: `${TT}/troubleTicket`, bearer: 'tok-1' });
    expect(req?.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(JSON.parse(req?.body ?? '')).toEqual(createBody);
    expect(seller.tokenRequests[0]?.form.get('scope')).toBe('createTroubleTicket');
  });

  it('requests one token per operation scope and reuses it', async () => {
    seller.setHandler((req, res) => (req.method === 'GET' ? json(res, 200, ticket('tt-1')) : noContent(res)));
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    await tt.retrieveTroubleTicket('tt-1');
    await tt.retrieveTroubleTicket('tt-1');
    await tt.cancelTroubleTicket('tt-1');
    await tt.closeTroubleTicket('tt-1');
    await tt.reopenTroubleTicket('tt-1', { reason: 'still down' });
    expect(seller.tokenRequests.map((r) => r.form.get('scope'))).toEqual([
      'retrieveTroubleTicket',
      'cancelTroubleTicket',
      'closeTroubleTicket',
      'reopenTroubleTicket',
    ]);
    expect(seller.requests.map((r) => `${r.method} ${r.path} ${r.bearer}`)).toEqual([
      `GET ${TT}/troubleTicket/tt-1 tok-1`,
      `GET ${TT}/troubleTicket/tt-1 tok-1`,
      `POST ${TT}/troubleTicket/tt-1/cancel tok-2`,
      `POST ${TT}/troubleTicket/tt-1/close tok-3`,
      `POST ${TT}/troubleTicket/tt-1/reopen tok-4`,
    ]);
    expect(seller.requests[2]?.body).toBe('');
    expect(seller.requests[2]?.headers['content-type']).toBeUndefined();
    expect(JSON.parse(seller.requests[4]?.body ?? '')).toEqual({ reason: 'still down' });
    expect(seller.requests[4]?.headers['content-type']).toBe('application/json;charset=utf-8');
  });

  it('uses a fixed scope or no scope when the connection says so', async () => {
    seller.setHandler((_req, res) => json(res, 200, ticket('tt-1')));
    await troubleTicketClient(seller.connection({}, { scopeMode: 'fixed', fixedScope: 'sonata' }), { tokenCache }).retrieveTroubleTicket('tt-1');
    await troubleTicketClient(seller.connection({}, { scopeMode: 'none' }), { tokenCache }).retrieveTroubleTicket('tt-1');
    expect(seller.tokenRequests[0]?.form.get('scope')).toBe('sonata');
    expect(seller.tokenRequests[1]?.form.has('scope')).toBe(false);
  });

  it('patches with the MEF media type (not merge-patch+json)', async () => {
    seller.setHandler((req, res) => json(res, 200, { ...ticket('tt-9', 'inProgress'), ...JSON.parse(req.body) }));
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const patched = await tt.patchTroubleTicket('tt-9', { externalId: 'ext-1' });
    expect(patched.externalId).toBe('ext-1');
    expect(seller.requests[0]).toMatchObject({ method: 'PATCH', path: `${TT}/troubleTicket/tt-9` });
    expect(seller.requests[0]?.headers['content-type']).toBe('application/json;charset=utf-8');
  });

  it('on 401 renews the token and retries once', async () => {
    seller.setHandler((req, res) =>
      req.bearer === 'tok-1'
        ? json(res, 401, { code: 'invalidCredentials', reason: 'expired' })
        : json(res, 200, ticket('tt-1')),
    );
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    expect((await tt.retrieveTroubleTicket('tt-1')).id).toBe('tt-1');
    expect(seller.requests.map((r) => r.bearer)).toEqual(['tok-1', 'tok-2']);
    // the renewed token stays cached
    await tt.retrieveTroubleTicket('tt-1');
    expect(seller.tokenRequests).toHaveLength(2);
  });

  it('gives up after the second 401', async () => {
    seller.setHandler((_req, res) => json(res, 401, { code: 'invalidCredentials', reason: 'no such client' }));
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const err = await tt.retrieveTroubleTicket('tt-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SonataHttpError);
    expect(err).toMatchObject({ status: 401, isUnauthorized: true, code: 'invalidCredentials', retryable: false });
    expect(seller.requests).toHaveLength(2);
    expect(seller.tokenRequests).toHaveLength(2);
  });

  it('sends buyerId and sellerId only when configured, never from the caller', async () => {
    seller.setHandler((_req, res) => json(res, 200, []));
    await troubleTicketClient(seller.connection(), { tokenCache }).listTroubleTicket({ status: 'pending' });
    await troubleTicketClient(seller.connection({ buyerId: 'buyer-7' }), { tokenCache }).listTroubleTicket();
    await troubleTicketClient(seller.connection({ buyerId: 'buyer-7', sellerId: 'seller-3' }), { tokenCache }).retrieveTroubleTicket('x').catch(() => undefined);
    await troubleTicketClient(seller.connection(), { tokenCache }).listTroubleTicket({ buyerId: 'sneaky' } as never);
    const q = seller.requests.map((r) => Object.fromEntries(r.query));
    expect(q[0]).toEqual({ status: 'pending' });
    expect(q[1]).toEqual({ buyerId: 'buyer-7' });
    expect(q[2]).toEqual({ buyerId: 'buyer-7', sellerId: 'seller-3' });
    expect(q[3]).toEqual({});
  });

  it('sends the YAML filter names and paging parameters', async () => {
    seller.setHandler((_req, res) => json(res, 200, []));
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    await tt.listTroubleTicket({
      'creationDate.gt': '2026-01-01T00:00:00Z',
      'expectedResolutionDate.lt': '2026-02-01T00:00:00Z',
      severity: 'minor',
      offset: 20,
      limit: 10,
    });
    await tt.listIncident({ impact: 'down', 'situationStartDate.gt': '2026-01-01T00:00:00Z' });
    expect(seller.requests[0]?.path).toBe(`${TT}/troubleTicket`);
    expect(Object.fromEntries(seller.requests[0]?.query ?? [])).toEqual({
      'creationDate.gt': '2026-01-01T00:00:00Z',
      'expectedResolutionDate.lt': '2026-02-01T00:00:00Z',
      severity: 'minor',
      offset: '20',
      limit: '10',
    });
    expect(seller.requests[1]?.path).toBe(`${TT}/incident`);
    expect(Object.fromEntries(seller.requests[1]?.query ?? [])).toEqual({
      impact: 'down',
      'situationStartDate.gt': '2026-01-01T00:00:00Z',
    });
  });

  it('reads the paging headers of a list', async () => {
    seller.setHandler((_req, res) =>
      json(res, 200, [ticket('a'), ticket('b')], { 'X-Total-Count': '12', 'X-Result-Count': '2', 'X-Pagination-Throttled': 'true' }),
    );
    const page = await troubleTicketClient(seller.connection(), { tokenCache }).listTroubleTicket();
    expect(page.items.map((t) => t.id)).toEqual(['a', 'b']);
    expect(page).toMatchObject({ totalCount: 12, resultCount: 2, throttled: true });

    seller.setHandler((_req, res) => json(res, 200, []));
    const empty = await troubleTicketClient(seller.connection(), { tokenCache }).listTroubleTicket();
    expect(empty).toEqual({ items: [] });
  });

  it('walks a whole list with offset/limit, following throttled pages', async () => {
    const all = Array.from({ length: 8 }, (_, i) => ticket(`t${i}`));
    seller.setHandler((req, res) => {
      const offset = Number(req.query.get('offset'));
      const limit = Number(req.query.get('limit'));
      // the Seller caps pages at 2 items and says so
      const slice = all.slice(offset, offset + Math.min(limit, 2));
      json(res, 200, slice, { 'X-Pagination-Throttled': String(limit > 2), 'X-Result-Count': String(slice.length) });
    });
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const result = await tt.listAllTroubleTicket({ status: 'inProgress' }, { pageSize: 3 });
    expect(result.complete).toBe(true);
    expect(result.items.map((t) => t.id)).toEqual(all.map((t) => t.id));
    expect(seller.requests.map((r) => `${r.query.get('offset')}/${r.query.get('limit')}/${r.query.get('status')}`)).toEqual([
      '0/3/inProgress',
      '2/3/inProgress',
      '4/3/inProgress',
      '6/3/inProgress',
      '8/3/inProgress',
    ]);
  });

  it('stops at the safety cap and says the list is incomplete', async () => {
    seller.setHandler((req, res) => {
      const offset = Number(req.query.get('offset'));
      const limit = Number(req.query.get('limit'));
      json(res, 200, Array.from({ length: limit }, (_, i) => ticket(`t${offset + i}`)), { 'X-Total-Count': '1000' });
    });
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const capped = await tt.listAllTroubleTicket(undefined, { pageSize: 4, maxItems: 10 });
    expect(capped).toMatchObject({ complete: false, totalCount: 1000 });
    expect(capped.items).toHaveLength(10);
    expect(seller.requests.map((r) => r.query.get('limit'))).toEqual(['4', '4', '2']);
  });

  it('lists and retrieves incidents and manages the hub', async () => {
    seller.setHandler((req, res) => {
      if (req.path === `${TT}/hub` && req.method === 'POST') return json(res, 201, { id: 'hub-1', ...JSON.parse(req.body) });
      if (req.path === `${TT}/hub/hub-1` && req.method === 'GET') return json(res, 200, { id: 'hub-1', callback: 'http://cb' });
      if (req.path === `${TT}/hub/hub-1` && req.method === 'DELETE') return noContent(res);
      if (req.path === `${TT}/incident/in-1`) return json(res, 200, incident);
      json(res, 404, { code: 'notFound', reason: 'nothing here' });
    });
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const hub = await tt.registerListener({ callback: 'http://cb', query: 'eventType=troubleTicketResolvedEvent' });
    expect(hub).toEqual({ id: 'hub-1', callback: 'http://cb', query: 'eventType=troubleTicketResolvedEvent' });
    expect(await tt.retrieveHub('hub-1')).toEqual({ id: 'hub-1', callback: 'http://cb' });
    expect(await tt.unregisterListener('hub-1')).toBeUndefined();
    expect((await tt.retrieveIncident('in-1')).status).toBe('created');
    expect(seller.tokenRequests.map((r) => r.form.get('scope'))).toEqual([
      'registerListener',
      'retrieveHub',
      'unregisterListener',
      'retrieveIncident',
    ]);
  });
});

describe('appointment calls', () => {
  it('searches time slots, creates, lists, patches and cancels appointments on the YAML paths', async () => {
    const appointment = {
      id: 'ap-1',
      status: 'confirmed',
      workOrder: { id: 'wo-1' },
      validFor: { startDateTime: '2026-03-02T08:00:00Z', endDateTime: '2026-03-02T12:00:00Z' },
      relatedPlace: { '@type': 'GeographicSiteRef', role: 'appointmentPlace', id: 'site-1' },
      relatedContactInformation: [{ name: 'Tech', number: '+1 555', emailAddress: 'tech@example.com', role: 'sellerAppointmentContact' }],
    };
    seller.setHandler((req, res) => {
      const route = `${req.method} ${req.path.slice(AP.length)}`;
      if (route === 'POST /searchTimeSlot') return json(res, 201, { ...JSON.parse(req.body), availableTimeSlot: [] });
      if (route === 'POST /appointment') return json(res, 201, appointment);
      if (route === 'GET /appointment') return json(res, 200, [appointment], { 'X-Total-Count': '1' });
      if (route === 'GET /appointment/ap-1') return json(res, 200, appointment);
      if (route === 'PATCH /appointment/ap-1') return json(res, 200, appointment);
      if (route === 'POST /appointment/ap-1/cancel') return noContent(res);
      json(res, 404, { code: 'notFound', reason: route });
    });
    const ap = appointmentClient(seller.connection(), { tokenCache });
    const period = { startDateTime: '2026-03-02T08:00:00Z', endDateTime: '2026-03-02T12:00:00Z' };
    const search = await ap.createSearchTimeSlot({ workOrder: { id: 'wo-1' }, requestedTimeSlot: [{ validFor: period }] });
    expect(search.availableTimeSlot).toEqual([]);
    await ap.createAppointment({ workOrder: { id: 'wo-1' }, validFor: period, relatedContactInformation: [] });
    const list = await ap.listAppointment({ workOrderId: 'wo-1', 'validFor.gt': period.startDateTime });
    expect(list).toMatchObject({ totalCount: 1, items: [{ id: 'ap-1' }] });
    await ap.retrieveAppointment('ap-1');
    await ap.patchAppointment('ap-1', { validFor: period });
    await ap.cancelAppointment('ap-1');
    expect(seller.tokenRequests.map((r) => r.form.get('scope'))).toEqual([
      'createSearchTimeSlot',
      'createAppointment',
      'listAppointment',
      'retrieveAppointment',
      'patchAppointment',
      'cancelAppointment',
    ]);
    expect(Object.fromEntries(seller.requests[2]?.query ?? [])).toEqual({ workOrderId: 'wo-1', 'validFor.gt': period.startDateTime });
    expect(seller.requests[4]?.headers['content-type']).toBe('application/json;charset=utf-8');
  });
});

describe('work order calls', () => {
  const wo = (id: string) => ({
    id,
    state: 'open',
    appointmentRequired: true,
    duration: { timeDurationValue: 2, timeDurationUnits: 'HOUR' },
    task: ['Replace the NTU'],
    place: [{ '@type': 'GeographicSiteRef', role: 'workPlace', id: 'site-1' }],
    relatedEntity: [{ '@referredType': 'TroubleTicket', id: 'tt-1', role: 'troubleTicket' }],
    relatedContactInformation: [{ name: 'Tech', number: '+1 555', emailAddress: 'tech@example.com', role: 'technicalContact' }],
  });

  it('returns an array whether the Seller lists an array or a single object', async () => {
    seller.setHandler((_req, res) => json(res, 200, [wo('wo-1'), wo('wo-2')]));
    const client = workOrderClient(seller.connection(), { tokenCache });
    expect((await client.listWorkOrder({ relatedEntityId: 'tt-1', appointmentRequired: true })).items.map((w) => w.id)).toEqual(['wo-1', 'wo-2']);
    expect(seller.requests[0]?.path).toBe(`${WO}/workorder`);
    expect(Object.fromEntries(seller.requests[0]?.query ?? [])).toEqual({ relatedEntityId: 'tt-1', appointmentRequired: 'true' });

    seller.setHandler((_req, res) => json(res, 200, wo('wo-3')));
    expect((await client.listWorkOrder()).items.map((w) => w.id)).toEqual(['wo-3']);
  });

  it('retrieves a work order and registers for its events', async () => {
    seller.setHandler((req, res) =>
      req.path === `${WO}/hub` ? json(res, 201, { id: 'h', callback: 'http://cb' }) : json(res, 200, wo('wo-1')),
    );
    const { workOrder } = sonataClients(seller.connection(), { tokenCache });
    expect((await workOrder.retrieveWorkOrder('wo-1')).state).toBe('open');
    expect((await workOrder.registerListener({ callback: 'http://cb' })).id).toBe('h');
    expect(seller.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${WO}/workorder/wo-1`, `POST ${WO}/hub`]);
  });
});

describe('response validation hook', () => {
  it('turns problems found by a validator into a protocol error', async () => {
    seller.setHandler((_req, res) => json(res, 200, ticket('tt-1', 'bogus')));
    const tt = troubleTicketClient(seller.connection(), {
      tokenCache,
      validateResponse: ({ operationId, body }) =>
        operationId === 'retrieveTroubleTicket' && (body as { status: string }).status === 'bogus' ? ['/status: not an allowed value'] : [],
    });
    await expect(tt.retrieveTroubleTicket('tt-1')).rejects.toMatchObject({
      kind: 'protocol',
      issues: ['/status: not an allowed value'],
      operationId: 'retrieveTroubleTicket',
      sellerSlug: 'acme',
    });
  });
});
