import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SonataHttpError, SonataNetworkError, SonataProtocolError } from '@/lib/sonata/errors';
import { TokenCache, scopeFor, tokenRequestFor, type TokenRequest } from '@/lib/sonata/token-cache';
import { closedPort, json, startFakeSeller, type FakeSeller } from './fake-seller';

let seller: FakeSeller;
let clock: number;
let cache: TokenCache;

beforeEach(async () => {
  seller = await startFakeSeller();
  clock = 1_000_000;
  cache = new TokenCache({ now: () => clock });
});
afterEach(async () => {
  await seller.close();
});

const request = (overrides: Partial<TokenRequest> = {}): TokenRequest => ({
  sellerSlug: 'acme',
  tokenUrl: `${seller.origin}/oauth2/token`,
  clientId: 'buyer-client',
  clientSecret: 'buyer-secret',
  scope: 'createTroubleTicket',
  timeoutMs: 5000,
  ...overrides,
});

describe('TokenCache', () => {
  it('posts a form-encoded client-credentials grant and reuses the token', async () => {
    expect(await cache.getToken(request())).toBe('tok-1');
    expect(await cache.getToken(request())).toBe('tok-1');
    expect(seller.tokenRequests).toHaveLength(1);
    const [first] = seller.tokenRequests;
    expect(first?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(first?.form ?? [])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'buyer-client',
      client_secret: 'buyer-secret',
      scope: 'createTroubleTicket',
    });
  });

  it('keeps one token per scope, client and Seller', async () => {
    expect(await cache.getToken(request())).toBe('tok-1');
    expect(await cache.getToken(request({ scope: 'listTroubleTicket' }))).toBe('tok-2');
    expect(await cache.getToken(request({ scope: undefined }))).toBe('tok-3');
    expect(await cache.getToken(request({ sellerSlug: 'globex' }))).toBe('tok-4');
    expect(await cache.getToken(request({ clientId: 'other' }))).toBe('tok-5');
    expect(await cache.getToken(request({ scope: 'listTroubleTicket' }))).toBe('tok-2');
    expect(seller.tokenRequests[2]?.form.has('scope')).toBe(false);
  });

  it('renews 30 s before expiry', async () => {
    seller.state.tokenLifetimeSeconds = 120;
    expect(await cache.getToken(request())).toBe('tok-1');
    clock += 89_000;
    expect(await cache.getToken(request())).toBe('tok-1');
    clock += 2_000;
    expect(await cache.getToken(request())).toBe('tok-2');
    expect(seller.tokenRequests).toHaveLength(2);
  });

  it('renews a short-lived token at half its lifetime', async () => {
    seller.state.tokenLifetimeSeconds = 10;
    expect(await cache.getToken(request())).toBe('tok-1');
    clock += 4_900;
    expect(await cache.getToken(request())).toBe('tok-1');
    clock += 200;
    expect(await cache.getToken(request())).toBe('tok-2');
  });

  it('assumes a default lifetime when expires_in is missing', async () => {
    seller.state.tokenLifetimeSeconds = undefined;
    const cache2 = new TokenCache({ now: () => clock, defaultLifetimeMs: 60_000 });
    expect(await cache2.getToken(request())).toBe('tok-1');
    clock += 29_000;
    expect(await cache2.getToken(request())).toBe('tok-1');
    clock += 2_000;
    expect(await cache2.getToken(request())).toBe('tok-2');
  });

  it('shares one in-flight fetch among concurrent callers', async () => {
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => cache.getToken(request())));
    expect(tokens).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-1', 'tok-1']);
    expect(seller.tokenRequests).toHaveLength(1);
  });

  it('invalidate forgets the token; a stale rejection does not evict a newer one', async () => {
    expect(await cache.getToken(request())).toBe('tok-1');
    cache.invalidate(request());
    expect(await cache.getToken(request())).toBe('tok-2');
    cache.invalidate(request(), 'tok-1');
    expect(await cache.getToken(request())).toBe('tok-2');
    cache.invalidate(request(), 'tok-2');
    expect(await cache.getToken(request())).toBe('tok-3');
  });

  it('reports an OAuth error from the token endpoint as a non-retryable HTTP error and caches nothing', async () => {
    seller.state.tokenAnswer = (res) => json(res, 401, { error: 'invalid_client', error_description: 'unknown client' });
    const err = await cache.getToken(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SonataHttpError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_client', reason: 'unknown client', retryable: false, operationId: 'oauth2Token' });
    seller.state.tokenAnswer = undefined;
    expect(await cache.getToken(request())).toBe('tok-1');
  });

  it('reports a 503 from the token endpoint as retryable', async () => {
    seller.state.tokenAnswer = (res) => {
      res.writeHead(503, { 'Retry-After': '4' });
      res.end('busy');
    };
    const err = await cache.getToken(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SonataHttpError);
    expect(err).toMatchObject({ status: 503, retryable: true, retryAfterMs: 4000 });
  });

  it('treats a token answer that is not JSON or has no access_token as a protocol error', async () => {
    seller.state.tokenAnswer = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"access_token": ');
    };
    await expect(cache.getToken(request())).rejects.toBeInstanceOf(SonataProtocolError);
    seller.state.tokenAnswer = (res) => json(res, 200, { token_type: 'Bearer', expires_in: 60 });
    await expect(cache.getToken(request())).rejects.toThrow(/no access_token/);
  });

  it('reports an unreachable token endpoint as a network error', async () => {
    const port = await closedPort();
    const err = await cache.getToken(request({ tokenUrl: `http://127.0.0.1:${port}/oauth2/token` })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SonataNetworkError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
  });
});

describe('scope per connection mode', () => {
  it('names the operation, a fixed scope, or none', () => {
    const conn = seller.connection();
    expect(scopeFor(conn, 'patchTroubleTicket')).toBe('patchTroubleTicket');
    expect(scopeFor(seller.connection({}, { scopeMode: 'fixed', fixedScope: 'sonata' }), 'patchTroubleTicket')).toBe('sonata');
    expect(scopeFor(seller.connection({}, { scopeMode: 'none' }), 'patchTroubleTicket')).toBeUndefined();
    expect(tokenRequestFor(conn, 'listIncident')).toMatchObject({
      sellerSlug: 'acme',
      clientId: 'buyer-client',
      clientSecret: 'buyer-secret',
      scope: 'listIncident',
      timeoutMs: 5000,
    });
  });
});
