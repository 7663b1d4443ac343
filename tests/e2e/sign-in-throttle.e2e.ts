import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVALID_LOGIN, TOO_MANY_ATTEMPTS } from '@/lib/auth/options';
import { DEMO_LOGINS, startPortal, type PortalHandle } from './harness';

let portal: PortalHandle;

beforeAll(async () => {
  portal = await startPortal({ env: { ...process.env, LOGIN_MAX_FAILURES: '3', TRUSTED_PROXY_HOPS: '0' } });
});

afterAll(async () => {
  await portal?.stop();
});

/** One credentials sign-in through next-auth's own endpoints, as the form posts it; the outcome as the form shows it. */
async function signInOverHttp(email: string, password: string, headers: Record<string, string> = {}): Promise<string> {
  const csrf = await fetch(`${portal.baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${portal.baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-auth-return-redirect': '1', ...headers },
    body: new URLSearchParams({ email, password, csrfToken, json: 'true', callbackUrl: `${portal.baseUrl}/tickets` }),
  });
  if (res.headers.getSetCookie().some((c) => c.includes('session-token='))) return 'signed in';
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  const location = body.url ?? res.headers.get('location') ?? '';
  return new URL(location, portal.baseUrl).searchParams.get('error') ?? `unexpected answer ${res.status} ${location}`;
}

function throttleKeys(): string[] {
  const db = new Database(portal.dbPath, { readonly: true });
  try {
    return (db.prepare('select key from login_attempts order by key').all() as { key: string }[]).map((r) => r.key);
  } finally {
    db.close();
  }
}

describe('sign-in throttling on the real server', () => {
  it('charges the connection’s own address, not a forged X-Forwarded-For', async () => {
    expect(await signInOverHttp(DEMO_LOGINS.manager.email, 'wrong-password', { 'x-forwarded-for': '198.51.100.77' })).toBe(INVALID_LOGIN);
    const keys = throttleKeys();
    expect(keys).toContain('address:127.0.0.1');
    expect(keys.some((k) => k.includes('198.51.100.77'))).toBe(false);
    // A forged address cannot escape the slow-down either: every attempt lands on the same counters.
    for (const forged of ['198.51.100.78', '198.51.100.79']) {
      expect(await signInOverHttp(DEMO_LOGINS.manager.email, 'wrong-password', { 'x-forwarded-for': forged })).toBe(INVALID_LOGIN);
    }
    expect(await signInOverHttp(DEMO_LOGINS.manager.email, 'wrong-password', { 'x-forwarded-for': '198.51.100.80' })).toMatch(
      new RegExp(`^${TOO_MANY_ATTEMPTS.replace(/\./g, '\\.')} Try again in \\d+ seconds?\\.$`),
    );
  });

  it('counts parallel attempts before comparing passwords: only the free failures are tried', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => signInOverHttp(DEMO_LOGINS.noc.email, `guess-${i}`)));
    expect(outcomes.filter((o) => o === INVALID_LOGIN)).toHaveLength(3);
    expect(outcomes.filter((o) => o.startsWith(TOO_MANY_ATTEMPTS))).toHaveLength(5);
  });

  it('lets the right password in for an account nobody failed on', async () => {
    expect(await signInOverHttp(DEMO_LOGINS.coordinator.email, DEMO_LOGINS.coordinator.password)).toBe('signed in');
  });
});
