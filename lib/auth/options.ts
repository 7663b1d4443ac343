import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { users, type Role } from '@/db/schema';
import { recordAudit } from '@/db/audit-log';
import { env } from '@/lib/env';
import { authLogger, loggableMessage } from './sso-failures';
import { SsoRefusal, signInWithSso, type SsoClaims } from './sso-identities';
import { PASSWORD_SIGN_IN_OFF } from './sso-messages';
import { SSO_PROVIDER_ID, ssoProvider } from './sso-provider';
import { ssoSessionMark } from './sso-sign-out';
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

/** Sign-in attempts in the audit trail, under the name that was typed (cut short: anyone can type anything). */
async function auditSignIn(action: string, email: string, userId: number | null, detail?: Record<string, unknown>): Promise<void> {
  const actor = email.trim().toLowerCase().slice(0, 254) || '(empty)';
  await recordAudit({ userId, actor, action, entityType: 'user', entityId: userId ?? actor, detail });
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
  if (!grant.ok) {
    await auditSignIn('auth.sign-in.refused-slowed', email, null, { retryAfterSeconds: grant.retryAfterSeconds });
    throw new Error(tooManyAttempts(grant.retryAfterSeconds));
  }
  const user = (await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1))[0];
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok || !user.active) {
    const reason = !user ? 'unknown user' : !user.active ? 'deactivated' : 'wrong password';
    await auditSignIn('auth.sign-in.failed', email, user?.id ?? null, { reason });
    throw new Error(INVALID_LOGIN);
  }
  await settleSuccess(db, keys, now);
  return user;
}

async function sessionVersionOf(uid: number): Promise<number> {
  const row = (await getDb().select({ sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, uid)).limit(1))[0];
  return row?.sessionVersion ?? 0;
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
        if (user) {
          const uid = Number(user.id);
          token.uid = uid;
          token.sv = await sessionVersionOf(uid);
        }
        if (account?.provider === SSO_PROVIDER_ID) token.sso = ssoSessionMark(account.id_token);
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
