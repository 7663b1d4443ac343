import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { ssoIdentities, users, type Role } from '@/db/schema';

/** Shortest password an administrator may set (sign-in passwords are bcrypt-hashed). */
export const PASSWORD_MIN_LENGTH = 12;

/** A user as the settings screen shows them: never the password hash. */
export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  /** false for users who only sign in through the company's SSO. */
  hasPassword: boolean;
  /** An SSO identity (issuer and subject) is bound to this account. */
  ssoLinked: boolean;
  phone: string;
  organization: string;
  createdAt: string;
}

function toView(u: typeof users.$inferSelect, linked: ReadonlySet<number> = new Set()): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    hasPassword: u.passwordHash !== null,
    ssoLinked: linked.has(u.id),
    phone: u.phone,
    organization: u.organization,
    createdAt: u.createdAt,
  };
}

export async function listUsers(): Promise<UserView[]> {
  const db = getDb();
  const rows = await db.select().from(users).orderBy(asc(users.name), asc(users.email));
  const linked = new Set((await db.selectDistinct({ userId: ssoIdentities.userId }).from(ssoIdentities)).map((r) => r.userId));
  return rows.map((row) => toView(row, linked));
}

export async function getUserById(id: number): Promise<UserView | undefined> {
  const row = (await getDb().select().from(users).where(eq(users.id, id)).limit(1))[0];
  if (!row) return undefined;
  const identity = (await getDb().select({ id: ssoIdentities.id }).from(ssoIdentities).where(eq(ssoIdentities.userId, id)).limit(1))[0];
  return toView(row, new Set(identity ? [id] : []));
}

export async function getUserByEmail(email: string): Promise<UserView | undefined> {
  const row = (await getDb().select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1))[0];
  return row ? toView(row) : undefined;
}
