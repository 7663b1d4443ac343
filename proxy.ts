import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { loginUrl, PATH_HEADER } from '@/lib/auth/callback-url';
import { createNonce, NONCE_HEADER, pagePolicy } from '@/lib/security/content-security-policy';

const STATIC_FILE = /\.(?:svg|png|jpe?g|gif|webp|ico|txt|xml|webmanifest|woff2?|css|js|map)$/i;

/**
 * Paths the sign-in redirect must never touch: next-auth itself, the sign-in page, Next assets, static files,
 * API routes (they answer 401 JSON themselves) and the Seller-facing listener and token paths, which Sellers call
 * with their own credentials. The health and readiness probes are named on their own: load balancers never sign in,
 * and they must stay open should API routes ever get the redirect.
 */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === '/login' ||
    pathname === '/api/health' ||
    pathname === '/api/ready' ||
    pathname.startsWith('/login/') ||
    pathname.startsWith('/api/') ||
    pathname.startsWith('/_next/') ||
    pathname === '/sellers' ||
    pathname.startsWith('/sellers/') ||
    pathname === '/oauth2' ||
    pathname.startsWith('/oauth2/') ||
    STATIC_FILE.test(pathname)
  );
}

/**
 * Every page request gets a fresh CSP nonce: Next reads it from the request's Content-Security-Policy header and puts
 * it on its inline scripts; the browser gets the same policy on the response.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const nonce = createNonce();
  const policy = pagePolicy(nonce, { development: process.env.NODE_ENV === 'development', ssoIssuer: process.env.OIDC_ISSUER });
  const headers = new Headers(request.headers);
  headers.set(NONCE_HEADER, nonce);
  headers.set('Content-Security-Policy', policy);
  const response = await redirectWithoutSession(request, headers);
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

/** Optimistic only: it checks that a session cookie decodes. Pages, actions and routes authorize again. */
async function redirectWithoutSession(request: NextRequest, headers: Headers): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname)) return NextResponse.next({ request: { headers } });

  const token = await getToken({ req: request, secret: process.env.NEXTAUTH_SECRET });
  if (!token) {
    const target = request.nextUrl.clone();
    const [path, query = ''] = loginUrl(`${pathname}${search}`).split('?');
    target.pathname = path!;
    target.search = query;
    return NextResponse.redirect(target);
  }

  headers.set(PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|_next/static|_next/image|sellers/|oauth2/|favicon.ico).*)'],
};
