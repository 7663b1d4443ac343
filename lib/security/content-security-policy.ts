/**
 * The portal's Content-Security-Policy. Pages get a fresh nonce per request (set by proxy.ts): Next puts it on its
 * own inline bootstrap scripts, so no other inline script can run. Styles allow inline attributes because React
 * components (calendar, charts) set `style`; a script cannot be smuggled through them.
 */

export const NONCE_HEADER = 'x-nonce';

export function createNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export interface PolicyOptions {
  /** `next dev` evaluates code with eval for fast refresh; production never does. */
  development?: boolean;
  /** The SSO issuer: the sign-in form posts to us and is redirected there, which form-action must allow. */
  ssoIssuer?: string;
}

export function pagePolicy(nonce: string, options: PolicyOptions = {}): string {
  const formTargets = ["'self'", originOf(options.ssoIssuer)].filter(Boolean).join(' ');
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formTargets}`,
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
  ];
  return directives.join('; ');
}
