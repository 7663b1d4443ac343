import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { troubleTicketClient, workOrderClient } from '@/lib/sonata/client';
import {
  SonataHttpError,
  SonataNetworkError,
  SonataProtocolError,
  SonataTimeoutError,
  isRetryable,
  parseRetryAfter,
  pointerToFieldPath,
  sonataErrorKind,
} from '@/lib/sonata/errors';
import { TokenCache } from '@/lib/sonata/token-cache';
import { closedPort, json, startFakeSeller, type FakeSeller } from './fake-seller';

let seller: FakeSeller;
let tokenCache: TokenCache;

beforeEach(async () => {
  seller = await startFakeSeller();
  tokenCache = new TokenCache();
});
afterEach(async () => {
  await seller.close();
});

const client = (timeoutMs = 5000) => troubleTicketClient(seller.connection({ timeoutMs }), { tokenCache });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('HTTP error classification', () => {
  const cases = [
    { status: 400, code: 'invalidQuery', flag: 'isBadRequest', retryable: false },
    { status: 403, code: 'accessDenied', flag: 'isForbidden', retryable: false },
    { status: 404, code: 'notFound', flag: 'isNotFound', retryable: false },
    { status: 409, code: 'conflict', flag: 'isConflict', retryable: false },
    { status: 500, code: 'internalError', flag: 'isInternalError', retryable: true },
    { status: 501, code: 'notImplemented', flag: 'isNotImplemented', retryable: false },
  ] as const;
  const flags = ['isBadRequest', 'isUnauthorized', 'isForbidden', 'isNotFound', 'isConflict', 'isUnprocessable', 'isInternalError', 'isNotImplemented', 'isTooManyRequests'] as const;

  for (const c of cases) {
    it(`${c.status} ${c.code}`, async () => {
      seller.setHandler((_req, res) => json(res, c.status, { code: c.code, reason: `reason ${c.status}`, message: `message ${c.status}` }));
      const err = await failure(client().retrieveIncident('in-1'));
      expect(err).toBeInstanceOf(SonataHttpError);
      const e = err as SonataHttpError;
      expect(e).toMatchObject({ kind: 'http', status: c.status, code: c.code, reason: `reason ${c.status}`, message: `message ${c.status}` });
      expect(e.operationId).toBe('retrieveIncident');
      expect(e.sellerSlug).toBe('acme');
      expect(e.url).toContain('/incident/in-1');
      for (const flag of flags) expect(e[flag]).toBe(flag === c.flag);
      expect(e.retryable).toBe(c.retryable);
      expect(isRetryable(e)).toBe(c.retryable);
      expect(e.isServerError).toBe(c.status >= 500);
    });
  }

  it('401 twice is an unauthorized error', async () => {
    seller.setHandler((_req, res) => json(res, 401, { code: 'missingCredentials', reason: 'who are you' }));
    const err = (await failure(client().listTroubleTicket())) as SonataHttpError;
    expect(err).toMatchObject({ status: 401, isUnauthorized: true, retryable: false, code: 'missingCredentials' });
  });

  it('uses reason as the message when the Seller gives no message', async () => {
    seller.setHandler((_req, res) => json(res, 404, { code: 'notFound', reason: 'ticket unknown' }));
    const err = (await failure(client().retrieveTroubleTicket('nope'))) as SonataHttpError;
    expect(err.message).toBe('ticket unknown');
  });

  it('maps 422 property paths to field errors', async () => {
    seller.setHandler((_req, res) =>
      json(res, 422, [
        { code: 'invalidFormat', reason: 'bad email', message: 'Not an email address', propertyPath: '/relatedContactInformation/0/emailAddress' },
        { code: 'missingProperty', reason: 'note text missing', propertyPath: '/note/2/text' },
        { code: 'invalidValue', reason: 'another problem with the email', propertyPath: '/relatedContactInformation/0/emailAddress' },
        { code: 'otherIssue', reason: 'ticket is closed' },
      ]),
    );
    const err = (await failure(client().patchTroubleTicket('tt-1', { externalId: 'x' }))) as SonataHttpError;
    expect(err).toBeInstanceOf(SonataHttpError);
    expect(err).toMatchObject({ status: 422, isUnprocessable: true, code: 'invalidFormat', retryable: false });
    expect(err.items).toHaveLength(4);
    expect(err.fieldErrors).toEqual({
      'relatedContactInformation.0.emailAddress': ['Not an email address', 'another problem with the email'],
      'note.2.text': ['note text missing'],
    });
    expect(err.formErrors).toEqual(['ticket is closed']);
  });

  it('429 and 503 are retryable and carry Retry-After', async () => {
    seller.setHandler((_req, res) => json(res, 429, { code: 'tooManyUsers', reason: 'slow down' }, { 'Retry-After': '7' }));
    const tooMany = (await failure(client().listTroubleTicket())) as SonataHttpError;
    expect(tooMany).toMatchObject({ status: 429, isTooManyRequests: true, retryable: true, retryAfterMs: 7000 });

    seller.setHandler((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/html', 'Retry-After': '2' });
      res.end('<html>maintenance</html>');
    });
    const unavailable = (await failure(client().listTroubleTicket())) as SonataHttpError;
    expect(unavailable).toMatchObject({ status: 503, retryable: true, retryAfterMs: 2000, code: undefined, body: '<html>maintenance</html>' });
    expect(unavailable.message).toMatch(/HTTP 503/);
  });

  it('a 502 without a body is still an HTTP error, retryable', async () => {
    seller.setHandler((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const err = (await failure(client().retrieveTroubleTicket('tt-1'))) as SonataHttpError;
    expect(err).toBeInstanceOf(SonataHttpError);
    expect(err).toMatchObject({ status: 502, retryable: true, items: [] });
  });
});

describe('transport failures', () => {
  it('connection refused is a retryable network error', async () => {
    const port = await closedPort();
    const conn = seller.connection();
    conn.baseUrls.troubleTicket = `http://127.0.0.1:${port}/acme/mefApi/sonata/troubleTicket/v4`;
    const err = await failure(troubleTicketClient(conn, { tokenCache }).listTroubleTicket());
    expect(err).toBeInstanceOf(SonataNetworkError);
    expect(err).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', isConnectionRefused: true, retryable: true, operationId: 'listTroubleTicket' });
    expect(sonataErrorKind(err)).toBe('network');
  });

  it('a connection reset mid-request is a retryable network error', async () => {
    seller.setHandler((_req, res) => res.socket?.destroy());
    const err = await failure(client().listTroubleTicket());
    expect(err).toBeInstanceOf(SonataNetworkError);
    expect(err).toMatchObject({ retryable: true, isConnectionRefused: false });
  });

  it('no answer within the timeout is a retryable timeout error, not a network error', async () => {
    seller.setHandler(() => {
      // never answers
    });
    const err = await failure(client(150).retrieveTroubleTicket('tt-1'));
    expect(err).toBeInstanceOf(SonataTimeoutError);
    expect(err).not.toBeInstanceOf(SonataNetworkError);
    expect(err).toMatchObject({ kind: 'timeout', timeoutMs: 150, retryable: true });
  });

  it('a body that stalls after the headers also times out', async () => {
    seller.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"id": "tt-1", ');
    });
    const err = await failure(client(150).retrieveTroubleTicket('tt-1'));
    expect(err).toBeInstanceOf(SonataTimeoutError);
  });
});

describe('protocol errors on success', () => {
  const answer = (status: number, text: string) =>
    seller.setHandler((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
      res.end(text);
    });

  it('malformed JSON', async () => {
    answer(200, '{"id": "tt-1", "status": ');
    const err = await failure(client().retrieveTroubleTicket('tt-1'));
    expect(err).toBeInstanceOf(SonataProtocolError);
    expect(err).toMatchObject({ kind: 'protocol', status: 200, retryable: false, issues: ['body is not valid JSON'] });
    expect(isRetryable(err)).toBe(false);
    expect(sonataErrorKind(err)).toBe('protocol');
  });

  it('an entity without an id', async () => {
    answer(201, '{"status": "acknowledged"}');
    await expect(client().registerListener({ callback: 'http://cb' })).rejects.toMatchObject({ kind: 'protocol', issues: ['body has no string id'] });
  });

  it('a list that is not an array', async () => {
    answer(200, '{"items": []}');
    await expect(client().listTroubleTicket()).rejects.toMatchObject({ kind: 'protocol', issues: ['body is not an array'] });
  });

  it('list items that are not entities', async () => {
    answer(200, '[{"id": "a"}, 42]');
    await expect(client().listIncident()).rejects.toMatchObject({ kind: 'protocol', issues: ['item 1 is not an object'] });
  });

  it('a work order list that is neither an array nor an entity', async () => {
    answer(200, '"wo-1"');
    await expect(workOrderClient(seller.connection(), { tokenCache }).listWorkOrder()).rejects.toBeInstanceOf(SonataProtocolError);
  });

  it('an empty body where the API defines one', async () => {
    answer(201, '');
    await expect(client().createTroubleTicket({} as never)).rejects.toMatchObject({ kind: 'protocol', issues: ['empty body where the API defines one'] });
  });

  it('a body on a 204 operation is ignored', async () => {
    answer(200, 'not json at all');
    await expect(client().cancelTroubleTicket('tt-1')).resolves.toBeUndefined();
  });
});

describe('helpers', () => {
  it('turns JSON pointers into field paths', () => {
    expect(pointerToFieldPath('/relatedContactInformation/0/emailAddress')).toBe('relatedContactInformation.0.emailAddress');
    expect(pointerToFieldPath('/a~1b/c~0d')).toBe('a/b.c~d');
    expect(pointerToFieldPath('#/note/1/text')).toBe('note.1.text');
    expect(pointerToFieldPath('#/weird%20key')).toBe('weird key');
    expect(pointerToFieldPath('validFor.startDateTime')).toBe('validFor.startDateTime');
    expect(pointerToFieldPath('$.validFor')).toBe('validFor');
    expect(pointerToFieldPath('')).toBe('');
  });

  it('reads Retry-After as seconds or a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('only Sonata errors are retryable', () => {
    expect(isRetryable(new Error('boom'))).toBe(false);
    expect(isRetryable('text')).toBe(false);
    expect(sonataErrorKind(new Error('boom'))).toBe('unknown');
    expect(isRetryable(new SonataHttpError({ status: 504, body: undefined }))).toBe(true);
    expect(isRetryable(new SonataHttpError({ status: 422, body: [] }))).toBe(false);
  });

  it('reads a lone 422 object as one item', () => {
    const err = new SonataHttpError({ status: 422, body: { code: 'invalidValue', reason: 'bad', propertyPath: '/severity' } });
    expect(err.fieldErrors).toEqual({ severity: ['bad'] });
  });
});
