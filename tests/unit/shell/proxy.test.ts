import { describe, expect, it } from 'vitest';
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { isPublicPath, proxy } from '@/proxy';

const SECRET = 'proxy-test-secret-proxy-test-secret-0123';
process.env.NEXTAUTH_SECRET = SECRET;
delete process.env.NEXTAUTH_URL;

async function request(path: string, session?: { secret: string }): Promise<NextRequest> {
  const headers = new Headers();
  if (session) {
    const token = await encode({ token: { uid: 7 }, secret: session.secret });
    headers.set('cookie', `next-auth.session-token=${token}`);
  }
  return new NextRequest(new URL(path, 'http://127.0.0.1:3000'), { headers });
}

describe('sign-in redirect proxy', () => {
  it('sends a portal page request without a session to sign in, with the page as callback', async () => {
    const res = await proxy(await request('/tickets?status=open'));
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('callbackUrl')).toBe('/tickets?status=open');
  });

  it('does not trust a session cookie sealed with another secret', async () => {
    const res = await proxy(await request('/dashboard', { secret: 'another-secret-another-secret-0123456' }));
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get('location')!).pathname).toBe('/login');
  });

  it('lets a request with a session through and tells the page its own path', async () => {
    const res = await proxy(await request('/work-orders?page=2', { secret: SECRET }));
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.get('x-middleware-request-x-portal-path')).toBe('/work-orders?page=2');
  });

  it.each([
    '/login',
    '/api/auth/session',
    '/api/auth/callback/credentials',
    '/api/tickets',
    '/api/health',
    '/api/ready',
    '/_next/static/chunks/app.js',
    '/logo.svg',
    '/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent',
    '/oauth2/token',
  ])('leaves %s alone', async (path) => {
    expect(isPublicPath(path)).toBe(true);
    const res = await proxy(await request(path));
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('x-middleware-request-x-portal-path')).toBeNull();
  });

  it.each(['/', '/tickets', '/settings/sellers', '/loginx', '/sellers-report', '/forbidden'])(
    'guards the portal page %s',
    (path) => {
      expect(isPublicPath(path)).toBe(false);
    },
  );
});
