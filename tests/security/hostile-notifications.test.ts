import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { inbox, tickets } from '@/db/schema';
import { POST as ticketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { signListenerToken } from '@/lib/listener/listener-auth';
import { revokeListenerCredentials, rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { LISTENER_BODY_MAX_BYTES } from '@/lib/listener/receive';
import { startInboxWorker, type InboxWorker } from '@/lib/sync/inbox-worker';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { usePortalTestEnv } from '../support/portal-env';
import { startDocumentSeller, ticketDoc, type DocumentSeller } from '../unit/notifications/fake-seller';
import { insertSeller } from '../unit/notifications/support';

const STATUS = 'troubleTicketStatusChangeEvent';
const RESOLVED = 'troubleTicketResolvedEvent';

let acme: DocumentSeller;
let globex: DocumentSeller;
let decoy: http.Server;
let decoyHits: string[] = [];
let decoyOrigin: string;
let acmeToken: string;
let globexToken: string;
let acmeCredentialId: number;
let worker: InboxWorker;
let sequence = 0;

function envelope(eventType: string, id: unknown, eventId = `evt-${++sequence}`, eventTime = new Date().toISOString()) {
  return { eventId, eventTime, eventType, event: { id } };
}

function listen(opts: { slug?: string; eventType?: string; version?: string; token?: string | null; body?: BodyInit; headers?: Record<string, string> }) {
  const slug = opts.slug ?? 'acme';
  const eventType = opts.eventType ?? STATUS;
  const version = opts.version ?? 'v4';
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8', ...opts.headers };
  const token = opts.token === undefined ? acmeToken : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = opts.body ?? JSON.stringify(envelope(eventType, 'TT-1'));
  const request = new Request(`http://127.0.0.1:3000/sellers/${slug}/mefApi/sonata/troubleTicketNotification/${version}/listener/${eventType}`, {
    method: 'POST',
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return ticketListener(request, { params: Promise.resolve({ slug, version, eventType }) });
}

async function inboxRows() {
  return getDb().select().from(inbox).all();
}

function forge(claims: Record<string, unknown>, header: Record<string, unknown>, key: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

beforeAll(async () => {
  usePortalTestEnv();
  acme = await startDocumentSeller('acme');
  globex = await startDocumentSeller('globex');
  decoy = http.createServer((req, res) => {
    decoyHits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
  decoyOrigin = `http://127.0.0.1:${(decoy.address() as AddressInfo).port}`;
  const acmeRow = await insertSeller('acme', acme.origin);
  const globexRow = await insertSeller('globex', globex.origin);
  const a = await rotateListenerCredential(acmeRow);
  const g = await rotateListenerCredential(globexRow);
  acmeCredentialId = a.credential.id;
  acmeToken = signListenerToken({ sellerSlug: 'acme', credentialId: a.credential.id, scopes: [...LISTENER_SCOPES] }).token;
  globexToken = signListenerToken({ sellerSlug: 'globex', credentialId: g.credential.id, scopes: [...LISTENER_SCOPES] }).token;
  worker = startInboxWorker({ pollMs: 20, backoff: { baseMs: 10, maxMs: 40 }, maxPermanentFailures: 2 });
});

afterAll(async () => {
  await worker?.stop();
  await acme?.close();
  await globex?.close();
  decoy?.closeAllConnections();
  await new Promise<void>((resolve) => decoy?.close(() => resolve()));
});

describe('forged, foreign and stale credentials', () => {
  it.each([
    ['no token', () => null, 401, 'missingCredentials'],
    ['a Basic header', () => 'x', 401, 'invalidCredentials'],
    ['a token signed with another key', () => forge({ iss: 'http://127.0.0.1:3000', aud: 'sonata-listeners', sub: 'acme', cid: acmeCredentialId, scope: LISTENER_SCOPES.join(' '), iat: 0, exp: 4e9, jti: 'x' }, { alg: 'HS256', typ: 'JWT' }, 'guessed-secret'), 401, 'invalidCredentials'],
    ['an unsigned token (alg none)', () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${acmeToken.split('.')[1]}.`, 401, 'invalidCredentials'],
    ['an expired token', () => signListenerToken({ sellerSlug: 'acme', credentialId: acmeCredentialId, scopes: [...LISTENER_SCOPES] }, Math.floor(Date.now() / 1000) - 3600).token, 401, 'invalidCredentials'],
    ['another Seller’s token', () => globexToken, 403, 'accessDenied'],
    ['a token without this listener’s scope', () => signListenerToken({ sellerSlug: 'acme', credentialId: acmeCredentialId, scopes: [`listenTo${RESOLVED[0]!.toUpperCase()}${RESOLVED.slice(1)}`] }).token, 403, 'accessDenied'],
  ])('%s: refused with its MEF error and nothing stored or fetched', async (_what, token, status, code) => {
    const before = acme.gets.length;
    const bearer = token();
    const res = bearer === 'x'
      ? await listen({ token: null, headers: { authorization: `Basic ${Buffer.from('acme:secret').toString('base64')}` } })
      : await listen({ token: bearer });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ code, reason: expect.any(String) });
    expect(await inboxRows()).toHaveLength(0);
    await worker.idle();
    expect(acme.gets.length).toBe(before);
  });
});

describe('bodies that are not events for this listener', () => {
  const refused = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
    expect(await inboxRows()).toHaveLength(0);
  };

  it('refuses malformed JSON, non-JSON media types and schema breaks with 400 invalidBody', async () => {
    await refused(await listen({ body: '{"eventId":' }), 400, 'invalidBody');
    await refused(await listen({ body: 'eventId=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 'invalidBody');
    await refused(await listen({ body: JSON.stringify({ eventId: 'e', eventType: STATUS }) }), 400, 'invalidBody');
    await refused(await listen({ body: JSON.stringify({ ...envelope(STATUS, 'TT-1'), eventTime: 'yesterday' }) }), 400, 'invalidBody');
    await refused(await listen({ body: JSON.stringify(envelope(STATUS, 42)) }), 400, 'invalidBody');
    await refused(await listen({ body: JSON.stringify([envelope(STATUS, 'TT-1')]) }), 400, 'invalidBody');
    await refused(await listen({ body: '\xff\xfe{}' }), 400, 'invalidBody');
  });

  it('refuses an event whose type is not this listener’s, and listeners that do not exist with 404', async () => {
    await refused(await listen({ body: JSON.stringify(envelope(RESOLVED, 'TT-1')) }), 400, 'invalidBody');
    await refused(await listen({ eventType: 'troubleTicketDeleteEvent', body: JSON.stringify(envelope('troubleTicketDeleteEvent', 'TT-1')) }), 404, 'notFound');
    await refused(await listen({ eventType: '..%2F..%2Foauth2', body: JSON.stringify(envelope(STATUS, 'TT-1')) }), 404, 'notFound');
    await refused(await listen({ version: 'v9' }), 404, 'notFound');
  });

  it('refuses oversized bodies, declared or chunked, without reading them to the end', async () => {
    const padded = JSON.stringify({ ...envelope(STATUS, 'TT-1'), padding: 'x'.repeat(LISTENER_BODY_MAX_BYTES) });
    await refused(await listen({ body: padded }), 400, 'invalidBody');
    let pulled = 0;
    const chunk = new TextEncoder().encode(' '.repeat(32 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    await refused(await listen({ body: endless }), 400, 'invalidBody');
    expect(pulled).toBeLessThan(10);
  });

  it.each([['..'], ['.'], [''], ['   '], ['line\nbreak'], ['x'.repeat(300)]])('refuses event.id %j', async (id) => {
    await refused(await listen({ body: JSON.stringify(envelope(STATUS, id)) }), 400, 'invalidBody');
  });
});

describe('ids that look like paths or URLs', () => {
  it.each([['../x'], ['%2F'], ['a/b?c=d#e'], [`${'http'}://DECOY/steal`], ['//DECOY/x']])(
    'event.id %j is fetched only from the registered Seller, encoded as one path segment',
    async (template) => {
      const id = template.replace('DECOY', decoyOrigin.replace('http://', ''));
      acme.docs.troubleTicket.set(id, ticketDoc(id, 'inProgress', '2026-11-27T10:00:00.000Z'));
      const res = await listen({ body: JSON.stringify(envelope(STATUS, id)) });
      expect(res.status).toBe(204);
      await worker.idle();
      const row = await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, id)).get();
      expect(row?.status).toBe('inProgress');
      const path = acme.gets.at(-1)!;
      expect(path).toBe(`/acme/mefApi/sonata/troubleTicket/v4/troubleTicket/${encodeURIComponent(id)}`);
      expect(decoyHits).toEqual([]);
      expect(globex.gets).toEqual([]);
    },
  );
});

describe('duplicates, replays and order', () => {
  it('stores an event sent many times in parallel and later again once, and fetches once', async () => {
    acme.docs.troubleTicket.set('TT-DUP', ticketDoc('TT-DUP', 'acknowledged', '2026-11-27T09:00:00.000Z'));
    const body = JSON.stringify(envelope(STATUS, 'TT-DUP', 'evt-dup'));
    const answers = await Promise.all(Array.from({ length: 25 }, () => listen({ body })));
    expect(answers.map((r) => r.status)).toEqual(Array(25).fill(204));
    await worker.idle();
    const fetches = acme.gets.filter((g) => g.endsWith('/TT-DUP')).length;
    expect(fetches).toBe(1);
    expect((await listen({ body })).status).toBe(204);
    await worker.idle();
    expect((await inboxRows()).filter((r) => r.eventId === 'evt-dup')).toHaveLength(1);
    expect(acme.gets.filter((g) => g.endsWith('/TT-DUP')).length).toBe(1);
  });

  it('ends on the Seller’s latest state when the newer event arrives first', async () => {
    acme.docs.troubleTicket.set('TT-ORD', ticketDoc('TT-ORD', 'resolved', '2026-11-27T12:00:00.000Z'));
    expect((await listen({ eventType: RESOLVED, body: JSON.stringify(envelope(RESOLVED, 'TT-ORD', 'evt-new', '2026-11-27T12:00:00.000Z')) })).status).toBe(204);
    await worker.idle();
    expect((await listen({ body: JSON.stringify(envelope(STATUS, 'TT-ORD', 'evt-old', '2026-11-27T10:00:00.000Z')) })).status).toBe(204);
    await worker.idle();
    const rows = await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, 'TT-ORD')).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('resolved');
    const events = (await inboxRows()).filter((r) => r.resourceId === 'TT-ORD');
    expect(events.map((e) => e.state)).toEqual(['done', 'done']);
  });

  it('a Seller naming another Seller’s ticket reaches only its own registry entry', async () => {
    globex.docs.troubleTicket.set('TT-G', ticketDoc('TT-G', 'inProgress', '2026-11-27T10:00:00.000Z'));
    expect((await listen({ body: JSON.stringify(envelope(STATUS, 'TT-G')) })).status).toBe(204);
    await worker.idle();
    expect(globex.gets).toEqual([]);
    expect(acme.gets.at(-1)).toMatch(/\/acme\/.*\/TT-G$/);
    // acme does not have it: the event is given up after the permanent failures, nothing is cached.
    await new Promise((r) => setTimeout(r, 200));
    await worker.idle();
    expect(await getDb().select().from(tickets).where(eq(tickets.sellerTicketId, 'TT-G')).all()).toHaveLength(0);
    expect((await inboxRows()).find((r) => r.resourceId === 'TT-G')?.state).toBe('failed');
  });

  it('a revoked credential’s token stops at once, even for a known event', async () => {
    const acmeRow = (await getDb().query.sellers.findFirst({ where: (s, { eq: is }) => is(s.slug, 'acme') }))!;
    const before = (await inboxRows()).length;
    await revokeListenerCredentials(acmeRow.id);
    const res = await listen({ body: JSON.stringify(envelope(STATUS, 'TT-1', 'evt-after-revoke')) });
    expect(res.status).toBe(401);
    expect((await inboxRows()).length).toBe(before);
  });
});
