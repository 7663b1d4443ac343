import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users, type Role } from '@/db/schema';

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
  phone: string;
  organization: string;
  createdAt: string;
}

function toView(u: typeof users.$inferSelect): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    hasPassword: u.passwordHash !== null,
    phone: u.phone,
    organization: u.organization,
    createdAt: u.createdAt,
  };
}

export async function listUsers(): Promise<UserView[]> {
  const rows = await getDb().select().from(users).orderBy(asc(users.name), asc(users.email)).all();
  return rows.map(toView);
}

export async function getUserById(id: number): Promise<UserView | undefined> {
  const row = await getDb().select().from(users).where(eq(users.id, id)).get();
  return row ? toView(row) : undefined;
}

export async function getUserByEmail(email: string): Promise<UserView | undefined> {
  const row = await getDb().select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  return row ? toView(row) : undefined;
}
