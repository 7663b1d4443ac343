import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, loginAttempts } from '@/db/schema';
import { clientAddress, INVALID_LOGIN, TOO_MANY_ATTEMPTS, verifyPassword } from '@/lib/auth/options';
import { PEER_ADDRESS_HEADER } from '@/lib/security/peer-address';
import { createUser, usePortalTestEnv } from '../support/portal-env';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** The attempt's outcome as the sign-in form would show it. */
async function attempt(email: string, password: string, address: string | undefined, when: Date): Promise<string> {
  try {
    await verifyPassword(email, password, address, when);
    return 'signed in';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('password sign-in', () => {
  beforeEach(() => {
    usePortalTestEnv();
    Object.assign(process.env, { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_DELAY_SECONDS: '300', LOGIN_ACCOUNT_MAX_DELAY_SECONDS: '30', LOGIN_WINDOW_MINUTES: '15', TRUSTED_PROXY_HOPS: '0' });
  });

  it('accepts the right password', async () => {
    const user = await createUser('noc', 'noc@example.test', 'right-password-1');
    const signedIn = await verifyPassword('NOC@example.test ', 'right-password-1');
    expect(signedIn.id).toBe(user.id);
  });

  it('gives the same message for an unknown e-mail and a wrong password', async () => {
    await createUser('noc', 'noc@example.test', 'right-password-1');
    await expect(verifyPassword('noc@example.test', 'wrong')).rejects.toThrow(INVALID_LOGIN);
    await expect(verifyPassword('nobody@example.test', 'wrong')).rejects.toThrow(INVALID_LOGIN);
  });

  it('records failures and refusals while slowed down in the audit trail, under the name that was typed', async () => {
    await createUser('noc', 'noc@example.test', 'right-password-1');
    for (let i = 0; i < 3; i++) expect(await attempt('noc@example.test', 'nope', '198.51.100.7', T0)).toBe(INVALID_LOGIN);
    expect(await attempt('noc@example.test', 'right-password-1', '198.51.100.7', T0)).toBe(`${TOO_MANY_ATTEMPTS} Try again in 1 second.`);
    const trail = await getDb().select().from(auditLog).all();
    expect(trail.map((e) => e.action)).toEqual(['auth.sign-in.failed', 'auth.sign-in.failed', 'auth.sign-in.failed', 'auth.sign-in.refused-slowed']);
    expect(new Set(trail.map((e) => e.actor))).toEqual(new Set(['noc@example.test']));
  });

  it('refuses a deactivated user with the generic message', async () => {
    const user = await createUser('noc', 'noc@example.test', 'right-password-1');
    const { users } = await import('@/db/schema');
    const { eq } = await import('drizzle-orm');
    await getDb().update(users).set({ active: false }).where(eq(users.id, user.id)).run();
    await expect(verifyPassword('noc@example.test', 'right-password-1')).rejects.toThrow(INVALID_LOGIN);
    const trail = await getDb().select().from(auditLog).all();
    expect(trail.map((e) => [e.action, e.userId, e.detail])).toEqual([['auth.sign-in.failed', user.id, { reason: 'deactivated' }]]);
  });
});

describe('sign-in throttling', () => {
  beforeEach(() => {
    usePortalTestEnv();
    Object.assign(process.env, { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_DELAY_SECONDS: '300', LOGIN_ACCOUNT_MAX_DELAY_SECONDS: '30', LOGIN_WINDOW_MINUTES: '15', TRUSTED_PROXY_HOPS: '0' });
  });

  it('counts parallel attempts before any password is compared: only the free failures reach the hash', async () => {
    await createUser('admin', 'admin@example.test', 'right-password-1');
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt('admin@example.test', `guess-${i}`, '203.0.113.9', T0)));
    expect(outcomes.filter((o) => o === INVALID_LOGIN)).toHaveLength(3);
    expect(outcomes.filter((o) => o.startsWith(TOO_MANY_ATTEMPTS))).toHaveLength(9);
  });

  it('slows the account down progressively instead of locking it: the right password works once the wait is over', async () => {
    await createUser('admin', 'admin@example.test', 'right-password-1');
    const ip = '198.51.100.7';
    for (let i = 0; i < 3; i++) expect(await attempt('admin@example.test', 'nope', ip, T0)).toBe(INVALID_LOGIN);
    expect(await attempt('admin@example.test', 'right-password-1', ip, T0)).toBe(`${TOO_MANY_ATTEMPTS} Try again in 1 second.`);
    // Each further failure doubles the wait: 1 s, 2 s, 4 s.
    expect(await attempt('admin@example.test', 'nope', ip, at(1))).toBe(INVALID_LOGIN);
    expect(await attempt('admin@example.test', 'nope', ip, at(2))).toBe(`${TOO_MANY_ATTEMPTS} Try again in 1 second.`);
    expect(await attempt('admin@example.test', 'nope', ip, at(3))).toBe(INVALID_LOGIN);
    expect(await attempt('admin@example.test', 'right-password-1', ip, at(3))).toBe(`${TOO_MANY_ATTEMPTS} Try again in 4 seconds.`);
    // Refused attempts are not counted: the wait does not grow while the owner retries.
    expect(await attempt('admin@example.test', 'right-password-1', ip, at(5))).toBe(`${TOO_MANY_ATTEMPTS} Try again in 2 seconds.`);
    expect(await attempt('admin@example.test', 'right-password-1', ip, at(7))).toBe('signed in');
    // A good sign-in clears the account's counter for this address.
    expect(await attempt('admin@example.test', 'nope', ip, at(8))).toBe(INVALID_LOGIN);
    expect(await attempt('admin@example.test', 'right-password-1', ip, at(8))).toBe('signed in');
  });

  it('caps the wait at LOGIN_MAX_DELAY_SECONDS', async () => {
    process.env.LOGIN_MAX_DELAY_SECONDS = '20';
    let clock = 0;
    for (let i = 0; i < 12; i++) {
      const outcome = await attempt('someone@example.test', 'nope', '198.51.100.7', at(clock));
      expect(outcome).toBe(INVALID_LOGIN);
      const next = await attempt('someone@example.test', 'nope', '198.51.100.7', at(clock));
      const wait = Number(/in (\d+) second/.exec(next)?.[1] ?? 0);
      expect(wait).toBeLessThanOrEqual(20);
      clock += wait;
    }
    const last = await attempt('someone@example.test', 'nope', '198.51.100.7', at(clock - 1));
    expect(last).toBe(`${TOO_MANY_ATTEMPTS} Try again in 1 second.`);
  });

  it('an attacker at another address slows the owner down by at most LOGIN_ACCOUNT_MAX_DELAY_SECONDS', async () => {
    await createUser('admin', 'admin@example.test', 'right-password-1');
    let clock = 0;
    // Forty guesses, each as soon as the attacker's own wait allows.
    for (let i = 0; i < 40; i++) {
      const outcome = await attempt('admin@example.test', `guess-${i}`, '203.0.113.66', at(clock));
      const wait = /in (\d+) (second|minute)/.exec(outcome);
      clock += wait ? Number(wait[1]) * (wait[2] === 'minute' ? 60 : 1) : 0;
    }
    const owner = await attempt('admin@example.test', 'right-password-1', '198.51.100.7', at(clock));
    const wait = Number(/in (\d+) second/.exec(owner)?.[1] ?? 0);
    expect(owner === 'signed in' || wait <= 30).toBe(true);
    const signedInAt = clock + wait;
    expect(await attempt('admin@example.test', 'right-password-1', '198.51.100.7', at(signedInAt))).toBe('signed in');
    // The attacker's own address keeps its long wait: one more guess, then five minutes.
    expect(await attempt('admin@example.test', 'guess-x', '203.0.113.66', at(signedInAt))).toBe(INVALID_LOGIN);
    expect(await attempt('admin@example.test', 'guess-y', '203.0.113.66', at(signedInAt))).toBe(`${TOO_MANY_ATTEMPTS} Try again in 5 minutes.`);
    const owner2 = await attempt('admin@example.test', 'right-password-1', '198.51.100.7', at(signedInAt));
    expect(owner2).toBe(`${TOO_MANY_ATTEMPTS} Try again in 30 seconds.`);
  });

  it('slows an address down across e-mails, without touching other addresses', async () => {
    await createUser('noc', 'noc@example.test', 'right-password-1');
    // Twelve e-mails (four times LOGIN_MAX_FAILURES) from one address.
    for (let n = 0; n < 12; n++) expect(await attempt(`user${n}@example.test`, 'nope', '203.0.113.9', T0)).toBe(INVALID_LOGIN);
    expect(await attempt('noc@example.test', 'right-password-1', '203.0.113.9', T0)).toMatch(/^Too many failed sign-in attempts\./);
    expect(await attempt('noc@example.test', 'right-password-1', '198.51.100.1', T0)).toBe('signed in');
  });

  it('forgets failures after LOGIN_WINDOW_MINUTES of quiet and deletes their rows', async () => {
    for (let n = 0; n < 5; n++) await attempt(`user${n}@example.test`, 'nope', `203.0.113.${n}`, T0);
    expect(await getDb().select().from(loginAttempts).all()).toHaveLength(15);
    await attempt('late@example.test', 'nope', '198.51.100.1', at(15 * 60 + 1));
    const left = (await getDb().select().from(loginAttempts).all()).map((r) => r.key).sort();
    expect(left).toEqual(['account-address:late@example.test|198.51.100.1', 'account:late@example.test', 'address:198.51.100.1']);
  });
});

describe('client address', () => {
  beforeEach(() => usePortalTestEnv());

  it('without proxies, is the connection’s peer whatever X-Forwarded-For says', () => {
    process.env.TRUSTED_PROXY_HOPS = '0';
    expect(clientAddress({ 'x-forwarded-for': '198.51.100.250', [PEER_ADDRESS_HEADER]: '203.0.113.9' })).toBe('203.0.113.9');
  });

  it('behind one proxy, is the entry that proxy appended, not the client-written ones to its left', () => {
    process.env.TRUSTED_PROXY_HOPS = '1';
    expect(clientAddress({ 'x-forwarded-for': '198.51.100.250, 203.0.113.9', [PEER_ADDRESS_HEADER]: '10.0.0.2' })).toBe('203.0.113.9');
  });

  it('behind two proxies, is the entry two hops from the peer', () => {
    process.env.TRUSTED_PROXY_HOPS = '2';
    expect(clientAddress({ 'x-forwarded-for': 'forged, 203.0.113.9, 10.0.0.3', [PEER_ADDRESS_HEADER]: '10.0.0.2' })).toBe('203.0.113.9');
  });
});
