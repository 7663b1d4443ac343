import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { TokenSet } from 'next-auth';
import { env } from '@/lib/env';
import type { SsoClaims } from './sso-identities';

export const SSO_PROVIDER_ID = 'oidc';

export function issuerBase(issuer: string): string {
  return issuer.replace(/\/$/, '');
}

/** Claims the portal needs and that a provider may keep out of the ID token (OIDC Core 5.4 serves them at userinfo). */
function missingClaims(claims: SsoClaims, roleClaim: string | undefined): boolean {
  if (typeof claims.email !== 'string' || !claims.email) return true;
  if (typeof claims.name !== 'string' || !claims.name) return true;
  return !!roleClaim && claims[roleClaim] === undefined;
}

interface UserinfoContext {
  tokens: TokenSet & { claims(): SsoClaims };
  client: { userinfo(tokens: unknown): Promise<SsoClaims> };
}

/**
 * The ID token's claims, completed from the userinfo endpoint when e-mail, name or the role claim is missing. The ID
 * token wins where both speak, except that email_verified follows the e-mail it describes. openid-client refuses a
 * userinfo answer about another subject.
 */
export async function ssoClaims({ tokens, client }: UserinfoContext, roleClaim: string | undefined): Promise<SsoClaims> {
  const fromIdToken = tokens.claims();
  if (!missingClaims(fromIdToken, roleClaim) || !tokens.access_token) return fromIdToken;
  const fromUserinfo = await client.userinfo(tokens);
  const merged: SsoClaims = { ...fromUserinfo, ...fromIdToken };
  if ((typeof fromIdToken.email !== 'string' || !fromIdToken.email) && typeof fromUserinfo.email === 'string') {
    merged.email = fromUserinfo.email;
    merged.email_verified = fromUserinfo.email_verified;
  }
  return merged;
}

export function ssoProvider(): OAuthConfig<SsoClaims> | null {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return {
    id: SSO_PROVIDER_ID,
    name: e.OIDC_NAME,
    type: 'oauth',
    wellKnown: `${issuerBase(e.OIDC_ISSUER)}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: e.OIDC_SCOPES } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    httpOptions: { timeout: 5_000 },
    userinfo: { request: (context) => ssoClaims(context as unknown as UserinfoContext, e.OIDC_ROLE_CLAIM) },
    profile(claims) {
      const sub = typeof claims.sub === 'string' ? claims.sub : '';
      const email = typeof claims.email === 'string' ? claims.email : '';
      const name = typeof claims.name === 'string' && claims.name ? claims.name : email || sub;
      return { id: sub, email, name };
    },
  };
}
