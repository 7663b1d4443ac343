import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { loginUrl, PATH_HEADER } from '@/lib/auth/callback-url';

const STATIC_FILE = /\.(?:svg|png|jpe?g|gif|webp|ico|txt|xml|webmanifest|woff2?|css|js|map)$/i;

/**
 * Paths the sign-in redirect must never touch: next-auth itself, the sign-in page, Next assets, static files,
 * API routes (they answer 401 JSON themselves) and the Seller-facing listener and token paths, which Sellers call
 * with their own credentials.
 */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === '/login' ||
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

/** Optimistic only: it checks that a session cookie decodes. Pages, actions and routes authorize again. */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname)) return NextResponse.next();

  const token = await getToken({ req: request, secret: process.env.NEXTAUTH_SECRET });
  if (!token) {
    const target = request.nextUrl.clone();
    const [path, query = ''] = loginUrl(`${pathname}${search}`).split('?');
    target.pathname = path!;
    target.search = query;
    return NextResponse.redirect(target);
  }

  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|_next/static|_next/image|sellers/|oauth2/|favicon.ico).*)'],
};
