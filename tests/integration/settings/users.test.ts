import bcrypt from 'bcryptjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, users } from '@/db/schema';
import { changeUserRole, createUser, resetUserPassword, setUserActive } from '@/lib/actions/users';
import { getCurrentUser } from '@/lib/auth/session';
import { verifyPassword } from '@/lib/auth/options';
import { listUsers } from '@/lib/data/users';
import { actAs } from '../../support/session-mock';
import { createUser as insertUser, usePortalTestEnv } from '../../support/portal-env';
import { snapshot, toFormData } from './settings-fixture';

let adminId: number;

beforeEach(async () => {
  usePortalTestEnv();
  adminId = (await insertUser('admin')).id;
  actAs(adminId);
});

const newUser = { email: ' Nadia@Example.test ', name: 'Nadia', role: 'noc', password: 'a-long-password-1' };

describe('user administration', () => {
  it('creates a user with a bcrypt hash who can then sign in', async () => {
    const state = await createUser(null, toFormData(newUser));
    expect(state).toMatchObject({ ok: true });
    const row = await getDb().select().from(users).where(eq(users.email, 'nadia@example.test')).get();
    expect(row!.passwordHash).not.toContain('a-long-password-1');
    expect(bcrypt.compareSync('a-long-password-1', row!.passwordHash!)).toBe(true);
    expect((await verifyPassword('nadia@example.test', 'a-long-password-1')).id).toBe(row!.id);
    expect(JSON.stringify(await listUsers())).not.toContain(row!.passwordHash!);
  });

  it('refuses a short password, a bad e-mail and a duplicate e-mail under their fields', async () => {
    await createUser(newUser);
    const before = await snapshot();
    expect((await createUser({ ...newUser, email: 'x@example.test', password: 'short-pass' })).errors?.password).toEqual([
      'At least 12 characters',
    ]);
    expect((await createUser({ ...newUser, email: 'not-an-email' })).errors?.email).toBeDefined();
    expect((await createUser({ ...newUser, role: 'root' })).errors?.role).toEqual(['Choose a role']);
    expect(await createUser({ ...newUser, email: 'NADIA@example.test' })).toMatchObject({
      status: 409,
      errors: { email: ['A user with nadia@example.test already exists'] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses self-demotion and self-deactivation with a clear message', async () => {
    const before = await snapshot();
    const demote = await changeUserRole({ id: String(adminId), role: 'manager' });
    expect(demote).toMatchObject({ ok: false, status: 409 });
    expect(demote.message).toBe('You cannot remove your own administrator role. Ask another administrator to do it.');
    const deactivate = await setUserActive({ id: String(adminId), active: 'false' });
    expect(deactivate).toMatchObject({ ok: false, status: 409, message: 'You cannot deactivate your own account. Ask another administrator to do it.' });
    expect(await snapshot()).toEqual(before);
  });

  it('applies a role change on the user’s next request', async () => {
    const other = await insertUser('noc', 'other@example.test');
    actAs(other.id);
    expect((await getCurrentUser())!.role).toBe('noc');
    actAs(adminId);
    expect(await changeUserRole(toFormData({ id: String(other.id), role: 'coordinator' }))).toMatchObject({ ok: true });
    actAs(other.id);
    expect((await getCurrentUser())!.role).toBe('coordinator');
  });

  it('deactivates and reactivates another user, who loses and regains access', async () => {
    const other = await insertUser('manager', 'other@example.test');
    expect(await setUserActive({ id: other.id, active: false })).toMatchObject({ ok: true });
    actAs(other.id);
    expect(await getCurrentUser()).toBeNull();
    actAs(adminId);
    await setUserActive({ id: other.id, active: 'true' });
    actAs(other.id);
    expect((await getCurrentUser())!.email).toBe('other@example.test');
    const actions = (await getDb().select().from(auditLog).where(eq(auditLog.entityType, 'user')).all()).map((a) => a.action);
    expect(actions).toEqual(['user.deactivate', 'user.reactivate']);
  });

  it('resets a password', async () => {
    const other = await insertUser('noc', 'other@example.test', 'old-password-123');
    expect(await resetUserPassword({ id: other.id, password: 'brand-new-password-9' })).toMatchObject({ ok: true });
    await expect(verifyPassword('other@example.test', 'old-password-123')).rejects.toThrow();
    expect((await verifyPassword('other@example.test', 'brand-new-password-9')).id).toBe(other.id);
    expect((await resetUserPassword({ id: other.id, password: 'too-short' })).errors?.password).toBeDefined();
    expect(await resetUserPassword({ id: 9999, password: 'brand-new-password-9' })).toMatchObject({ status: 404 });
  });
});
