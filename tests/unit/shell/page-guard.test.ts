import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

const requestHeaders = vi.hoisted(() => ({ current: new Headers() }));
vi.mock('next/headers', () => ({ headers: async () => requestHeaders.current }));

const { requirePageUser } = await import('@/lib/auth/page-guard');

/** Runs the guard and returns where it redirected to, or null when it let the user through. */
async function redirectOf(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (err) {
    const digest = (err as { digest?: unknown }).digest;
    if (typeof digest !== 'string' || !digest.startsWith('NEXT_REDIRECT;')) throw err;
    return digest.split(';').slice(2, -2).join(';');
  }
}

describe('requirePageUser', () => {
  beforeEach(() => {
    usePortalTestEnv();
    requestHeaders.current = new Headers({ 'x-portal-path': '/tickets?status=open' });
  });

  it('sends a visitor without a session to sign in, coming back to the page they asked for', async () => {
    actAs(null);
    expect(await redirectOf(() => requirePageUser('tickets.view'))).toBe(
      '/login?callbackUrl=%2Ftickets%3Fstatus%3Dopen',
    );
  });

  it('prefers the path the page gives', async () => {
    actAs(null);
    expect(await redirectOf(() => requirePageUser('incidents.view', { path: '/incidents' }))).toBe(
      '/login?callbackUrl=%2Fincidents',
    );
  });

  it('drops a callback that is not a same-origin path', async () => {
    actAs(null);
    requestHeaders.current = new Headers({ 'x-portal-path': '//evil.example/' });
    expect(await redirectOf(() => requirePageUser('tickets.view'))).toBe('/login');
  });

  it('sends a signed-in user without the permission to the 403 page that names it', async () => {
    const noc = await createUser('noc');
    actAs(noc.id);
    expect(await redirectOf(() => requirePageUser('settings.view'))).toBe('/forbidden?need=settings.view');
  });

  it('returns the user as the database knows them when the role holds the permission', async () => {
    const admin = await createUser('admin');
    actAs(admin.id);
    const user = await requirePageUser('settings.view');
    expect(user).toMatchObject({ id: admin.id, role: 'admin', email: admin.email });
    const coordinator = await createUser('coordinator');
    actAs(coordinator.id);
    expect((await requirePageUser('appointments.view')).role).toBe('coordinator');
  });

  it('treats a deactivated user as signed out', async () => {
    const noc = await createUser('noc');
    await getDb().update(users).set({ active: false }).where(eq(users.id, noc.id));
    actAs(noc.id);
    expect(await redirectOf(() => requirePageUser('tickets.view'))).toBe(
      '/login?callbackUrl=%2Ftickets%3Fstatus%3Dopen',
    );
  });
});
