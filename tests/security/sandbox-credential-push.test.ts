import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { listenerCredentials, notificationHubs, type Seller } from '@/db/schema';
import { parseEnv, resetEnv } from '@/lib/env';
import { syncAllSellerNotifications, syncSellerNotifications } from '@/lib/sync/hub-registration';
import { usePortalTestEnv } from '../support/portal-env';
import { insertSeller } from '../unit/notifications/support';

/**
 * A Seller whose origin also answers /_sandbox/sellers as the sandbox would (a real Seller cannot be told apart from
 * the outside): it records every request, and takes hubs and tokens.
 */
async function startSandboxLookalike(slug: string) {
  const requests: Array<{ method: string; path: string; body: string }> = [];
  let seller: Seller | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/_sandbox/sellers') return res.end(JSON.stringify({ sellers: [{ slug, baseUrls: { troubleTicket: seller?.troubleTicketBaseUrl } }] }));
      if (req.url?.includes('/oauth2/token')) return res.end(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 60 }));
      if (req.url?.endsWith('/hub')) return res.writeHead(201).end(JSON.stringify({ id: `h-${requests.length}`, callback: 'x' }));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  seller = await insertSeller(slug, origin);
  return {
    seller,
    requests,
    sandboxCalls: () => requests.filter((r) => r.path.startsWith('/_sandbox')),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

let lookalike: Awaited<ReturnType<typeof startSandboxLookalike>>;

function setPush(value: string | undefined) {
  if (value === undefined) delete process.env.SANDBOX_CREDENTIAL_PUSH;
  else process.env.SANDBOX_CREDENTIAL_PUSH = value;
  resetEnv();
}

beforeEach(async () => {
  usePortalTestEnv();
  lookalike = await startSandboxLookalike('globex');
});
afterEach(async () => {
  await lookalike.close();
});

describe('listener credentials go to the sandbox only with SANDBOX_CREDENTIAL_PUSH', () => {
  it('by default a Seller origin is never asked for /_sandbox/… nor handed credentials, at start or on demand', async () => {
    setPush(undefined);
    await syncAllSellerNotifications({ pushCredentials: true, verify: true });
    await syncSellerNotifications(lookalike.seller, { force: true, pushCredentials: true });
    expect(lookalike.sandboxCalls()).toEqual([]);
    expect(await getDb().select().from(listenerCredentials).where(eq(listenerCredentials.sellerId, lookalike.seller.id)).all()).toEqual([]);
    // Hubs are still registered: only the sandbox shortcut is off.
    const hubs = await getDb().select().from(notificationHubs).where(eq(notificationHubs.sellerId, lookalike.seller.id)).all();
    expect(hubs.map((h) => h.state)).toEqual(['registered', 'registered', 'registered']);
  });

  it('SANDBOX_CREDENTIAL_PUSH=0 is off too', async () => {
    setPush('0');
    await syncAllSellerNotifications({ pushCredentials: true });
    expect(lookalike.sandboxCalls()).toEqual([]);
  });

  it('with SANDBOX_CREDENTIAL_PUSH=1 the sandbox is found and given fresh credentials', async () => {
    setPush('1');
    await syncAllSellerNotifications({ pushCredentials: true });
    expect(lookalike.sandboxCalls().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /_sandbox/sellers', 'PUT /_sandbox/globex/buyer-auth']);
    const stored = await getDb().select().from(listenerCredentials).where(eq(listenerCredentials.sellerId, lookalike.seller.id)).all();
    expect(stored.map((c) => c.deliveredVia)).toEqual(['sandbox']);
  });

  it('refuses a value that is not a switch, naming the variable', () => {
    const valid = { NEXTAUTH_SECRET: 'x'.repeat(32), SECRETS_KEY: 'c'.repeat(64) };
    expect(parseEnv(valid).SANDBOX_CREDENTIAL_PUSH).toBe(false);
    expect(parseEnv({ ...valid, SANDBOX_CREDENTIAL_PUSH: '1' }).SANDBOX_CREDENTIAL_PUSH).toBe(true);
    expect(() => parseEnv({ ...valid, SANDBOX_CREDENTIAL_PUSH: 'yes please' })).toThrow(/SANDBOX_CREDENTIAL_PUSH/);
  });
});
