import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { users, type Role } from '@/db/schema';
import { env } from '@/lib/env';
import { PEER_ADDRESS_HEADER } from '@/lib/security/peer-address';
import { beginAttempt, clientAddressFrom, settleSuccess, throttleKeys, type ThrottlePolicy } from './login-throttle';

export const INVALID_LOGIN = 'Invalid e-mail or password.';
/** The start of the slow-down message; the rest says how long to wait. */
export const TOO_MANY_ATTEMPTS = 'Too many failed sign-in attempts.';

export function tooManyAttempts(retryAfterSeconds: number): string {
  const wait = retryAfterSeconds < 120 ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}` : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
  return `${TOO_MANY_ATTEMPTS} Try again in ${wait}.`;
}

// A fixed hash so an unknown e-mail costs the same time as a wrong password.
const DUMMY_HASH = '$2b$10$mhoaCRx/VyXc7qnuiYeEiuH2m6QERoebCwN0GVP/7oGcdyE124YR.';

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** The client's address from the connection's peer and the X-Forwarded-For entries our trusted proxies added. */
export function clientAddress(headers: Record<string, unknown> | undefined): string | undefined {
  return clientAddressFrom(header(headers, 'x-forwarded-for'), header(headers, PEER_ADDRESS_HEADER), env().TRUSTED_PROXY_HOPS);
}

function throttlePolicy(): ThrottlePolicy {
  const e = env();
  return {
    maxFailures: e.LOGIN_MAX_FAILURES,
    maxDelaySeconds: e.LOGIN_MAX_DELAY_SECONDS,
    accountMaxDelaySeconds: e.LOGIN_ACCOUNT_MAX_DELAY_SECONDS,
    windowMinutes: e.LOGIN_WINDOW_MINUTES,
  };
}

/**
 * Checks the password behind the sign-in throttle: the attempt is counted before the hash is compared, and given
 * back when the password is right. A slowed-down key refuses without comparing, even the right password, for at most
 * its current wait.
 */
export async function verifyPassword(email: string, password: string, address?: string, now = new Date()) {
  const db = getDb();
  const policy = throttlePolicy();
  const keys = throttleKeys(email, address, policy);
  const grant = await beginAttempt(db, keys, policy, now);
  if (!grant.ok) throw new Error(tooManyAttempts(grant.retryAfterSeconds));
  const user = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok || !user.active) throw new Error(INVALID_LOGIN);
  await settleSuccess(db, keys, now);
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
