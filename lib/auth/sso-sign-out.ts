import { env } from '@/lib/env';
import { issuerBase } from './sso-provider';
import { loggableMessage } from './sso-failures';

/** ID tokens carrying many groups grow past what a cookie should hold; such a session is ended by client_id alone. */
const MAX_KEPT_ID_TOKEN = 3_000;

/** What the session keeps of an SSO sign-in (encrypted, in the session cookie) to end it at the provider later. */
export interface SsoSessionMark {
  idToken?: string;
}

export function ssoSessionMark(idToken: string | undefined): SsoSessionMark {
  return idToken && idToken.length <= MAX_KEPT_ID_TOKEN ? { idToken } : {};
}

/**
 * Where the browser goes to end the provider session too (OpenID Connect RP-Initiated Logout 1.0), or null when the
 * provider does not advertise end_session_endpoint, cannot be reached, or ending it is turned off. The portal session
 * ends either way.
 */
export async function providerSignOutUrl(mark: SsoSessionMark | undefined, fallbackOrigin: string): Promise<string | null> {
  const e = env();
  if (!mark || !e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_END_SESSION) return null;
  const issuer = issuerBase(e.OIDC_ISSUER);
  let endpoint: unknown;
  try {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    endpoint = ((await res.json()) as { end_session_endpoint?: unknown }).end_session_endpoint;
  } catch (err) {
    console.error(`[sso] provider sign-out skipped: ${loggableMessage(err)}`);
    return null;
  }
  if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) return null;
  const url = new URL(endpoint);
  if (mark.idToken) url.searchParams.set('id_token_hint', mark.idToken);
  url.searchParams.set('client_id', e.OIDC_CLIENT_ID);
  url.searchParams.set('post_logout_redirect_uri', `${(e.NEXTAUTH_URL ?? fallbackOrigin).replace(/\/$/, '')}/login`);
  return url.toString();
}
