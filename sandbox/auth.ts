import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { workOrderSpec } from '@/lib/sonata/generated/work-order.spec';
import { fail, readBody } from './http';
import type { SandboxStore } from './store';

export const TOKEN_LIFETIME_SECONDS = 3600;

function operationIds(spec: { paths: Record<string, unknown> }): string[] {
  return Object.values(spec.paths).flatMap((item) =>
    Object.values(item as Record<string, { operationId?: string }>)
      .map((op) => op.operationId)
      .filter((id): id is string => typeof id === 'string'),
  );
}

/** Every Seller operation's scope: the MEF security profile names each scope after its operationId. */
export const OPERATION_SCOPES: readonly string[] = [
  ...new Set([...operationIds(troubleTicketSpec), ...operationIds(appointmentSpec), ...operationIds(workOrderSpec)]),
];

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded; a malformed escape is taken literally. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  const body = JSON.stringify({ error, error_description: description });
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=utf-8',
    'Cache-Control': 'no-store',
    ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="sandbox"' } : {}),
  });
  res.end(body);
}

/** OAuth2 client-credentials token endpoint (RFC 6749 §4.4), form-encoded, client auth in the body or HTTP Basic. */
export async function handleTokenRequest(store: SandboxStore, seller: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return oauthError(res, 405, 'invalid_request', 'Use POST');
  const form = new URLSearchParams(await readBody(req));
  let clientId = form.get('client_id') ?? undefined;
  let clientSecret = form.get('client_secret') ?? undefined;
  const header = req.headers.authorization;
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    }
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError(res, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
  }
  if (!clientId || !clientSecret) return oauthError(res, 401, 'invalid_client', 'Client credentials are missing');
  const client = store.findClient(clientId);
  if (!client || client.seller !== seller || !sameSecret(client.secret, clientSecret)) {
    return oauthError(res, 401, 'invalid_client', 'Unknown client or wrong secret');
  }
  const allowed = client.scopes ?? [...OPERATION_SCOPES];
  const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const refused = requested.filter((s) => !allowed.includes(s));
  if (refused.length) return oauthError(res, 400, 'invalid_scope', `Scopes not granted to this client: ${refused.join(' ')}`);
  const granted = requested.length ? requested : allowed;
  const token = store.issueToken(seller, client.clientId, granted, Date.now() + TOKEN_LIFETIME_SECONDS * 1000);
  const body = JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope: granted.join(' ') });
  res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  res.end(body);
}

/** Throws the MEF 401/403 error when the request may not run `operationId` at `seller`. */
export function authorize(store: SandboxStore, seller: string, req: IncomingMessage, operationId: string): void {
  const header = req.headers.authorization;
  if (!header || header.trim() === '') throw fail.unauthorized('missingCredentials', 'An Authorization: Bearer token is required');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw fail.unauthorized('invalidCredentials', 'The Authorization header must carry a Bearer token');
  const token = store.findToken(match[1]);
  if (!token || token.seller !== seller) throw fail.unauthorized('invalidCredentials', 'The access token is not valid for this Seller');
  if (token.expiresAt <= Date.now()) throw fail.unauthorized('invalidCredentials', 'The access token has expired');
  if (!token.scopes.includes(operationId)) throw fail.forbidden(`The access token lacks the scope ${operationId}`);
}
