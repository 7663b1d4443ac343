import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox } from '@/db/schema';
import { POST as troubleTicketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { signListenerToken } from '@/lib/listener/listener-auth';
import { listenerTargetOf } from '@/lib/listener/node-listener';
import { LISTENER_BODY_MAX_BYTES } from '@/lib/listener/receive';
import { installRequestHooks } from '@/lib/server/request-hooks';
import { PEER_ADDRESS_HEADER } from '@/lib/security/peer-address';
import { rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { usePortalTestEnv } from '../../support/portal-env';
import { event, insertSeller } from './support';

const TYPE = 'troubleTicketStatusChangeEvent';
const PATH = `/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/${TYPE}`;

/** Stands in for Next's handler: whatever reaches it was not taken by the server's own listener path. */
const passedOn: Array<{ method?: string; url?: string; peer?: string | string[] }> = [];
let server: http.Server;
let base: string;
let token: string;

beforeAll(async () => {
  installRequestHooks(Promise.resolve());
  server = http.createServer((req, res) => {
    passedOn.push({ method: req.method, url: req.url, peer: req.headers[PEER_ADDRESS_HEADER] });
    req.resume();
    res.writeHead(299).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(async () => {
  usePortalTestEnv();
  passedOn.length = 0;
  const acme = await insertSeller('acme');
  const credential = await rotateListenerCredential(acme);
  token = signListenerToken({ sellerSlug: 'acme', credentialId: credential.credential.id, scopes: [...LISTENER_SCOPES] }).token;
});

function headersFor(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json;charset=utf-8', authorization: `Bearer ${token}`, ...extra };
}

/** One raw HTTP call, so that nothing (fetch's own handling) stands between the test and the server's answer. */
function call(path: string, body: string | Buffer | undefined, headers: Record<string, string>, method = 'POST') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The answer of Next's route for the same call, for comparison. */
async function routeAnswer(body: string, headers: Record<string, string>, eventType = TYPE) {
  const res = await troubleTicketListener(
    new Request(`http://127.0.0.1:3000/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/${eventType}`, { method: 'POST', headers, body }),
    { params: Promise.resolve({ slug: 'acme', version: 'v4', eventType }) },
  );
  return { status: res.status, body: await res.text() };
}

const rows = () => getDb().select().from(inbox).all();

describe("the server's own listener path", () => {
  it('takes only POSTs to a well-formed listener URL and leaves the rest to Next', () => {
    expect(listenerTargetOf('POST', PATH)).toEqual({ sellerSlug: 'acme', referencePoint: 'sonata', api: 'troubleTicket', version: 'v4', eventType: TYPE });
    expect(listenerTargetOf('POST', `${PATH}?x=1`)?.eventType).toBe(TYPE);
    expect(listenerTargetOf('POST', '/sellers/acme/mefApi/cantata/workOrderNotification/v2/listener/workOrderCreateEvent')?.api).toBe('workOrder');
    for (const [method, url] of [
      ['GET', PATH],
      ['PUT', PATH],
      ['POST', `${PATH}/`],
      ['POST', PATH.replace('acme', 'ac%6De')],
      ['POST', PATH.replace('/sonata/', '/other/')],
      ['POST', PATH.replace('troubleTicketNotification', 'ticketNotification')],
      ['POST', `/x${PATH}`],
      ['POST', '/api/bench/noop'],
    ] as const) {
      expect(listenerTargetOf(method, url), `${method} ${url}`).toBeUndefined();
    }
  });

  it('stores a valid event and answers 204 with the security headers of every non-page response', async () => {
    const res = await call(PATH, JSON.stringify(event(TYPE, 'TT-1', 'e-1')), headersFor({ 'x-request-id': 'seller-req-0001' }));
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['x-request-id']).toBe('seller-req-0001');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(passedOn).toEqual([]);
    expect(rows().map((r) => [r.eventId, r.resourceId])).toEqual([['e-1', 'TT-1']]);
  });

  it("gives the same answer as Next's route to every refused call, and stores nothing", async () => {
    const valid = JSON.stringify(event(TYPE, 'TT-1'));
    const cases: Array<[string, string, Record<string, string>, string?]> = [
      ['no token', valid, headersFor({ authorization: '' })],
      ['a forged token', valid, headersFor({ authorization: `Bearer ${token.slice(0, -4)}AAAA` })],
      ['not JSON', '{"eventId": ', headersFor()],
      ['a form body', 'a=b', headersFor({ 'content-type': 'application/x-www-form-urlencoded' })],
      ['a broken event', JSON.stringify({ ...event(TYPE, 'TT-1'), eventTime: 'yesterday' }), headersFor()],
      ['another event type', JSON.stringify(event('troubleTicketCreateEvent', 'TT-1')), headersFor()],
      ['an unusable id', JSON.stringify(event(TYPE, '..')), headersFor()],
      ['no such listener', valid, headersFor(), 'troubleTicketTeleportEvent'],
    ];
    for (const [name, body, headers, eventType = TYPE] of cases) {
      const ours = await call(PATH.replace(TYPE, eventType), body, headers);
      const next = await routeAnswer(body, headers, eventType);
      expect(ours.status, name).toBe(next.status);
      expect(ours.status, name).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(ours.body), name).toEqual(JSON.parse(next.body));
      expect(ours.headers['content-type'], name).toBe('application/json;charset=utf-8');
    }
    expect(rows()).toHaveLength(0);
    expect(passedOn).toEqual([]);
  });

  it('refuses a body over the cap, declared or sent in chunks, and closes the connection instead of reading on', async () => {
    const big = JSON.stringify({ ...event(TYPE, 'TT-1'), padding: 'x'.repeat(LISTENER_BODY_MAX_BYTES) });
    const declared = await call(PATH, big, headersFor());
    expect(declared.status).toBe(400);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'invalidBody' });
    expect(declared.headers.connection).toBe('close');

    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}${PATH}`, { method: 'POST', headers: headersFor({ 'transfer-encoding': 'chunked' }) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      for (let i = 0; i < 6; i++) req.write(chunk);
    });
    expect(chunked).toBe(400);
    expect(rows()).toHaveLength(0);
  });

  it('hands every other request to Next with the peer address stamped over what the client sent', async () => {
    const res = await call(PATH, undefined, { [PEER_ADDRESS_HEADER]: '203.0.113.9' }, 'GET');
    expect(res.status).toBe(299);
    const other = await call('/api/bench/noop', '{}', headersFor());
    expect(other.status).toBe(299);
    expect(passedOn).toEqual([
      { method: 'GET', url: PATH, peer: '127.0.0.1' },
      { method: 'POST', url: '/api/bench/noop', peer: '127.0.0.1' },
    ]);
  });

  it('keeps calls that arrive while the server starts waiting until it has started', async () => {
    let finishStart!: () => void;
    installRequestHooks(new Promise<void>((resolve) => (finishStart = resolve)));
    try {
      let answered = false;
      const pending = call(PATH, JSON.stringify(event(TYPE, 'TT-2', 'e-early')), headersFor()).then((res) => {
        answered = true;
        return res;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      expect(rows()).toHaveLength(0);
      finishStart();
      expect((await pending).status).toBe(204);
      expect(rows().map((r) => r.eventId)).toEqual(['e-early']);
    } finally {
      installRequestHooks(Promise.resolve());
    }
  });
});
