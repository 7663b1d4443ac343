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
}

/** The signed-in user as the database knows them now: a revoked or deactivated user loses access at once. */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { uid?: number } | null;
  const uid = session?.uid;
  if (!uid) return null;
  const user = await getDb().select().from(users).where(eq(users.id, uid)).get();
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, phone: user.phone, organization: user.organization };
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
