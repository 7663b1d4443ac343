export interface BuyerAuth {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

export interface BuyerTokenCache {
  token(auth: BuyerAuth, scope: string, signal?: AbortSignal): Promise<string>;
  forget(auth: BuyerAuth, scope: string): void;
}

const DEFAULT_LIFETIME_S = 300;
/** Renew this long before the Buyer says the token expires, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 30_000;

export class TokenRequestError extends Error {}

/** OAuth2 client-credentials tokens the Seller holds towards the Buyer, one per client and scope. */
export function createBuyerTokenCache(opts: { now: () => number; timeoutMs: number }): BuyerTokenCache {
  const cache = new Map<string, CachedToken>();
  const pending = new Map<string, Promise<string>>();
  const keyOf = (auth: BuyerAuth, scope: string) => JSON.stringify([auth.tokenUrl, auth.clientId, auth.clientSecret, scope]);

  async function request(auth: BuyerAuth, scope: string, signal?: AbortSignal): Promise<CachedToken> {
    const startedAt = opts.now();
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    let res: Response;
    try {
      res = await fetch(auth.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: auth.clientId,
          client_secret: auth.clientSecret,
          scope,
        }).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new TokenRequestError(`token request failed: ${describeFetchError(err)}`);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new TokenRequestError(`token endpoint answered ${res.status}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TokenRequestError('token endpoint answered with no JSON');
    }
    const accessToken = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).access_token : undefined;
    if (typeof accessToken !== 'string' || !accessToken) throw new TokenRequestError('token endpoint answered without access_token');
    const expiresInRaw = (body as Record<string, unknown>).expires_in;
    const expiresIn = typeof expiresInRaw === 'number' && expiresInRaw > 0 ? expiresInRaw : DEFAULT_LIFETIME_S;
    const lifetimeMs = expiresIn * 1000;
    const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2);
    return { accessToken, refreshAt: startedAt + lifetimeMs - margin };
  }

  return {
    async token(auth, scope, signal) {
      const key = keyOf(auth, scope);
      const cached = cache.get(key);
      if (cached && cached.refreshAt > opts.now()) return cached.accessToken;
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const fetching = request(auth, scope, signal)
        .then((fresh) => {
          cache.set(key, fresh);
          return fresh.accessToken;
        })
        .finally(() => pending.delete(key));
      pending.set(key, fetching);
      return fetching;
    },
    forget(auth, scope) {
      cache.delete(keyOf(auth, scope));
    },
  };
}

export function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timeout';
    if (err.name === 'AbortError') return 'aborted';
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
    }
    return err.message;
  }
  return String(err);
}
