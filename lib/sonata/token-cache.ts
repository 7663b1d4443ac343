import { AnswerTooLargeError, createEgressFetch, EgressRefusedError, isRedirectStatus } from './egress';
import { SonataEgressRefusedError, SonataHttpError, SonataNetworkError, SonataProtocolError, SonataTimeoutError, parseRetryAfter } from './errors';
import type { SellerConnection } from './seller-connection';
import { recordSellerCall, statusClassOf, type StatusClass } from '@/lib/observability/metrics';

/** What a token is cached under: one Seller's client asking one token endpoint for one scope. */
export interface TokenKey {
  sellerSlug: string;
  tokenUrl: string;
  clientId: string;
  /** Undefined when no scope is requested. */
  scope?: string;
}

export interface TokenRequest extends TokenKey {
  clientSecret: string;
  timeoutMs: number;
}

export interface TokenCacheOptions {
  /** Renew this long before `expires_in` runs out (default 30 s; halved for very short-lived tokens). */
  refreshMarginMs?: number;
  /** Used when the token endpoint omits `expires_in` (default 300 s). */
  defaultLifetimeMs?: number;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
}

interface CachedToken {
  accessToken: string;
  renewAt: number;
}

const TOKEN_OPERATION = 'oauth2Token';

/** A token answer is a few hundred bytes; anything near this is not one. */
export const TOKEN_RESPONSE_MAX_BYTES = 64 * 1024;

export function tokenCacheKey(key: TokenKey): string {
  return JSON.stringify([key.sellerSlug, key.tokenUrl, key.clientId, key.scope ?? null]);
}

/** The scope a call should request, per the connection's scope mode. */
export function scopeFor(conn: SellerConnection, operationId: string): string | undefined {
  switch (conn.oauth.scopeMode) {
    case 'operation':
      return operationId;
    case 'fixed':
      return conn.oauth.fixedScope || undefined;
    case 'none':
      return undefined;
  }
}

export function tokenRequestFor(conn: SellerConnection, operationId: string): TokenRequest {
  return {
    sellerSlug: conn.slug,
    tokenUrl: conn.oauth.tokenUrl,
    clientId: conn.oauth.clientId,
    clientSecret: conn.oauth.clientSecret,
    scope: scopeFor(conn, operationId),
    timeoutMs: conn.timeoutMs,
  };
}

/** OAuth2 client-credentials tokens, cached per key; concurrent asks for one key share one request. Server-side only. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly refreshMarginMs: number;
  private readonly defaultLifetimeMs: number;
  private readonly now: () => number;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(options: TokenCacheOptions = {}) {
    this.refreshMarginMs = options.refreshMarginMs ?? 30_000;
    this.defaultLifetimeMs = options.defaultLifetimeMs ?? 300_000;
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? createEgressFetch({ maxBytes: TOKEN_RESPONSE_MAX_BYTES });
  }

  async getToken(request: TokenRequest): Promise<string> {
    const key = tokenCacheKey(request);
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.renewAt) return cached.accessToken;

    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const fetching = this.fetchToken(request)
      .then((token) => {
        this.tokens.set(key, token);
        return token.accessToken;
      })
      .finally(() => {
        this.inFlight.delete(key);
      });
    this.inFlight.set(key, fetching);
    return fetching;
  }

  /** Forget the cached token. With `rejectedToken`, only when it is still the cached one, so that many calls
   * failing with the same stale token cause a single renewal. */
  invalidate(key: TokenKey, rejectedToken?: string): void {
    const id = tokenCacheKey(key);
    const cached = this.tokens.get(id);
    if (!cached) return;
    if (rejectedToken === undefined || cached.accessToken === rejectedToken) this.tokens.delete(id);
  }

  clear(): void {
    this.tokens.clear();
  }

  /** One token request, counted and timed like any Seller call. */
  private async fetchToken(request: TokenRequest): Promise<CachedToken> {
    const started = performance.now();
    let statusClass: StatusClass = '2xx';
    try {
      return await this.requestToken(request);
    } catch (err) {
      statusClass =
        err instanceof SonataHttpError ? statusClassOf(err.status) : err instanceof SonataTimeoutError ? 'timeout' : err instanceof SonataNetworkError ? 'network' : err instanceof SonataProtocolError ? 'protocol' : 'other';
      throw err;
    } finally {
      recordSellerCall({ seller: request.sellerSlug, operation: TOKEN_OPERATION, statusClass, seconds: (performance.now() - started) / 1000 });
    }
  }

  private async requestToken(request: TokenRequest): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: request.clientId,
      client_secret: request.clientSecret,
    });
    if (request.scope) form.set('scope', request.scope);
    const context = { sellerSlug: request.sellerSlug, operationId: TOKEN_OPERATION, method: 'POST', url: request.tokenUrl };

    const signal = AbortSignal.timeout(request.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(request.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        signal,
        cache: 'no-store',
        redirect: 'manual',
      });
      text = await response.text();
    } catch (err) {
      if (signal.aborted) throw new SonataTimeoutError(request.timeoutMs, context, err);
      if (err instanceof EgressRefusedError) throw new SonataEgressRefusedError(err, context);
      if (err instanceof AnswerTooLargeError) {
        throw new SonataProtocolError({ status: err.status, issues: [`token response larger than ${err.maxBytes} bytes`], cause: err }, context);
      }
      throw new SonataNetworkError(err, context);
    }
    if (isRedirectStatus(response.status)) {
      const location = response.headers.get('Location');
      throw new SonataProtocolError(
        { status: response.status, issues: [`redirect (HTTP ${response.status}${location ? ` to ${location.slice(0, 200)}` : ''}) refused: token requests do not follow redirects`] },
        context,
      );
    }

    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      if (response.ok) {
        throw new SonataProtocolError({ status: response.status, issues: ['token response is not JSON'], cause }, context);
      }
      body = text;
    }

    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), this.now());
      throw new SonataHttpError({ status: response.status, body: oauthErrorAsMef(body), retryAfterMs }, context);
    }

    const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const accessToken = fields.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new SonataProtocolError({ status: response.status, issues: ['token response has no access_token'] }, context);
    }
    const expiresIn = Number(fields.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : this.defaultLifetimeMs;
    const margin = Math.min(this.refreshMarginMs, lifetimeMs / 2);
    return { accessToken, renewAt: this.now() + lifetimeMs - margin };
  }
}

/** RFC 6749 error bodies ({error, error_description}) read as MEF-style items so callers see one error shape. */
function oauthErrorAsMef(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  if (typeof b.code === 'string' || typeof b.error !== 'string') return body;
  return {
    code: b.error,
    reason: typeof b.error_description === 'string' ? b.error_description : b.error,
  };
}

/** One process-wide cache: tokens outlive a single request. */
export const sharedTokenCache = new TokenCache();
