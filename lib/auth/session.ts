import 'server-only';
import { eq } from 'drizzle-orm';
import { getServerSession } from 'next-auth';
import { getDb } from '@/db';
import { users, type Role } from '@/db/schema';
import { authOptions } from './options';
import { can, type Permission, whyNot } from './permissions';

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  phone: string;
  organization: string;
  /** The session version the session was signed in under (see users.sessionVersion). */
  sessionVersion: number;
}

/** The user behind a session token's claims, or null when the user is gone, deactivated or signed in before their
 * session version was raised (password reset, role change, deactivation). */
export async function userForSession(uid: number | undefined, sessionVersion: number | undefined): Promise<SessionUser | null> {
  if (!uid) return null;
  const user = (await getDb().select().from(users).where(eq(users.id, uid)).limit(1))[0];
  if (!user || !user.active || user.sessionVersion !== (sessionVersion ?? 0)) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    phone: user.phone,
    organization: user.organization,
    sessionVersion: user.sessionVersion,
  };
}

/** The signed-in user as the database knows them now: a revoked or deactivated user loses access at once. */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { uid?: number; sv?: number } | null;
  return userForSession(session?.uid, session?.sv);
}

/** For long-lived responses (live streams): whether the session they were opened under still holds `permission`. */
export async function sessionStillAllows(user: SessionUser, permission: Permission): Promise<boolean> {
  const current = await userForSession(user.id, user.sessionVersion);
  return !!current && can(current.role, permission);
}

export class AccessError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'AccessError';
  }
}

/** Resolves the current user if they hold `permission`; otherwise throws AccessError (401 without session, 403 with). */
export async function requirePermission(permission: Permission): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AccessError(401, 'Sign in first.');
  if (!can(user.role, permission)) throw new AccessError(403, whyNot(user.role, permission) ?? 'Not allowed.');
  return user;
}
