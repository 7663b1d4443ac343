'use server';

import bcrypt from 'bcryptjs';
import { eq, sql } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { ROLES, ssoIdentities, users } from '@/db/schema';
import { authorizedAction } from '@/lib/actions/authorized-action';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { audit } from '@/lib/data/audit';
import { getUserByEmail, getUserById, PASSWORD_MIN_LENGTH } from '@/lib/data/users';
import { liveStreams } from '@/lib/live/stream-registry';
import { write } from '@/db/transaction';

const BCRYPT_COST = 10;

/** bcrypt ignores everything after 72 bytes, so a longer password would be silently weaker than it looks. */
const password = z
  .string({ error: `Enter a password of at least ${PASSWORD_MIN_LENGTH} characters` })
  .min(PASSWORD_MIN_LENGTH, `At least ${PASSWORD_MIN_LENGTH} characters`)
  .refine((v) => Buffer.byteLength(v, 'utf8') <= 72, 'At most 72 bytes (bcrypt ignores the rest)');

const userId = z.coerce.number({ error: 'Unknown user' }).int().positive('Unknown user');
const role = z.enum(ROLES, { error: 'Choose a role' });
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'Must be true or false' });

const createInput = z.object({
  email: z
    .string({ error: 'Enter an e-mail address' })
    .trim()
    .toLowerCase()
    .max(254, 'At most 254 characters')
    .pipe(z.email('Enter a valid e-mail address')),
  name: z.string({ error: 'Enter a name' }).trim().min(1, 'Enter a name').max(100, 'At most 100 characters'),
  role,
  password,
});

const hash = (plain: string) => bcrypt.hash(plain, BCRYPT_COST);

function refreshUsersPage() {
  revalidatePath('/settings/users');
}

/** Ends the user's sessions everywhere: tokens signed in under the old version stop working on their next request. */
const nextSessionVersion = { sessionVersion: sql`${users.sessionVersion} + 1` };

function endOpenStreams(userId: number) {
  liveStreams().endAllOf(userId);
}

export const createUser = authorizedAction('users.manage', createInput, async (input, actor) => {
  if (await getUserByEmail(input.email)) {
    return {
      ok: false,
      status: 409,
      message: 'Some fields need your attention.',
      errors: { email: [`A user with ${input.email} already exists`] },
    };
  }
  const passwordHash = await hash(input.password);
  const [row] = await write((db) =>
    db.insert(users).values({ email: input.email, name: input.name, role: input.role, passwordHash }).returning({ id: users.id }),
  );
  await audit(actor, 'user.create', 'user', row!.id, { email: input.email, name: input.name, role: input.role });
  refreshUsersPage();
  return { ok: true, message: `${input.name} can now sign in as ${ROLE_LABELS[input.role]}.`, data: { id: row!.id } };
});

export const changeUserRole = authorizedAction('users.manage', z.object({ id: userId, role }), async (input, actor) => {
  const target = await getUserById(input.id);
  if (!target) return { ok: false, status: 404, message: 'This user no longer exists.' };
  if (target.id === actor.id && input.role !== 'admin') {
    return {
      ok: false,
      status: 409,
      message: 'You cannot remove your own administrator role. Ask another administrator to do it.',
      errors: { role: ['You cannot demote yourself'] },
    };
  }
  if (target.role === input.role) return { ok: true, message: 'Nothing changed.' };
  await write(() =>
    getDb()
      .update(users)
      .set({ role: input.role, ...nextSessionVersion, updatedAt: new Date().toISOString() })
      .where(eq(users.id, target.id)),
  );
  endOpenStreams(target.id);
  await audit(actor, 'user.role', 'user', target.id, { email: target.email, from: target.role, to: input.role });
  refreshUsersPage();
  return { ok: true, message: `${target.name} is now ${ROLE_LABELS[input.role]}; they are signed out and sign in again under the new role.` };
});

export const setUserActive = authorizedAction('users.manage', z.object({ id: userId, active: flag }), async (input, actor) => {
  const target = await getUserById(input.id);
  if (!target) return { ok: false, status: 404, message: 'This user no longer exists.' };
  if (target.id === actor.id && !input.active) {
    return {
      ok: false,
      status: 409,
      message: 'You cannot deactivate your own account. Ask another administrator to do it.',
    };
  }
  if (target.active === input.active) return { ok: true, message: 'Nothing changed.' };
  await write(() =>
    getDb()
      .update(users)
      .set({ active: input.active, ...(input.active ? {} : nextSessionVersion), updatedAt: new Date().toISOString() })
      .where(eq(users.id, target.id)),
  );
  if (!input.active) endOpenStreams(target.id);
  await audit(actor, input.active ? 'user.reactivate' : 'user.deactivate', 'user', target.id, { email: target.email });
  refreshUsersPage();
  return {
    ok: true,
    message: input.active ? `${target.name} can sign in again.` : `${target.name} is deactivated and signed out from their next request.`,
  };
});

export const resetUserPassword = authorizedAction('users.manage', z.object({ id: userId, password }), async (input, actor) => {
  const target = await getUserById(input.id);
  if (!target) return { ok: false, status: 404, message: 'This user no longer exists.' };
  const passwordHash = await hash(input.password);
  await write(() =>
    getDb()
      .update(users)
      .set({ passwordHash, ...nextSessionVersion, updatedAt: new Date().toISOString() })
      .where(eq(users.id, target.id)),
  );
  endOpenStreams(target.id);
  await audit(actor, 'user.password-reset', 'user', target.id, { email: target.email });
  refreshUsersPage();
  return { ok: true, message: `Password of ${target.name} reset and their open sessions ended. Give it to them through a safe channel.` };
});

/** Unbinds the user's SSO identities: their next SSO sign-in is treated as a first one (new account, or linking). */
export const unlinkUserSso = authorizedAction('users.manage', z.object({ id: userId }), async (input, actor) => {
  const target = await getUserById(input.id);
  if (!target) return { ok: false, status: 404, message: 'This user no longer exists.' };
  if (target.id === actor.id) {
    return { ok: false, status: 409, message: 'You cannot unlink your own single sign-on. Ask another administrator to do it.' };
  }
  const removed = await write((db) =>
    db.delete(ssoIdentities).where(eq(ssoIdentities.userId, target.id)).returning({ issuer: ssoIdentities.issuer, subject: ssoIdentities.subject }),
  );
  if (removed.length === 0) return { ok: true, message: 'Nothing changed.' };
  await audit(actor, 'user.sso.unlinked', 'user', target.id, { email: target.email, identities: removed });
  refreshUsersPage();
  return { ok: true, message: `${target.name} is no longer linked to single sign-on.` };
});
