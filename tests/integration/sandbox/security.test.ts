import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { validateResponse } from '@/lib/sonata/openapi-validator';
import { removeDir, reply, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

async function tokenRequest(slug: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return reply(
    await fetch(h.sellers[slug]!.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    }),
  );
}

const listUrl = () => `${h.sellers.acme!.baseUrls.troubleTicket}/troubleTicket`;

describe('token endpoint', () => {
  it('issues a short-lived bearer token with the granted scopes (credentials in the body)', async () => {
    const { clientId, clientSecret } = h.sellers.acme!;
    const res = await tokenRequest('acme', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(res.body.access_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.body.scope.split(' ')).toEqual(expect.arrayContaining(['createTroubleTicket', 'createAppointment', 'listWorkOrder', 'registerListener']));
  });

  it('accepts HTTP Basic client authentication and narrows to the requested scope', async () => {
    const { clientId, clientSecret } = h.sellers.acme!;
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const res = await tokenRequest('acme', { grant_type: 'client_credentials', scope: 'listTroubleTicket' }, { Authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('listTroubleTicket');
  });

  it('refuses wrong secrets, other Sellers clients, other grant types and unknown scopes', async () => {
    const { clientId, clientSecret } = h.sellers.acme!;
    expect((await tokenRequest('acme', { grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' })).body.error).toBe('invalid_client');
    expect((await tokenRequest('globex', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).status).toBe(401);
    expect((await tokenRequest('acme', { grant_type: 'password', client_id: clientId, client_secret: clientSecret })).body.error).toBe('unsupported_grant_type');
    const scoped = await tokenRequest('acme', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'launchMissiles' });
    expect(scoped.status).toBe(400);
    expect(scoped.body.error).toBe('invalid_scope');
  });
});

describe('bearer checks on MEF operations', () => {
  it('401 missingCredentials without a token', async () => {
    const res = await reply(await fetch(listUrl()));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'missingCredentials' });
    expect(validateResponse(troubleTicketSpec, 'listTroubleTicket', 401, res.body)).toEqual([]);
  });

  it('401 invalidCredentials for an unknown token, a malformed header, another Seller token and an expired token', async () => {
    const unknown = await reply(await fetch(listUrl(), { headers: { Authorization: 'Bearer not-a-token' } }));
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('invalidCredentials');
    const basic = await reply(await fetch(listUrl(), { headers: { Authorization: 'Basic abc' } }));
    expect(basic.body.code).toBe('invalidCredentials');
    const globexToken = await h.token('globex');
    const crossSeller = await reply(await fetch(listUrl(), { headers: { Authorization: `Bearer ${globexToken}` } }));
    expect(crossSeller.status).toBe(401);
    expect(crossSeller.body.code).toBe('invalidCredentials');
    const { clientId } = h.sellers.acme!;
    const expired = h.sandbox.ctx.store.issueToken('acme', clientId, ['listTroubleTicket'], Date.now() - 1000);
    const late = await reply(await fetch(listUrl(), { headers: { Authorization: `Bearer ${expired}` } }));
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('invalidCredentials');
  });

  it('403 accessDenied when the token lacks the operation scope', async () => {
    const narrow = await h.token('acme', 'listTroubleTicket');
    const ok = await fetch(listUrl(), { headers: { Authorization: `Bearer ${narrow}` } });
    expect(ok.status).toBe(200);
    const denied = await reply(
      await fetch(listUrl(), { method: 'POST', headers: { Authorization: `Bearer ${narrow}`, 'Content-Type': 'application/json' }, body: '{}' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'accessDenied' });
    expect(validateResponse(troubleTicketSpec, 'createTroubleTicket', 403, denied.body)).toEqual([]);
  });

  it('a client limited to some scopes cannot obtain others', async () => {
    const created = await h.control('POST', '/acme/clients', { scopes: ['retrieveTroubleTicket'] });
    expect(created.status).toBe(201);
    const { clientId, clientSecret } = created.body;
    const all = await tokenRequest('acme', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    expect(all.body.scope).toBe('retrieveTroubleTicket');
    const more = await tokenRequest('acme', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'listTroubleTicket' });
    expect(more.body.error).toBe('invalid_scope');
    const denied = await reply(await fetch(listUrl(), { headers: { Authorization: `Bearer ${all.body.access_token}` } }));
    expect(denied.status).toBe(403);
  });
});

describe('control API', () => {
  it('is not served under another Host name', async () => {
    // fetch will not send a foreign Host header, so use node:http.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: h.sandbox.port, path: '/_sandbox/sellers', headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    const ok = await fetch(`${h.sandbox.url}/_sandbox/sellers`);
    expect(ok.status).toBe(200);
  });

  it('discovery lists the four Sellers with base URLs, credentials and products in their time zones', async () => {
    const res = await h.control('GET', '/sellers');
    const bySlug = Object.fromEntries(res.body.sellers.map((s: { slug: string }) => [s.slug, s]));
    expect(Object.keys(bySlug).sort()).toEqual(['acme', 'globex', 'initech', 'vandelay']);
    expect(bySlug.vandelay.offersIncidents).toBe(true);
    expect(bySlug.initech.offersIncidents).toBe(false);
    expect(bySlug.acme.baseUrls.troubleTicket).toBe(`${h.sandbox.url}/acme/mefApi/sonata/troubleTicket/v4`);
    expect(bySlug.globex.baseUrls.workOrder).toBe(`${h.sandbox.url}/globex/mefApi/sonata/workOrderManagement/v2`);
    expect(bySlug.initech.tokenUrl).toBe(`${h.sandbox.url}/initech/oauth2/token`);
    expect(bySlug.acme.products[0].site.timeZone).toBe('Europe/Paris');
    expect(bySlug.globex.products[0].site.timeZone).toBe('America/New_York');
    expect(bySlug.initech.products[0].site.timeZone).toBe('Asia/Tokyo');
    expect(bySlug.vandelay.products[0].site.timeZone).toBe('Europe/London');
    for (const seller of res.body.sellers) {
      expect(seller.products.length).toBeGreaterThanOrEqual(seller.slug === 'vandelay' ? 2 : 3);
      expect(seller.products.length).toBeLessThanOrEqual(5);
      expect(seller.clientSecret.length).toBeGreaterThan(20);
    }
  });

  it('validates control bodies', async () => {
    const res = await h.control('POST', '/acme/incidents', { description: 'x', productIds: [] });
    expect(res.status).toBe(422);
    expect(Array.isArray(res.body)).toBe(true);
    const unknownSeller = await h.control('GET', '/nobody/tickets');
    expect(unknownSeller.status).toBe(404);
  });

  it('stores Buyer listener credentials without echoing the secret', async () => {
    const put = await h.control('PUT', '/acme/buyer-auth', { tokenUrl: 'http://127.0.0.1:3000/oauth2/token', clientId: 'acme-notifier', clientSecret: 's3cret' });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain('s3cret');
    expect(h.sandbox.ctx.store.buyerAuth('acme')).toEqual({ tokenUrl: 'http://127.0.0.1:3000/oauth2/token', clientId: 'acme-notifier', clientSecret: 's3cret' });
    const get = await h.control('GET', '/acme/buyer-auth');
    expect(get.body).toEqual({ tokenUrl: 'http://127.0.0.1:3000/oauth2/token', clientId: 'acme-notifier' });
  });
});
