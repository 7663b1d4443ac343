import 'server-only';
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { listenerCredentials, sellers, type ListenerCredential, type Seller } from '@/db/schema';
import { env } from '@/lib/env';
import { hashSecret, publicBaseUrl } from '@/lib/sellers/listener-credentials';
import { readCappedBody } from './capped-body';
import { listenerCredentialStatus } from './listener-access';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { write } from '@/db/transaction';

/**
 * Sellers are OAuth2 clients of ours when they call our listeners (MEF notification APIs, client credentials).
 * We issue per-Seller credentials, short-lived HMAC-signed JWTs at /oauth2/token, and check them on every listener call.
 */

export const LISTENER_TOKEN_TTL_S = 600;
const AUDIENCE = 'sonata-listeners';
const CLOCK_SKEW_S = 5;

let cachedKey: { secret: string; key: Buffer } | undefined;

/** Signing key: LISTENER_TOKEN_SECRET when set, else derived from NEXTAUTH_SECRET so no new secret is required. */
function signingKey(): Buffer {
  const secret = env().LISTENER_TOKEN_SECRET ?? env().NEXTAUTH_SECRET;
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: Buffer.from(hkdfSync('sha256', secret, 'sonata-portal', 'listener-token-v1', 32)) };
  }
  return cachedKey.key;
}

function issuer(): string {
  return publicBaseUrl();
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthenticatedClient {
  seller: Seller;
  credential: ListenerCredential;
}

/** The Seller behind a client id and secret, or null (unknown, wrong secret, revoked, Seller disabled). */
export async function authenticateListenerClient(clientId: string, clientSecret: string): Promise<AuthenticatedClient | null> {
  const row = (await getDb()
    .select({ credential: listenerCredentials, seller: sellers })
    .from(listenerCredentials)
    .innerJoin(sellers, eq(sellers.id, listenerCredentials.sellerId))
    .where(eq(listenerCredentials.clientId, clientId))
    .limit(1))[0];
  const candidate = hashSecret(clientSecret);
  if (!row) {
    // Same work whether or not the client exists.
    sameText(candidate, candidate);
    return null;
  }
  if (!sameText(candidate, row.credential.secretHash) || row.credential.revokedAt || !row.seller.enabled) return null;
  await write(() =>
    getDb()
      .update(listenerCredentials)
      .set({ lastUsedAt: new Date().toISOString() })
      .where(eq(listenerCredentials.id, row.credential.id)),
  );
  return row;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

export interface ListenerTokenClaims {
  iss: string;
  aud: string;
  /** Seller slug: the callback prefix (/sellers/<slug>) this token may call. */
  sub: string;
  /** listener_credentials.id, so revoking a credential also ends its tokens. */
  cid: number;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signListenerToken(
  input: { sellerSlug: string; credentialId: number; scopes: readonly string[] },
  nowS = Math.floor(Date.now() / 1000),
  ttlS = LISTENER_TOKEN_TTL_S,
): { token: string; claims: ListenerTokenClaims } {
  const claims: ListenerTokenClaims = {
    iss: issuer(),
    aud: AUDIENCE,
    sub: input.sellerSlug,
    cid: input.credentialId,
    scope: input.scopes.join(' '),
    iat: nowS,
    exp: nowS + ttlS,
    jti: randomUUID(),
  };
  const body = `${HEADER}.${b64(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', signingKey()).update(body).digest('base64url');
  return { token: `${body}.${signature}`, claims };
}

/** Tokens whose signature and claims were already checked: a Seller sends the same token for many calls. */
const verified = new Map<string, ListenerTokenClaims>();
const VERIFIED_MAX = 1024;
let verifiedWith: Buffer | undefined;

/** The claims of a token we signed that has not expired, or null. */
export function verifyListenerToken(token: string, nowS = Math.floor(Date.now() / 1000)): ListenerTokenClaims | null {
  const key = signingKey();
  if (verifiedWith !== key) {
    verified.clear();
    verifiedWith = key;
  }
  let claims = verified.get(token);
  if (!claims) {
    const decoded = decodeListenerToken(token, key);
    if (!decoded) return null;
    claims = decoded;
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(token, claims);
  }
  if (claims.exp + CLOCK_SKEW_S <= nowS) {
    verified.delete(token);
    return null;
  }
  return claims;
}

function decodeListenerToken(token: string, key: Buffer): ListenerTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) return null;
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  if (!sameText(expected, signature)) return null;
  let claims: ListenerTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ListenerTokenClaims;
  } catch {
    return null;
  }
  if (claims.aud !== AUDIENCE || claims.iss !== issuer()) return null;
  if (typeof claims.exp !== 'number') return null;
  if (typeof claims.sub !== 'string' || typeof claims.scope !== 'string' || typeof claims.cid !== 'number') return null;
  return claims;
}

/** Scopes a token request may receive: the requested ones when all are allowed, all listener scopes when none asked. */
export function grantScopes(requested: string | null | undefined): { ok: true; scopes: string[] } | { ok: false; invalid: string[] } {
  const asked = (requested ?? '').split(/\s+/).filter(Boolean);
  if (asked.length === 0) return { ok: true, scopes: [...LISTENER_SCOPES] };
  const invalid = asked.filter((s) => !LISTENER_SCOPES.includes(s));
  if (invalid.length > 0) return { ok: false, invalid };
  return { ok: true, scopes: [...new Set(asked)] };
}

// ---------------------------------------------------------------------------------------------------------------
// Listener calls

export type ListenerAuthResult =
  | { ok: true; claims: ListenerTokenClaims }
  | { ok: false; status: 401 | 403; code: 'missingCredentials' | 'invalidCredentials' | 'accessDenied'; reason: string };

/**
 * A listener call is allowed only with a valid, unexpired token of ours, issued to the Seller whose callback prefix
 * was called, carrying the listener's scope, from a credential that is still active. Signature, expiry and scope are
 * checked from the token itself and revocation from the in-memory view (listener-access.ts): no database read.
 */
export async function authorizeListenerCall(header: string | null, sellerSlug: string, scope: string): Promise<ListenerAuthResult> {
  if (!header || header.trim() === '') {
    return { ok: false, status: 401, code: 'missingCredentials', reason: 'A Bearer token from our token endpoint is required' };
  }
  const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(header);
  if (!match?.[1]) return { ok: false, status: 401, code: 'invalidCredentials', reason: 'The Authorization header is not a Bearer token' };
  const claims = verifyListenerToken(match[1]);
  if (!claims) return { ok: false, status: 401, code: 'invalidCredentials', reason: 'The token is invalid or expired' };
  if ((await listenerCredentialStatus(claims.cid)) !== 'active') {
    return { ok: false, status: 401, code: 'invalidCredentials', reason: 'The credential behind this token was revoked' };
  }
  if (claims.sub !== sellerSlug) {
    return { ok: false, status: 403, code: 'accessDenied', reason: 'This token was issued to another Seller' };
  }
  if (!claims.scope.split(' ').includes(scope)) {
    return { ok: false, status: 403, code: 'accessDenied', reason: `The token lacks the ${scope} scope` };
  }
  return { ok: true, claims };
}

// ---------------------------------------------------------------------------------------------------------------
// The token endpoint (RFC 6749 §4.4, client credentials)

const TOKEN_REQUEST_MAX_BYTES = 8 * 1024;

function oauthError(status: 400 | 401, error: string, description: string): Response {
  return Response.json(
    { error, error_description: description },
    {
      status,
      headers: {
        'cache-control': 'no-store',
        pragma: 'no-cache',
        ...(status === 401 ? { 'www-authenticate': 'Basic realm="sonata-listeners"' } : {}),
      },
    },
  );
}

function basicCredentials(header: string | null): { clientId: string; clientSecret: string } | null | 'malformed' {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return 'malformed';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'malformed';
  }
}

export async function tokenEndpoint(request: Request): Promise<Response> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return oauthError(400, 'invalid_request', 'Send the request form-encoded (application/x-www-form-urlencoded).');
  }
  const body = await readCappedBody(request, TOKEN_REQUEST_MAX_BYTES);
  if (!body.ok) return oauthError(400, 'invalid_request', 'The request body is too large or unreadable.');
  const form = new URLSearchParams(new TextDecoder().decode(body.bytes));
  for (const name of ['grant_type', 'client_id', 'client_secret', 'scope']) {
    if (form.getAll(name).length > 1) return oauthError(400, 'invalid_request', `${name} is given more than once.`);
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  }
  const basic = basicCredentials(request.headers.get('authorization'));
  if (basic === 'malformed') return oauthError(401, 'invalid_client', 'The Basic credentials are malformed.');
  const inBody = form.has('client_id') || form.has('client_secret');
  if (basic && inBody) return oauthError(400, 'invalid_request', 'Use either HTTP Basic or the form body for client credentials, not both.');
  const clientId = basic?.clientId ?? form.get('client_id') ?? '';
  const clientSecret = basic?.clientSecret ?? form.get('client_secret') ?? '';
  if (!clientId || !clientSecret) return oauthError(401, 'invalid_client', 'Client credentials are required.');
  const client = await authenticateListenerClient(clientId, clientSecret);
  if (!client) return oauthError(401, 'invalid_client', 'Unknown client or wrong secret.');
  const granted = grantScopes(form.get('scope'));
  if (!granted.ok) return oauthError(400, 'invalid_scope', `Not a listener scope: ${granted.invalid.join(', ')}`);
  const { token, claims } = signListenerToken({ sellerSlug: client.seller.slug, credentialId: client.credential.id, scopes: granted.scopes });
  return Response.json(
    { access_token: token, token_type: 'Bearer', expires_in: claims.exp - claims.iat, scope: claims.scope },
    { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } },
  );
}
