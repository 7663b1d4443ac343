import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { users, type Role } from '@/db/schema';
import { recordAudit } from '@/db/audit-log';
import { env } from '@/lib/env';
import { clearFailures, lockedKeys, recordFailure, throttleKeys } from './login-throttle';
import { authLogger, loggableMessage } from './sso-failures';
import { SsoRefusal, signInWithSso, type SsoClaims } from './sso-identities';
import { PASSWORD_SIGN_IN_OFF } from './sso-messages';
import { SSO_PROVIDER_ID, ssoProvider } from './sso-provider';
import { ssoSessionMark } from './sso-sign-out';

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

/** Sign-in attempts in the audit trail, under the name that was typed (cut short: anyone can type anything). */
async function auditSignIn(action: string, email: string, userId: number | null, detail?: Record<string, unknown>): Promise<void> {
  const actor = email.trim().toLowerCase().slice(0, 254) || '(empty)';
  await recordAudit({ userId, actor, action, entityType: 'user', entityId: userId ?? actor, detail });
}

export async function verifyPassword(email: string, password: string, address?: string) {
  const db = getDb();
  const { LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES } = env();
  const keys = throttleKeys(email, address);
  const user = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (await lockedKeys(db, keys)) {
    await auditSignIn('auth.sign-in.refused-locked', email, user?.id ?? null);
    throw new Error(TOO_MANY_ATTEMPTS);
  }
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok || !user.active) {
    await recordFailure(db, keys, { maxFailures: LOGIN_MAX_FAILURES, lockMinutes: LOGIN_LOCK_MINUTES });
    const reason = !user ? 'unknown user' : !user.active ? 'deactivated' : 'wrong password';
    await auditSignIn('auth.sign-in.failed', email, user?.id ?? null, { reason });
    if (await lockedKeys(db, keys)) await auditSignIn('auth.lockout', email, user?.id ?? null, { minutes: LOGIN_LOCK_MINUTES });
    throw new Error(INVALID_LOGIN);
  }
  await clearFailures(db, keys);
  return user;
}

/** In SSO-only mode, passwords open the portal for the break-glass administrator alone. */
function mayUsePassword(user: { email: string; role: string }): boolean {
  const { OIDC_ONLY, OIDC_BREAK_GLASS_EMAIL } = env();
  return !OIDC_ONLY || (user.email === OIDC_BREAK_GLASS_EMAIL && user.role === 'admin');
}

async function ssoUserId(claims: SsoClaims): Promise<number> {
  try {
    const signIn = await signInWithSso(claims);
    console.info(`[sso] ${claims.iss} subject ${claims.sub} signed in as user ${signIn.userId} (${signIn.outcome}, ${signIn.role})`);
    return signIn.userId;
  } catch (err) {
    if (err instanceof SsoRefusal) {
      console.warn(`[sso] sign-in refused (${err.code}): ${err.reason}`);
      throw err;
    }
    console.error(`[sso] sign-in failed: ${loggableMessage(err)}`);
    throw new Error('Callback');
  }
}

export function authOptions(): NextAuthOptions {
  const sso = ssoProvider();
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
          if (!mayUsePassword(user)) throw new Error(PASSWORD_SIGN_IN_OFF);
          return { id: String(user.id), email: user.email, name: user.name };
        },
      }),
      ...(sso ? [sso] : []),
    ],
    logger: authLogger,
    events: {
      async signIn({ user, account }) {
        const id = Number(user.id);
        await auditSignIn('auth.sign-in', user.email ?? '', Number.isInteger(id) ? id : null, { method: account?.provider ?? 'credentials' });
      },
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID) return true;
        user.id = String(await ssoUserId((profile ?? {}) as SsoClaims));
        return true;
      },
      async jwt({ token, user, account }) {
        if (user) token.uid = Number(user.id);
        if (account?.provider === SSO_PROVIDER_ID) token.sso = ssoSessionMark(account.id_token);
        return token;
      },
      async session({ session, token }) {
        // Role and name come from the database on every request (see lib/auth/session.ts); the token only says who.
        return { ...session, uid: token.uid as number | undefined };
      },
    },
  };
}
