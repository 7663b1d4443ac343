import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox } from '@/db/schema';
import { POST as tokenPost } from '@/app/oauth2/token/route';
import { POST as ticketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { POST as workOrderListener } from '@/app/sellers/[slug]/mefApi/sonata/workOrderNotification/[version]/listener/[eventType]/route';
import { signListenerToken, verifyListenerToken } from '@/lib/listener/listener-auth';
import { revokeListenerCredentials, rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { usePortalTestEnv } from '../../support/portal-env';
import { event, insertSeller } from './support';

const TOKEN_URL = 'http://127.0.0.1:3000/oauth2/token';

function form(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return new Request(TOKEN_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

function listen(slug: string, eventType: string, body: unknown, token?: string, version = 'v4') {
  const request = new Request(`http://127.0.0.1:3000/sellers/${slug}/mefApi/sonata/troubleTicketNotification/${version}/listener/${eventType}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return ticketListener(request, { params: Promise.resolve({ slug, version, eventType }) });
}

async function inboxCount() {
  return (await getDb().select().from(inbox).all()).length;
}

describe('token endpoint', () => {
  let acme: Awaited<ReturnType<typeof insertSeller>>;
  let creds: { clientId: string; clientSecret: string };

  beforeEach(async () => {
    usePortalTestEnv();
    acme = await insertSeller('acme');
    creds = await rotateListenerCredential(acme);
  });

  it('issues a short-lived token for the Seller with the requested listener scope (form body)', async () => {
    const res = await tokenPost(form({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: 'listenToTroubleTicketResolvedEvent' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(600);
    expect(body.scope).toBe('listenToTroubleTicketResolvedEvent');
    const claims = verifyListenerToken(body.access_token);
    expect(claims?.sub).toBe('acme');
    expect(claims?.scope).toBe('listenToTroubleTicketResolvedEvent');
  });

  it('accepts HTTP Basic client authentication and grants every listener scope when none is asked', async () => {
    const basic = Buffer.from(`${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`).toString('base64');
    const res = await tokenPost(form({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scope: string };
    expect(body.scope.split(' ').sort()).toEqual([...LISTENER_SCOPES].sort());
    expect(LISTENER_SCOPES).toHaveLength(12);
  });

  it('refuses wrong secrets, unknown clients, revoked credentials and rotated-away secrets with invalid_client', async () => {
    const wrong = await tokenPost(form({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: 'nope' }));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
    const unknown = await tokenPost(form({ grant_type: 'client_credentials', client_id: 'who', client_secret: creds.clientSecret }));
    expect(unknown.status).toBe(401);

    const rotated = await rotateListenerCredential(acme);
    const old = await tokenPost(form({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }));
    expect(old.status).toBe(401);
    expect((await tokenPost(form({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: rotated.clientSecret }))).status).toBe(200);

    await revokeListenerCredentials(acme.id);
    const revoked = await tokenPost(form({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: rotated.clientSecret }));
    expect(revoked.status).toBe(401);
  });

  it('refuses other grant types, scopes that are not listener scopes, JSON bodies and mixed client authentication', async () => {
    const grant = await tokenPost(form({ grant_type: 'password', client_id: creds.clientId, client_secret: creds.clientSecret }));
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const scope = await tokenPost(form({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: 'createTroubleTicket' }));
    expect(scope.status).toBe(400);
    expect(((await scope.json()) as { error: string }).error).toBe('invalid_scope');
    const json = await tokenPost(
      new Request(TOKEN_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials' }) }),
    );
    expect(json.status).toBe(400);
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    const both = await tokenPost(form({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }, { authorization: `Basic ${basic}` }));
    expect(both.status).toBe(400);
  });
});

describe('listener authentication', () => {
  let token: string;
  let acmeCredentialId: number;
  let globexToken: string;

  beforeEach(async () => {
    usePortalTestEnv();
    const acme = await insertSeller('acme');
    const globex = await insertSeller('globex');
    const a = await rotateListenerCredential(acme);
    acmeCredentialId = a.credential.id;
    token = signListenerToken({ sellerSlug: 'acme', credentialId: a.credential.id, scopes: ['listenToTroubleTicketStatusChangeEvent'] }).token;
    const g = await rotateListenerCredential(globex);
    globexToken = signListenerToken({ sellerSlug: 'globex', credentialId: g.credential.id, scopes: [...LISTENER_SCOPES] }).token;
  });

  it('accepts the right Seller with the right scope and stores the event', async () => {
    const res = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-1'), token);
    expect(res.status).toBe(204);
    expect(await inboxCount()).toBe(1);
  });

  it('refuses a call without a token: 401 missingCredentials, nothing stored', async () => {
    const res = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-1'));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'missingCredentials' });
    expect(await inboxCount()).toBe(0);
  });

  it('refuses forged, tampered and expired tokens: 401 invalidCredentials', async () => {
    const [h, p] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), scope: LISTENER_SCOPES.join(' ') })).toString('base64url');
    const tampered = `${h}.${forgedPayload}.${token.split('.')[2]}`;
    const expired = signListenerToken({ sellerSlug: 'acme', credentialId: acmeCredentialId, scopes: ['listenToTroubleTicketStatusChangeEvent'] }, Math.floor(Date.now() / 1000) - 3600).token;
    for (const bad of ['not-a-jwt', tampered, expired]) {
      const res = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-1'), bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'invalidCredentials' });
    }
    expect(await inboxCount()).toBe(0);
  });

  it("refuses another Seller's token and a token without the listener's scope: 403 accessDenied", async () => {
    const other = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-1'), globexToken);
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'accessDenied' });
    const scope = await listen('acme', 'troubleTicketResolvedEvent', event('troubleTicketResolvedEvent', 'TT-1'), token);
    expect(scope.status).toBe(403);
    expect(await inboxCount()).toBe(0);
  });

  it('ends the tokens of a revoked credential at once', async () => {
    const acme = (await getDb().query.sellers.findFirst({ where: (s, { eq }) => eq(s.slug, 'acme') }))!;
    await revokeListenerCredentials(acme.id);
    const res = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-1'), token);
    expect(res.status).toBe(401);
    expect(await inboxCount()).toBe(0);
  });

  it('answers 404 for a listener that does not exist and serves the stale v2 path of the ticket API', async () => {
    const unknown = await listen('acme', 'troubleTicketDeletedEvent', event('troubleTicketDeletedEvent', 'TT-1'), token);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'notFound' });
    const v3 = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-1'), token, 'v3');
    expect(v3.status).toBe(404);
    const v2 = await listen('acme', 'troubleTicketStatusChangeEvent', event('troubleTicketStatusChangeEvent', 'TT-2'), token, 'v2');
    expect(v2.status).toBe(204);
    // A work order event type is not a ticket listener, even with a valid token.
    const crossed = await workOrderListener(
      new Request('http://127.0.0.1:3000/x', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${globexToken}` } }),
      { params: Promise.resolve({ slug: 'globex', version: 'v2', eventType: 'troubleTicketStatusChangeEvent' }) },
    );
    expect(crossed.status).toBe(404);
    expect(await inboxCount()).toBe(1);
  });
});
