import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { users, type Role } from '@/db/schema';
import { env } from '@/lib/env';
import { clearFailures, lockedKeys, recordFailure, throttleKeys } from './login-throttle';

export const INVALID_LOGIN = 'Invalid e-mail or password.';
export const TOO_MANY_ATTEMPTS = 'Too many failed sign-in attempts. Wait a few minutes and try again.';

// A fixed hash so an unknown e-mail costs the same time as a wrong password.
const DUMMY_HASH = '$2b$10$mhoaCRx/VyXc7qnuiYeEiuH2m6QERoebCwN0GVP/7oGcdyE124YR.';

function clientAddress(headers: Record<string, unknown> | undefined): string | undefined {
  const forwarded = headers?.['x-forwarded-for'];
  if (typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
  const real = headers?.['x-real-ip'];
  return typeof real === 'string' ? real : undefined;
}

export async function verifyPassword(email: string, password: string, address?: string) {
  const db = getDb();
  const { LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES } = env();
  const keys = throttleKeys(email, address);
  if (await lockedKeys(db, keys)) throw new Error(TOO_MANY_ATTEMPTS);
  const user = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok || !user.active) {
    await recordFailure(db, keys, { maxFailures: LOGIN_MAX_FAILURES, lockMinutes: LOGIN_LOCK_MINUTES });
    throw new Error(INVALID_LOGIN);
  }
  await clearFailures(db, keys);
  return user;
}

async function sessionVersionOf(uid: number): Promise<number> {
  const row = await getDb().select({ sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, uid)).get();
  return row?.sessionVersion ?? 0;
}

function oidcProvider(): NextAuthOptions['providers'] {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: 'oidc',
      name: e.OIDC_NAME,
      type: 'oauth',
      wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, '')}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: 'openid email profile' } },
      idToken: true,
      checks: ['pkce', 'state'],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? '', name: profile.name ?? profile.email ?? profile.sub };
      },
    },
  ];
}

/** Finds or creates the local user behind an SSO sign-in; SSO users get the configured default role. */
async function linkSsoUser(email: string, name: string): Promise<number | null> {
  const db = getDb();
  const normalised = email.trim().toLowerCase();
  if (!normalised) return null;
  const existing = await db.select().from(users).where(eq(users.email, normalised)).get();
  if (existing) return existing.active ? existing.id : null;
  const [created] = await db
    .insert(users)
    .values({ email: normalised, name: name || normalised, role: env().OIDC_DEFAULT_ROLE as Role, passwordHash: null })
    .returning({ id: users.id });
  return created?.id ?? null;
}

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'E-mail and password',
        credentials: { email: { label: 'E-mail', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const email = credentials?.email ?? '';
          const password = credentials?.password ?? '';
          if (!email || !password) throw new Error(INVALID_LOGIN);
          const user = await verifyPassword(email, password, clientAddress(req?.headers));
          return { id: String(user.id), email: user.email, name: user.name };
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true;
        const id = await linkSsoUser(user.email ?? '', user.name ?? '');
        if (id === null) return false;
        user.id = String(id);
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const uid = Number(user.id);
          token.uid = uid;
          token.sv = await sessionVersionOf(uid);
        }
        return token;
      },
      async session({ session, token }) {
        // Role and name come from the database on every request (see lib/auth/session.ts); the token only says who,
        // and under which session version, so a password reset, role change or deactivation ends it.
        return { ...session, uid: token.uid as number | undefined, sv: token.sv as number | undefined };
      },
    },
  };
}
