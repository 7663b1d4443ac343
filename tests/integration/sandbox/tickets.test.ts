import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { validateResponse } from '@/lib/sonata/openapi-validator';
import { buyerNote, removeDir, reporter, startHarness, ticketBody, type Harness } from './harness';

let h: Harness;
const PRODUCT = 'acme-prod-dia-002';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const tt = (method: string, path: string, body?: unknown) => h.mef('acme', 'troubleTicket', method, path, body);

async function createTicket(extra: Record<string, unknown> = {}, slug = 'acme', product = PRODUCT) {
  const res = await h.mef(slug, 'troubleTicket', 'POST', '/troubleTicket', ticketBody(product, extra));
  expect(res.status).toBe(201);
  return res.body as { id: string; status: string } & Record<string, any>;
}

async function move(id: string, ...statuses: string[]) {
  for (const status of statuses) {
    const res = await h.control('POST', `/acme/tickets/${id}/status`, status === 'resolved' ? { status, note: 'Replaced the line card' } : { status });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

/** Reaches each status the way it is reached on the wire: the Seller's moves through control, the Buyer's through MEF. */
async function ticketIn(state: string): Promise<string> {
  const { id } = await createTicket();
  switch (state) {
    case 'acknowledged':
      break;
    case 'inProgress':
      await move(id, 'inProgress');
      break;
    case 'pending':
      await move(id, 'inProgress', 'pending');
      break;
    case 'resolved':
      await move(id, 'inProgress', 'resolved');
      break;
    case 'closed':
      await move(id, 'inProgress', 'resolved', 'closed');
      break;
    case 'reopened':
      await move(id, 'inProgress', 'resolved');
      expect((await tt('POST', `/troubleTicket/${id}/reopen`, { reason: 'Still dropping packets' })).status).toBe(204);
      break;
    case 'assessingCancellation':
      expect((await tt('POST', `/troubleTicket/${id}/cancel`)).status).toBe(204);
      break;
    case 'cancelled':
      expect((await tt('POST', `/troubleTicket/${id}/cancel`)).status).toBe(204);
      await move(id, 'cancelled');
      break;
    default:
      throw new Error(state);
  }
  const check = await tt('GET', `/troubleTicket/${id}`);
  expect(check.body.status).toBe(state);
  return id;
}

async function count(): Promise<number> {
  const res = await tt('GET', '/troubleTicket');
  return Number(res.headers.get('x-total-count'));
}

describe('create trouble ticket', () => {
  it('echoes every Buyer value and adds the Seller attributes', async () => {
    const note = buyerNote('n-1');
    const attachment = { author: 'Rita', creationDate: new Date().toISOString(), name: 'trace.txt', source: 'buyer', url: 'https://files.buyer.example/trace.txt' };
    const body = ticketBody(PRODUCT, { note: [note], attachment: [attachment], issueStartDate: '2026-01-02T03:04:05.000Z' });
    const res = await tt('POST', '/troubleTicket', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const t = res.body;
    for (const [key, value] of Object.entries(body)) {
      if (key === 'relatedContactInformation') continue;
      expect(t[key]).toEqual(value);
    }
    expect(t.relatedContactInformation[0]).toEqual(reporter);
    expect(t.relatedContactInformation.at(-1).role).toBe('sellerTicketContact');
    expect(t).toMatchObject({ status: 'acknowledged', sellerPriority: 'high', sellerSeverity: 'significant' });
    expect(t.href).toBe(`${h.sellers.acme!.baseUrls.troubleTicket}/troubleTicket/${t.id}`);
    expect(t.statusChange).toEqual([expect.objectContaining({ status: 'acknowledged' })]);
    expect(validateResponse(troubleTicketSpec, 'createTroubleTicket', 201, t)).toEqual([]);
    const again = await tt('GET', `/troubleTicket/${t.id}`);
    expect(again.body).toEqual(t);
  });

  it('rejects a product the Seller did not sell with referenceNotFound at /relatedEntity/0/id, storing nothing', async () => {
    const before = await count();
    const res = await tt('POST', '/troubleTicket', ticketBody('globex-prod-access-101'));
    expect(res.status).toBe(422);
    expect(res.body).toEqual([expect.objectContaining({ code: 'referenceNotFound', propertyPath: '/relatedEntity/0/id' })]);
    expect(validateResponse(troubleTicketSpec, 'createTroubleTicket', 422, res.body)).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('answers 400 invalidBody to malformed JSON and stores nothing', async () => {
    const before = await count();
    const res = await tt('POST', '/troubleTicket', '{"description": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalidBody' });
    expect(await count()).toBe(before);
  });

  it('answers 400 invalidBody when the body is not an object', async () => {
    const res = await tt('POST', '/troubleTicket', '[1,2]');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalidBody');
  });

  it('maps schema violations to a 422 array with property paths and codes, storing nothing', async () => {
    const before = await count();
    const bad = { ...ticketBody(PRODUCT), priority: 'urgent', issueStartDate: 'yesterday', colour: 'red' } as Record<string, unknown>;
    delete bad.severity;
    const res = await tt('POST', '/troubleTicket', bad);
    expect(res.status).toBe(422);
    const byPath = Object.fromEntries((res.body as Array<{ propertyPath: string; code: string }>).map((e) => [e.propertyPath, e.code]));
    expect(byPath).toMatchObject({
      '/severity': 'missingProperty',
      '/priority': 'invalidValue',
      '/issueStartDate': 'invalidFormat',
      '/colour': 'unexpectedProperty',
    });
    expect(validateResponse(troubleTicketSpec, 'createTroubleTicket', 422, res.body)).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('requires a reporterContact and refuses Seller roles and Seller-sourced items from the Buyer', async () => {
    const noReporter = ticketBody(PRODUCT, { relatedContactInformation: [{ ...reporter, role: 'buyerTechnicalContact' }] });
    const a = await tt('POST', '/troubleTicket', noReporter);
    expect(a.status).toBe(422);
    expect(a.body).toContainEqual(expect.objectContaining({ code: 'missingProperty', propertyPath: '/relatedContactInformation' }));

    const sellerRole = ticketBody(PRODUCT, { relatedContactInformation: [reporter, { ...reporter, role: 'sellerTicketContact' }] });
    const b = await tt('POST', '/troubleTicket', sellerRole);
    expect(b.body).toContainEqual(expect.objectContaining({ propertyPath: '/relatedContactInformation/1/role' }));

    const sellerNote = ticketBody(PRODUCT, { note: [{ ...buyerNote('x'), source: 'seller' }] });
    const c = await tt('POST', '/troubleTicket', sellerNote);
    expect(c.status).toBe(422);
    expect(c.body).toContainEqual(expect.objectContaining({ code: 'invalidValue', propertyPath: '/note/0/source' }));
  });

  it('requires exactly one related entity', async () => {
    const two = ticketBody(PRODUCT, {
      relatedEntity: [
        { '@referredType': 'Product', id: PRODUCT, role: 'affectedProduct' },
        { '@referredType': 'Product', id: 'acme-prod-evpl-003', role: 'affectedProduct' },
      ],
    });
    const res = await tt('POST', '/troubleTicket', two);
    expect(res.status).toBe(422);
    expect(res.body).toContainEqual(expect.objectContaining({ propertyPath: '/relatedEntity', code: 'invalidValue' }));
  });
});

describe('unknown ids', () => {
  it.each([
    ['GET', '/troubleTicket/nope', undefined],
    ['PATCH', '/troubleTicket/nope', { externalId: 'x' }],
    ['POST', '/troubleTicket/nope/cancel', undefined],
    ['POST', '/troubleTicket/nope/close', undefined],
    ['POST', '/troubleTicket/nope/reopen', { reason: 'no' }],
    ['GET', '/incident/nope', undefined],
    ['GET', '/hub/nope', undefined],
    ['DELETE', '/hub/nope', undefined],
  ])('%s %s → 404 notFound', async (method, path, body) => {
    const res = await tt(method, path, body);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'notFound' });
  });
});

describe('malformed requests', () => {
  it('never answers 500: bad escapes, null bodies, wrong methods, unknown paths', async () => {
    expect((await tt('GET', '/troubleTicket/%E0%A4%A')).status).toBe(404);
    expect((await tt('POST', '/troubleTicket', 'null')).status).toBe(400);
    expect((await tt('PUT', '/troubleTicket')).status).toBe(405);
    expect((await tt('GET', '/nothing-here')).status).toBe(404);
    const seller = h.sellers.acme!;
    const basic = await fetch(seller.tokenUrl, {
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });
});

describe('status gating', () => {
  it.each(['closed', 'assessingCancellation', 'cancelled'])('PATCH in %s → 422', async (state) => {
    const id = await ticketIn(state);
    const res = await tt('PATCH', `/troubleTicket/${id}`, { externalId: 'changed' });
    expect(res.status).toBe(422);
    expect(res.body[0]).toMatchObject({ code: 'invalidValue', propertyPath: '/status' });
    expect((await tt('GET', `/troubleTicket/${id}`)).body.externalId).toBe('BUY-1');
  });

  it.each(['acknowledged', 'inProgress', 'pending', 'reopened', 'resolved'])('PATCH in %s is allowed', async (state) => {
    const id = await ticketIn(state);
    const res = await tt('PATCH', `/troubleTicket/${id}`, { externalId: 'changed' });
    expect(res.status).toBe(200);
    expect(res.body.externalId).toBe('changed');
  });

  it.each(['resolved', 'closed', 'reopened', 'assessingCancellation', 'cancelled'])('cancel in %s → 422', async (state) => {
    const id = await ticketIn(state);
    const res = await tt('POST', `/troubleTicket/${id}/cancel`);
    expect(res.status).toBe(422);
    expect((await tt('GET', `/troubleTicket/${id}`)).body.status).toBe(state);
  });

  it.each(['acknowledged', 'inProgress', 'pending', 'reopened', 'closed', 'assessingCancellation', 'cancelled'])(
    'close and reopen in %s → 422',
    async (state) => {
      const id = await ticketIn(state);
      expect((await tt('POST', `/troubleTicket/${id}/close`)).status).toBe(422);
      expect((await tt('POST', `/troubleTicket/${id}/reopen`, { reason: 'Still broken' })).status).toBe(422);
      expect((await tt('GET', `/troubleTicket/${id}`)).body.status).toBe(state);
    },
  );
});

describe('cancel, close, reopen', () => {
  it('cancel answers 204, moves to assessingCancellation, then to cancelled on the Seller clock', async () => {
    const { id } = await createTicket();
    const res = await tt('POST', `/troubleTicket/${id}/cancel`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await tt('GET', `/troubleTicket/${id}`)).body.status).toBe('assessingCancellation');
    const advanced = await h.control('POST', '/clock/advance', { ms: 60_000 });
    expect(advanced.status).toBe(200);
    const after = (await tt('GET', `/troubleTicket/${id}`)).body;
    expect(after.status).toBe('cancelled');
    expect(after.statusChange.map((s: { status: string }) => s.status)).toEqual(['acknowledged', 'assessingCancellation', 'cancelled']);
    const events = (await h.control('GET', '/acme/events')).body.filter((e: { resourceId: string }) => e.resourceId === id);
    expect(events.map((e: { eventType: string }) => e.eventType)).toEqual(['troubleTicketStatusChangeEvent', 'troubleTicketStatusChangeEvent']);
  });

  it('close moves resolved to closed', async () => {
    const id = await ticketIn('resolved');
    expect((await tt('POST', `/troubleTicket/${id}/close`)).status).toBe(204);
    expect((await tt('GET', `/troubleTicket/${id}`)).body.status).toBe('closed');
  });

  it('reopen needs a reason, stores it as a closureRejection note and the Seller then resumes', async () => {
    const id = await ticketIn('resolved');
    const missing = await tt('POST', `/troubleTicket/${id}/reopen`, {});
    expect(missing.status).toBe(422);
    expect(missing.body).toContainEqual(expect.objectContaining({ code: 'missingProperty', propertyPath: '/reason' }));
    const noBody = await tt('POST', `/troubleTicket/${id}/reopen`);
    expect(noBody.status).toBe(400);
    const res = await tt('POST', `/troubleTicket/${id}/reopen`, { reason: 'Packet loss is back' });
    expect(res.status).toBe(204);
    const t = (await tt('GET', `/troubleTicket/${id}`)).body;
    expect(t.status).toBe('reopened');
    expect(t.note.at(-1)).toMatchObject({ source: 'buyer', author: 'closureRejection', text: 'Packet loss is back' });
    await h.control('POST', '/clock/advance', { ms: 60_000 });
    expect((await tt('GET', `/troubleTicket/${id}`)).body.status).toBe('inProgress');
  });
});

describe('patch rules', () => {
  it('moves pending to inProgress and raises no attribute change event', async () => {
    const id = await ticketIn('pending');
    const before = (await h.control('GET', '/acme/events')).body.length;
    const t = (await tt('GET', `/troubleTicket/${id}`)).body;
    const res = await tt('PATCH', `/troubleTicket/${id}`, { note: [...(t.note ?? []), buyerNote('answer-1', 'Here is the info')] });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('inProgress');
    const events = (await h.control('GET', '/acme/events')).body.slice(before);
    expect(events.map((e: { eventType: string }) => e.eventType)).toEqual(['troubleTicketStatusChangeEvent']);
  });

  it('refuses a priority, severity, issueStartDate or relatedIssue change without a new Buyer note (R42)', async () => {
    const { id } = await createTicket();
    for (const change of [{ priority: 'critical' }, { severity: 'minor' }, { issueStartDate: '2026-01-01T00:00:00Z' }]) {
      const res = await tt('PATCH', `/troubleTicket/${id}`, change);
      expect(res.status).toBe(422);
      expect(res.body).toContainEqual(expect.objectContaining({ code: 'missingProperty', propertyPath: '/note' }));
    }
    const withNote = await tt('PATCH', `/troubleTicket/${id}`, { priority: 'critical', note: [buyerNote('why-1', 'Whole site down now')] });
    expect(withNote.status).toBe(200);
    expect(withNote.body.priority).toBe('critical');
    expect(withNote.body.sellerPriority).toBe('high');
  });

  it('keeps notes and attachments append-only', async () => {
    const { id } = await createTicket({ note: [buyerNote('keep-1')] });
    await h.control('POST', `/acme/tickets/${id}/notes`, { text: 'Seller looked at it' });
    await h.control('POST', `/acme/tickets/${id}/attachments`, { name: 'report.pdf', url: 'https://acme.example/r.pdf' });
    const t = (await tt('GET', `/troubleTicket/${id}`)).body;
    expect(t.note).toHaveLength(2);

    const dropped = await tt('PATCH', `/troubleTicket/${id}`, { note: [t.note[0]] });
    expect(dropped.status).toBe(422);
    expect(dropped.body[0].propertyPath).toBe('/note');

    const changed = await tt('PATCH', `/troubleTicket/${id}`, { note: [{ ...t.note[0], text: 'rewritten' }, t.note[1]] });
    expect(changed.status).toBe(422);
    expect(changed.body[0].propertyPath).toBe('/note/0');

    const sellerSourced = await tt('PATCH', `/troubleTicket/${id}`, { note: [...t.note, { ...buyerNote('fake'), source: 'seller' }] });
    expect(sellerSourced.status).toBe(422);
    expect(sellerSourced.body[0].propertyPath).toBe('/note/2/source');

    const attachmentDropped = await tt('PATCH', `/troubleTicket/${id}`, { attachment: [] });
    expect(attachmentDropped.status).toBe(422);
    expect(attachmentDropped.body[0].propertyPath).toBe('/attachment');

    const appended = await tt('PATCH', `/troubleTicket/${id}`, {
      note: [...t.note, buyerNote('keep-2')],
      attachment: [...t.attachment, { author: 'Rita', creationDate: new Date().toISOString(), name: 'more.log', source: 'buyer', url: 'https://b.example/more.log' }],
    });
    expect(appended.status).toBe(200);
    expect(appended.body.note).toHaveLength(3);
    expect(appended.body.attachment).toHaveLength(2);
    expect((await tt('GET', `/troubleTicket/${id}`)).body.note).toHaveLength(3);
  });

  it('lets the Buyer replace its contacts but not the Seller ticket contact', async () => {
    const { id, relatedContactInformation } = await createTicket();
    const sellerContact = relatedContactInformation.at(-1);
    const withoutSeller = await tt('PATCH', `/troubleTicket/${id}`, { relatedContactInformation: [reporter] });
    expect(withoutSeller.status).toBe(422);
    expect(withoutSeller.body[0].propertyPath).toBe('/relatedContactInformation');
    const tech = { name: 'Tina Tech', number: '+44 1', emailAddress: 'tina@buyer.example', role: 'buyerTechnicalContact' };
    const ok = await tt('PATCH', `/troubleTicket/${id}`, { relatedContactInformation: [reporter, tech, sellerContact] });
    expect(ok.status).toBe(200);
    expect(ok.body.relatedContactInformation).toEqual([reporter, tech, sellerContact]);
  });

  it('protects Seller-sourced related issues', async () => {
    const incident = await h.control('POST', '/acme/incidents', {
      description: 'Fibre cut', productIds: [PRODUCT], impact: 'down', incidentType: 'repair', priority: 'high', severity: 'extensive',
    });
    expect(incident.status).toBe(201);
    const { id } = await createTicket();
    await h.control('POST', `/acme/tickets/${id}/related-issues`, { referredType: 'Incident', id: incident.body.id });
    const res = await tt('PATCH', `/troubleTicket/${id}`, { relatedIssue: [], note: [buyerNote('ri-1')] });
    expect(res.status).toBe(422);
    expect(res.body).toContainEqual(expect.objectContaining({ propertyPath: '/relatedIssue' }));
  });

  it('rejects an empty patch and a schema-invalid patch without storing anything', async () => {
    const { id } = await createTicket();
    expect((await tt('PATCH', `/troubleTicket/${id}`, {})).status).toBe(422);
    const bad = await tt('PATCH', `/troubleTicket/${id}`, { observedImpact: 'sideways', externalId: 'should-not-stick' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContainEqual(expect.objectContaining({ propertyPath: '/observedImpact', code: 'invalidValue' }));
    expect((await tt('GET', `/troubleTicket/${id}`)).body.externalId).toBe('BUY-1');
  });
});

describe('list trouble tickets', () => {
  let ids: string[] = [];
  beforeAll(async () => {
    ids = [];
    for (let i = 0; i < 5; i++) {
      const t = await createTicket({ externalId: `LIST-${i}`, priority: i % 2 ? 'low' : 'medium', ticketType: i === 4 ? 'information' : 'assistance' }, 'globex', 'globex-prod-sdwan-103');
      ids.push(t.id);
    }
  });
  const list = (q: string) => h.mef('globex', 'troubleTicket', 'GET', `/troubleTicket${q}`);

  it('pages with offset and limit and reports the counts', async () => {
    const first = await list('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(2);
    expect(first.headers.get('x-total-count')).toBe('5');
    expect(first.headers.get('x-result-count')).toBe('2');
    expect(first.headers.get('x-pagination-throttled')).toBe('false');
    const last = await list('?offset=4&limit=2');
    expect(last.body).toHaveLength(1);
    expect(last.headers.get('x-result-count')).toBe('1');
    const all = [...first.body, ...(await list('?offset=2&limit=2')).body, ...last.body].map((t: { id: string }) => t.id);
    expect(new Set(all)).toEqual(new Set(ids));
    const beyond = await list('?offset=10');
    expect(beyond.body).toEqual([]);
    expect(validateResponse(troubleTicketSpec, 'listTroubleTicket', 200, first.body)).toEqual([]);
  });

  it('caps an oversized page and says so', async () => {
    const res = await list('?limit=1000');
    expect(res.headers.get('x-pagination-throttled')).toBe('true');
  });

  it('filters by every attribute', async () => {
    expect((await list('?externalId=LIST-3')).body.map((t: { id: string }) => t.id)).toEqual([ids[3]]);
    expect((await list('?priority=low')).body).toHaveLength(2);
    expect((await list('?sellerPriority=medium')).body).toHaveLength(3);
    expect((await list('?severity=significant')).body).toHaveLength(5);
    expect((await list('?sellerSeverity=minor')).body).toHaveLength(0);
    expect((await list('?ticketType=information')).body).toHaveLength(1);
    expect((await list('?observedImpact=down')).body).toHaveLength(5);
    expect((await list('?relatedEntityId=globex-prod-sdwan-103')).body).toHaveLength(5);
    expect((await list('?relatedEntityId=globex-prod-sdwan-103&relatedEntityType=Service')).body).toHaveLength(0);
    await h.control('POST', `/globex/tickets/${ids[0]}/status`, { status: 'inProgress' });
    await h.control('POST', `/globex/tickets/${ids[0]}/resolve`, { text: 'Fixed' });
    expect((await list('?status=resolved')).body.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    const now = Date.now();
    const past = new Date(now - 3_600_000).toISOString();
    const future = new Date(now + 3_600_000).toISOString();
    expect((await list(`?creationDate.gt=${past}&creationDate.lt=${future}`)).body).toHaveLength(5);
    expect((await list(`?creationDate.gt=${future}`)).body).toHaveLength(0);
    expect((await list(`?resolutionDate.gt=${past}`)).body).toHaveLength(1);
    expect((await list(`?resolutionDate.lt=${past}`)).body).toHaveLength(0);
    expect((await list(`?expectedResolutionDate.gt=${past}`)).body).toHaveLength(5);
    expect((await list(`?expectedResolutionDate.lt=${past}`)).body).toHaveLength(0);
  });

  it('answers 400 invalidQuery to bad or unknown query parameters', async () => {
    for (const q of ['?limit=abc', '?status=broken', '?creationDate.gt=yesterday', '?createdAfter=2020-01-01T00:00:00Z', '?offset=-1', '?limit=0']) {
      const res = await list(q);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('invalidQuery');
    }
  });
});
