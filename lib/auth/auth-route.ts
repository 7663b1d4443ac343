import NextAuth from 'next-auth';
import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { authOptions } from './options';
import { withSsoFailureCapture } from './sso-failures';
import type { SsoFailure } from './sso-messages';
import { providerSignOutUrl, type SsoSessionMark } from './sso-sign-out';

export interface AuthRouteContext {
  params: Promise<{ nextauth: string[] }>;
}

/** next-auth's generic codes for a failed OAuth sign-in, replaced by the failure the logger saw. */
const GENERIC_CODES = /([?&]error=)(OAuthSignin|OAuthCallback|Callback|OAuthCreateAccount)\b/;

function isJson(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('application/json');
}

async function rewriteJson(response: Response, change: (body: Record<string, unknown>) => Record<string, unknown>): Promise<Response> {
  const body = (await response.json()) as Record<string, unknown>;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(change(body)), { status: response.status, headers });
}

async function withFailureCode(response: Response, failure: SsoFailure): Promise<Response> {
  const location = response.headers.get('location');
  if (location && GENERIC_CODES.test(location)) {
    const headers = new Headers(response.headers);
    headers.set('location', location.replace(GENERIC_CODES, `$1${failure}`));
    return new Response(null, { status: response.status, headers });
  }
  if (isJson(response)) {
    return rewriteJson(response, (body) =>
      typeof body.url === 'string' ? { ...body, url: body.url.replace(GENERIC_CODES, `$1${failure}`) } : body,
    );
  }
  return response;
}

/**
 * next-auth's route, plus what it cannot do alone: tell the login page why single sign-on failed, and hand the
 * browser the provider's end-session address when an SSO user signs out.
 */
export async function handleAuthRequest(request: NextRequest, context: AuthRouteContext): Promise<Response> {
  const action = (await context.params).nextauth?.[0];
  let signOutUrl: string | null = null;
  if (request.method === 'POST' && action === 'signout') {
    const token = await getToken({ req: request, secret: env().NEXTAUTH_SECRET });
    const mark = token?.sso && typeof token.sso === 'object' ? (token.sso as SsoSessionMark) : undefined;
    signOutUrl = await providerSignOutUrl(mark, request.nextUrl.origin);
  }
  const { result, failure } = await withSsoFailureCapture(() => NextAuth(request, context, authOptions()) as Promise<Response>);
  if (failure) return withFailureCode(result, failure);
  if (signOutUrl && result.ok && isJson(result)) {
    // A refused CSRF check answers with a link back to the sign-out page: the session was not ended.
    return rewriteJson(result, (body) =>
      typeof body.url === 'string' && !body.url.includes('csrf=true') ? { ...body, endSessionUrl: signOutUrl } : body,
    );
  }
  return result;
}
