import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { notificationHubs, sellers } from '@/db/schema';
import { parseEnv } from '@/lib/env';
import { sealClientSecret } from '@/lib/sellers/registry';
import { troubleTicketClient } from '@/lib/sonata/client';
import { createEgressFetch, EgressRefusedError, egressRefusal, parseEgressAllowList } from '@/lib/sonata/egress';
import { SonataEgressRefusedError, SonataProtocolError } from '@/lib/sonata/errors';
import { TokenCache } from '@/lib/sonata/token-cache';
import { registerSellerHubs } from '@/lib/sync/hub-registration';
import { closedPort, json, startFakeSeller, type FakeSeller } from '../unit/sonata/fake-seller';
import { sellerTicketBody } from '../support/ticket-body';
import { usePortalTestEnv } from '../support/portal-env';

const TT = '/acme/mefApi/sonata/troubleTicket/v4';

/** A host inside our network that a Seller would like us to call: it records every request that reaches it. */
async function startInsideHost() {
  const hits: Array<{ method: string; url: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      json(res, 200, { access_token: 'inside', id: 'TT-1' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let seller: FakeSeller;
let inside: Awaited<ReturnType<typeof startInsideHost>>;
let tokenCache: TokenCache;
const savedEnv = { allow: process.env.SELLER_EGRESS_ALLOW, cap: process.env.SELLER_RESPONSE_MAX_BYTES };

beforeEach(async () => {
  seller = await startFakeSeller();
  inside = await startInsideHost();
  tokenCache = new TokenCache();
});
afterEach(async () => {
  await seller.close();
  await inside.close();
  process.env.SELLER_EGRESS_ALLOW = savedEnv.allow;
  if (savedEnv.cap === undefined) delete process.env.SELLER_RESPONSE_MAX_BYTES;
  else process.env.SELLER_RESPONSE_MAX_BYTES = savedEnv.cap;
});

describe('one egress check for every Seller call', () => {
  it('refuses loopback by default, before any connection: no token request, no API call', async () => {
    process.env.SELLER_EGRESS_ALLOW = '';
    const tt = troubleTicketClient(seller.connection(), { tokenCache });
    const error = await tt.retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SonataEgressRefusedError);
    expect((error as Error).message).toMatch(/127\.0\.0\.1 refused: a loopback address\. Add it to SELLER_EGRESS_ALLOW/);
    expect(seller.tokenRequests).toHaveLength(0);
    expect(seller.requests).toHaveLength(0);
  });

  it('refuses a name that resolves to a refused address (checked after DNS, on the address connected to)', async () => {
    process.env.SELLER_EGRESS_ALLOW = '';
    const port = new URL(seller.origin).port;
    const conn = seller.connection({}, { tokenUrl: `http://localhost:${port}/oauth2/token` });
    const error = await troubleTicketClient(conn, { tokenCache }).retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SonataEgressRefusedError);
    expect((error as Error).message).toMatch(/localhost \((127\.0\.0\.1|::1)\) refused: a loopback address/);
    expect(seller.tokenRequests).toHaveLength(0);
  });

  it('says the same for an open and a closed internal port: no port scanning through Seller settings', async () => {
    process.env.SELLER_EGRESS_ALLOW = '';
    const open = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('x').catch((e: Error) => e.message);
    const closedOrigin = `http://127.0.0.1:${await closedPort()}`;
    process.env.SELLER_EGRESS_ALLOW = '';
    const conn = seller.connection(
      { baseUrls: { troubleTicket: `${closedOrigin}${TT}`, appointment: `${closedOrigin}/a`, workOrder: `${closedOrigin}/w` } },
      { tokenUrl: `${closedOrigin}/oauth2/token` },
    );
    const closed = await troubleTicketClient(conn, { tokenCache: new TokenCache() }).retrieveTroubleTicket('x').catch((e: Error) => e.message);
    expect(open).toBe('Outbound call to 127.0.0.1 refused: a loopback address. Add it to SELLER_EGRESS_ALLOW to permit it.');
    expect(closed).toBe(open);
  });

  it('classifies private, link-local and mapped addresses, and lets the allow-list permit exactly what it names', () => {
    const none = parseEgressAllowList('');
    expect(egressRefusal('10.1.2.3', none)).toBe('private');
    expect(egressRefusal('172.20.0.1', none)).toBe('private');
    expect(egressRefusal('192.168.1.1', none)).toBe('private');
    expect(egressRefusal('169.254.169.254', none)).toBe('link-local');
    expect(egressRefusal('fe80::1', none)).toBe('link-local');
    expect(egressRefusal('fd00::1', none)).toBe('private');
    expect(egressRefusal('::1', none)).toBe('loopback');
    expect(egressRefusal('::ffff:127.0.0.1', none)).toBe('loopback');
    expect(egressRefusal('[::ffff:7f00:1]', none)).toBe('loopback');
    expect(egressRefusal('0.0.0.0', none)).toBe('reserved');
    expect(egressRefusal('203.0.114.7', none)).toBeNull();
    expect(egressRefusal('2001:db9::1', none)).toBeNull();

    const some = parseEgressAllowList('127.0.0.1, 10.20.0.0/16');
    expect(egressRefusal('127.0.0.1', some)).toBeNull();
    expect(egressRefusal('127.0.0.2', some)).toBe('loopback');
    expect(egressRefusal('10.20.9.9', some)).toBeNull();
    expect(egressRefusal('10.21.0.1', some)).toBe('private');
  });

  it('refuses the cloud metadata address and an IPv4-mapped loopback literal without connecting', async () => {
    process.env.SELLER_EGRESS_ALLOW = '';
    const fetchOut = createEgressFetch({ maxBytes: 1024 });
    await expect(fetchOut('http://169.254.169.254/latest/meta-data/')).rejects.toBeInstanceOf(EgressRefusedError);
    await expect(fetchOut(`http://[::ffff:127.0.0.1]:${new URL(seller.origin).port}/oauth2/token`)).rejects.toThrow(/loopback/);
    expect(seller.requests).toHaveLength(0);
  });

  it('calls a loopback Seller once SELLER_EGRESS_ALLOW names it', async () => {
    process.env.SELLER_EGRESS_ALLOW = '127.0.0.1';
    seller.setHandler((_req, res) => json(res, 200, sellerTicketBody('TT-1')));
    const ticket = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1');
    expect(ticket.id).toBe('TT-1');
  });

  it('validates SELLER_EGRESS_ALLOW at start, naming the variable', () => {
    const valid = { NEXTAUTH_SECRET: 'x'.repeat(32), SECRETS_KEY: 'c'.repeat(64) };
    expect(parseEnv({ ...valid, SELLER_EGRESS_ALLOW: '127.0.0.1,::1, 10.0.0.0/8' }).SELLER_EGRESS_ALLOW).toBe('127.0.0.1,::1, 10.0.0.0/8');
    expect(parseEnv(valid).SELLER_EGRESS_ALLOW).toBe('');
    expect(() => parseEnv({ ...valid, SELLER_EGRESS_ALLOW: 'seller.example.com' })).toThrow(/SELLER_EGRESS_ALLOW/);
    expect(() => parseEnv({ ...valid, SELLER_EGRESS_ALLOW: '10.0.0.0/33' })).toThrow(/SELLER_EGRESS_ALLOW/);
  });
});

describe('no redirects on outbound calls', () => {
  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} from a Seller API is a protocol error, and the target is never called`, async () => {
      seller.setHandler((_req, res) => {
        res.writeHead(status, { Location: `${inside.url}/steal` });
        res.end();
      });
      const error = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SonataProtocolError);
      expect((error as SonataProtocolError).retryable).toBe(false);
      expect((error as Error).message).toContain(`redirect (HTTP ${status} to ${inside.url}/steal) refused`);
      expect(inside.hits).toHaveLength(0);
    });
  }

  it('a token endpoint answering 307 gets no client secret sent on: protocol error, nothing reaches the target', async () => {
    seller.state.tokenAnswer = (res) => {
      res.writeHead(307, { Location: `${inside.url}/token` });
      res.end();
    };
    const error = await troubleTicketClient(seller.connection(), { tokenCache }).createTroubleTicket({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SonataProtocolError);
    expect((error as Error).message).toContain('token requests do not follow redirects');
    expect(inside.hits).toHaveLength(0);
    expect(seller.requests).toHaveLength(0);
  });
});

describe('Seller answers are capped while reading', () => {
  const big = (bytes: number) => sellerTicketBody('TT-1', { description: 'x'.repeat(bytes) });

  it('a Seller document over SELLER_RESPONSE_MAX_BYTES is a Seller error, declared length or chunked', async () => {
    process.env.SELLER_RESPONSE_MAX_BYTES = String(64 * 1024);
    seller.setHandler((_req, res) => json(res, 200, big(200 * 1024)));
    const declared = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
    expect(declared).toBeInstanceOf(SonataProtocolError);
    expect((declared as Error).message).toContain('answer larger than 65536 bytes');

    seller.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Transfer-Encoding': 'chunked' });
      const text = JSON.stringify(big(200 * 1024));
      for (let i = 0; i < text.length; i += 8192) res.write(text.slice(i, i + 8192));
      res.end();
    });
    const chunked = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
    expect(chunked).toBeInstanceOf(SonataProtocolError);
    expect((chunked as Error).message).toContain('answer larger than 65536 bytes');
  });

  it('counts the decompressed size: a small gzip that inflates past the cap is refused', async () => {
    process.env.SELLER_RESPONSE_MAX_BYTES = String(64 * 1024);
    const bomb = zlib.gzipSync(Buffer.from(JSON.stringify(big(4 * 1024 * 1024))));
    expect(bomb.length).toBeLessThan(64 * 1024);
    seller.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
      res.end(bomb);
    });
    const error = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
    expect((error as Error).message).toContain('answer larger than 65536 bytes');
  });

  it('an answer under the cap, compressed or not, is read whole', async () => {
    process.env.SELLER_RESPONSE_MAX_BYTES = String(64 * 1024);
    const body = Buffer.from(JSON.stringify(big(20 * 1024)));
    seller.setHandler((_req, res) => {
      const gz = zlib.gzipSync(body);
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': gz.length });
      res.end(gz);
    });
    const ticket = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1');
    expect(ticket.description).toHaveLength(20 * 1024);
  });

  it('a token answer over 64 KiB is a protocol error', async () => {
    seller.state.tokenAnswer = (res) => json(res, 200, { access_token: 't'.repeat(100 * 1024), token_type: 'Bearer' });
    const error = await troubleTicketClient(seller.connection(), { tokenCache }).retrieveTroubleTicket('TT-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SonataProtocolError);
    expect((error as Error).message).toContain('token response larger than 65536 bytes');
    expect(seller.requests).toHaveLength(0);
  });
});

describe('what the administrator sees', () => {
  async function addSeller() {
    const base = `${seller.origin}/acme/mefApi/sonata`;
    return getDb()
      .insert(sellers)
      .values({
        slug: 'acme',
        name: 'Acme',
        troubleTicketBaseUrl: `${base}/troubleTicket/v4`,
        appointmentBaseUrl: `${base}/appointment/v2`,
        workOrderBaseUrl: `${base}/workOrderManagement/v2`,
        tokenUrl: `${seller.origin}/oauth2/token`,
        clientId: 'buyer-client',
        clientSecretEnc: sealClientSecret('buyer-secret', 'acme'),
        timeoutMs: 3000,
      })
      .returning()
      .get();
  }

  it('a hub registration answered with a redirect or an oversized answer fails with the reason on the Seller’s hubs', async () => {
    usePortalTestEnv();
    process.env.SELLER_RESPONSE_MAX_BYTES = String(64 * 1024);
    const row = await addSeller();
    seller.setHandler((req, res) => {
      if (req.path.includes('/troubleTicket/v4/')) {
        res.writeHead(308, { Location: `${inside.url}/hub` });
        return res.end();
      }
      json(res, 201, { id: 'hub-1', callback: 'x', padding: 'p'.repeat(100 * 1024) });
    });
    const outcomes = await registerSellerHubs(row, {});
    expect(outcomes.every((o) => o.state === 'failed')).toBe(true);
    const hubs = await getDb().select().from(notificationHubs).where(eq(notificationHubs.sellerId, row.id)).all();
    const byApi = Object.fromEntries(hubs.map((h) => [h.api, h.lastError]));
    expect(byApi.troubleTicket).toMatch(/redirect \(HTTP 308 to http:\/\/127\.0\.0\.1:\d+\/hub\) refused/);
    expect(byApi.appointment).toMatch(/answer larger than 65536 bytes/);
    expect(inside.hits).toHaveLength(0);
  });
});
