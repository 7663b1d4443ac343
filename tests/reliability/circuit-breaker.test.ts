import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreakers, SellerCircuitOpenError } from '@/lib/sync/circuit-breaker';
import { SonataHttpError, SonataNetworkError, isRetryable } from '@/lib/sonata/errors';
import { troubleTicketClient } from '@/lib/sonata/trouble-ticket-client';
import { TokenCache } from '@/lib/sonata/token-cache';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { sellerTicketBody } from '../support/ticket-body';

const outage = () => new SonataNetworkError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));

describe('per-Seller circuit breaker', () => {
  it('opens after consecutive outages, fails fast while open, probes once when the pause is over', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 3, openMs: 1000 }, () => now);
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(outage());
    };
    for (let i = 0; i < 3; i++) await expect(breakers.run(1, failing)).rejects.toBeInstanceOf(SonataNetworkError);
    expect(breakers.state(1)).toBe('open');
    const fast = await breakers.run(1, failing).catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(SellerCircuitOpenError);
    expect(isRetryable(fast)).toBe(true);
    expect((fast as SellerCircuitOpenError).retryAt).toBe(1000);
    expect(calls).toBe(3);

    now = 1000;
    expect(breakers.state(1)).toBe('halfOpen');
    let release!: () => void;
    const probe = breakers.run(1, () => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    // Only one probe at a time.
    await expect(breakers.run(1, () => Promise.resolve('second'))).rejects.toBeInstanceOf(SellerCircuitOpenError);
    release();
    expect(await probe).toBe('ok');
    expect(breakers.state(1)).toBe('closed');
  });

  it('a failed probe opens the circuit again for a full pause', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 1, openMs: 500 }, () => now);
    await expect(breakers.run('s', () => Promise.reject(outage()))).rejects.toBeTruthy();
    now = 600;
    await expect(breakers.run('s', () => Promise.reject(outage()))).rejects.toBeInstanceOf(SonataNetworkError);
    expect(breakers.state('s')).toBe('open');
    now = 1000;
    expect(breakers.allow('s').allowed).toBe(false);
    now = 1100;
    expect(breakers.allow('s').allowed).toBe(true);
  });

  it('counts a Seller’s refusal (4xx) as the Seller being up, and keeps Sellers apart', async () => {
    const breakers = new CircuitBreakers({ failureThreshold: 2, openMs: 1000 }, () => 0);
    await expect(breakers.run(1, () => Promise.reject(outage()))).rejects.toBeTruthy();
    await expect(breakers.run(1, () => Promise.reject(new SonataHttpError({ status: 422, body: [] })))).rejects.toBeTruthy();
    await expect(breakers.run(1, () => Promise.reject(outage()))).rejects.toBeTruthy();
    expect(breakers.state(1)).toBe('closed');
    await expect(breakers.run(1, () => Promise.reject(new SonataHttpError({ status: 503, body: {} })))).rejects.toBeTruthy();
    expect(breakers.state(1)).toBe('open');
    expect(breakers.state(2)).toBe('closed');
    expect(await breakers.run(2, () => Promise.resolve(7))).toBe(7);
  });
});

describe('circuit breaker in front of a real Seller connection', () => {
  let seller: http.Server;
  let proxy: FaultProxy;
  let gets = 0;

  beforeAll(async () => {
    // The Seller and the fault proxy listen on loopback, which Seller calls reach only when allowed.
    process.env.SELLER_EGRESS_ALLOW = '127.0.0.1';
    seller = http.createServer((req, res) => {
      if (req.url?.includes('/oauth2/token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      gets += 1;
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(sellerTicketBody('TT-1')));
    });
    await new Promise<void>((resolve) => seller.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy(`http://127.0.0.1:${(seller.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => seller.close(() => resolve()));
  });

  it('stops reaching a Seller that is down after the threshold, and resumes when a probe gets through', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 3, openMs: 1000 }, () => now);
    const client = troubleTicketClient(
      {
        slug: 'acme',
        baseUrls: { troubleTicket: `${proxy.origin}/tt`, appointment: `${proxy.origin}/ap`, workOrder: `${proxy.origin}/wo` },
        oauth: { tokenUrl: `${proxy.origin}/oauth2/token`, clientId: 'c', clientSecret: 's', scopeMode: 'none' },
        timeoutMs: 1000,
      },
      { tokenCache: new TokenCache() },
    );
    proxy.set(({ path }) => (path.startsWith('/tt') ? { kind: 'down' } : undefined));
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push(await breakers.run(1, () => client.retrieveTroubleTicket('TT-1')).catch((e: unknown) => e));
    const reached = proxy.seen.filter((s) => s.path.startsWith('/tt')).length;
    expect(reached).toBe(3);
    expect(outcomes.filter((o) => o instanceof SellerCircuitOpenError)).toHaveLength(17);

    proxy.clear();
    now = 1000;
    const doc = await breakers.run(1, () => client.retrieveTroubleTicket('TT-1'));
    expect(doc.id).toBe('TT-1');
    expect(breakers.state(1)).toBe('closed');
    expect(gets).toBe(1);
  });
});
