import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import { INVALID_LOGIN, TOO_MANY_ATTEMPTS, verifyPassword } from '@/lib/auth/options';
import { createUser, usePortalTestEnv } from '../support/portal-env';

describe('password sign-in', () => {
  beforeEach(() => {
    usePortalTestEnv();
    process.env.LOGIN_MAX_FAILURES = '3';
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

  it('locks the account after repeated failures, even for the right password', async () => {
    await createUser('noc', 'noc@example.test', 'right-password-1');
    for (let i = 0; i < 3; i++) await expect(verifyPassword('noc@example.test', 'nope')).rejects.toThrow(INVALID_LOGIN);
    await expect(verifyPassword('noc@example.test', 'right-password-1')).rejects.toThrow(TOO_MANY_ATTEMPTS);
    const trail = await getDb().select().from(auditLog).all();
    expect(trail.map((e) => e.action)).toEqual([
      'auth.sign-in.failed',
      'auth.sign-in.failed',
      'auth.sign-in.failed',
      'auth.lockout',
      'auth.sign-in.refused-locked',
    ]);
    expect(new Set(trail.map((e) => e.actor))).toEqual(new Set(['noc@example.test']));
  });

  it('locks by client address across e-mails', async () => {
    for (const n of [1, 2, 3]) {
      await expect(verifyPassword(`user${n}@example.test`, 'nope', '203.0.113.9')).rejects.toThrow(INVALID_LOGIN);
    }
    await createUser('noc', 'noc@example.test', 'right-password-1');
    await expect(verifyPassword('noc@example.test', 'right-password-1', '203.0.113.9')).rejects.toThrow(TOO_MANY_ATTEMPTS);
    await expect(verifyPassword('noc@example.test', 'right-password-1', '198.51.100.1')).resolves.toBeTruthy();
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
