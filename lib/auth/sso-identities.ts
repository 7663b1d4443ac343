import { and, eq } from 'drizzle-orm';
import { transaction, type Tx } from '@/db/transaction';
import { auditLog, ssoIdentities, users, type Role, type User } from '@/db/schema';
import { env } from '@/lib/env';
import type { SsoFailure } from './sso-messages';

/** Claims of one sign-in: the ID token's, completed from the userinfo endpoint. */
export type SsoClaims = Record<string, unknown>;

export interface RoleMapping {
  claim: string;
  map: ReadonlyArray<{ value: string; role: Role }>;
}

/** A sign-in the portal refuses: `code` is shown on the login page, `reason` goes to the server log only. */
export class SsoRefusal extends Error {
  constructor(
    readonly code: SsoFailure,
    readonly reason: string,
  ) {
    super(code);
    this.name = 'SsoRefusal';
  }
}

export interface SsoSignIn {
  userId: number;
  outcome: 'signedIn' | 'created' | 'linked';
  role: Role;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The role the directory gives: the first entry of the map whose value the user holds; null when none matches. */
export function roleFromClaims(claims: SsoClaims, mapping: RoleMapping): Role | null {
  const raw = claims[mapping.claim];
  const held = new Set((Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string'));
  return mapping.map.find((entry) => held.has(entry.value))?.role ?? null;
}

export function isEmailVerified(claims: SsoClaims): boolean {
  return claims.email_verified === true || claims.email_verified === 'true';
}

async function audit(tx: Tx, user: number, action: string, detail: Record<string, unknown>): Promise<void> {
  await tx.insert(auditLog)
    .values({ userId: user, actor: 'sso', action, entityType: 'user', entityId: String(user), detail });
}

/**
 * Finds the portal account behind an SSO sign-in. The identity is the provider's issuer and subject: once bound, the
 * e-mail the provider sends no longer matters. An unbound identity gets a new account, or is linked to the local
 * account with its e-mail only when linking is allowed and the provider says the e-mail is verified.
 * With a role mapping, the role is taken from the directory at every sign-in (the break-glass account keeps its own).
 */
export async function signInWithSso(claims: SsoClaims, now = new Date()): Promise<SsoSignIn> {
  const config = env();
  const issuer = text(claims.iss);
  const subject = text(claims.sub);
  if (!issuer || !subject) throw new SsoRefusal('SsoMisconfigured', 'the ID token carries no iss or sub claim');
  const email = text(claims.email).toLowerCase();
  const name = text(claims.name) || text(claims.preferred_username) || email;
  const mapping = config.OIDC_ROLE_CLAIM ? { claim: config.OIDC_ROLE_CLAIM, map: config.OIDC_ROLE_MAP } : null;
  const directoryRole = mapping ? (roleFromClaims(claims, mapping) ?? config.OIDC_DEFAULT_ROLE) : null;
  const at = now.toISOString();
  const who = `${issuer} subject ${subject}`;

  return transaction(async (tx) => {
    const applyDirectoryRole = async (user: User): Promise<Role> => {
      if (!directoryRole || directoryRole === user.role || user.email === config.OIDC_BREAK_GLASS_EMAIL) return user.role;
      await tx.update(users).set({ role: directoryRole, updatedAt: at }).where(eq(users.id, user.id));
      await audit(tx, user.id, 'user.role.directory', { from: user.role, to: directoryRole, claim: mapping!.claim });
      return directoryRole;
    };
    const bind = async (userId: number) =>
      await tx.insert(ssoIdentities).values({ issuer, subject, userId, lastEmail: email, lastSignInAt: at });

    const bound = (await tx
      .select()
      .from(ssoIdentities)
      .where(and(eq(ssoIdentities.issuer, issuer), eq(ssoIdentities.subject, subject)))
      .limit(1))[0];
    if (bound) {
      const user = (await tx.select().from(users).where(eq(users.id, bound.userId)).limit(1))[0];
      if (!user?.active) throw new SsoRefusal('SsoDeactivated', `${who} is bound to user ${bound.userId}, who is deactivated`);
      await tx.update(ssoIdentities).set({ lastEmail: email, lastSignInAt: at, updatedAt: at }).where(eq(ssoIdentities.id, bound.id));
      return { userId: user.id, outcome: 'signedIn', role: await applyDirectoryRole(user) };
    }

    if (!email) throw new SsoRefusal('SsoNoEmail', `${who} has no e-mail in the ID token nor at the userinfo endpoint`);
    const existing = (await tx.select().from(users).where(eq(users.email, email)).limit(1))[0];
    if (existing) {
      if (!config.OIDC_LINK_VERIFIED_EMAIL) {
        throw new SsoRefusal('SsoLinkingOff', `${who} gives the e-mail of local user ${existing.id}; linking is off (OIDC_LINK_VERIFIED_EMAIL)`);
      }
      if (!isEmailVerified(claims)) {
        throw new SsoRefusal('SsoEmailUnverified', `${who} gives the e-mail of local user ${existing.id} without email_verified=true; not linked`);
      }
      if (!existing.active) throw new SsoRefusal('SsoDeactivated', `${who} matches local user ${existing.id}, who is deactivated`);
      await bind(existing.id);
      await audit(tx, existing.id, 'user.sso.linked', { issuer, subject });
      return { userId: existing.id, outcome: 'linked', role: await applyDirectoryRole(existing) };
    }

    const role = directoryRole ?? config.OIDC_DEFAULT_ROLE;
    const created = (await tx
      .insert(users)
      .values({ email, name, role, passwordHash: null })
      .returning({ id: users.id }))[0]!;
    await bind(created.id);
    await audit(tx, created.id, 'user.sso.created', { issuer, subject, role });
    return { userId: created.id, outcome: 'created', role };
  });
}
