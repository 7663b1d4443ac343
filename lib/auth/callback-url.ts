export const DEFAULT_AFTER_SIGN_IN = '/tickets';

/** Set by proxy.ts on portal page requests so server pages know their own path and query. */
export const PATH_HEADER = 'x-portal-path';

const PROBE_ORIGIN = 'http://portal.invalid';

/**
 * Where to go after signing in: only a same-origin relative path is accepted, so a crafted link cannot send the
 * user to another site. Anything else, and the sign-in page itself, falls back to the default.
 */
export function safeCallbackPath(value: unknown, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  // Browsers read a backslash as a slash ("/\evil.example"), and control characters are stripped before parsing.
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  if (url.pathname === '/login' || url.pathname.startsWith('/api/')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function loginUrl(callbackPath?: string | null): string {
  const safe = callbackPath ? safeCallbackPath(callbackPath, '') : '';
  return safe ? `/login?callbackUrl=${encodeURIComponent(safe)}` : '/login';
}
