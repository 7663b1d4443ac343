import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, ssoIdentities, users } from '@/db/schema';
import { roleFromClaims, signInWithSso, SsoRefusal } from '@/lib/auth/sso-identities';
import { resetEnv } from '@/lib/env';
import { createUser, usePortalTestEnv } from '../../support/portal-env';

const ISSUER = 'https://idp.example/realms/noc';

function configure(settings: Record<string, string>): void {
  Object.assign(process.env, { OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 'secret', ...settings });
  resetEnv();
}

async function snapshot(): Promise<string> {
  const db = getDb();
  return JSON.stringify({
    users: await db.select().from(users).all(),
    identities: await db.select().from(ssoIdentities).all(),
    audit: await db.select().from(auditLog).all(),
  });
}

async function refusal(promise: Promise<unknown>): Promise<SsoRefusal> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SsoRefusal);
  return error as SsoRefusal;
}

describe('SSO identity binding', () => {
  beforeEach(() => {
    usePortalTestEnv();
    for (const name of ['OIDC_LINK_VERIFIED_EMAIL', 'OIDC_ROLE_CLAIM', 'OIDC_ROLE_MAP', 'OIDC_DEFAULT_ROLE', 'OIDC_BREAK_GLASS_EMAIL']) delete process.env[name];
    configure({});
  });

  it('creates a user with the default role and binds the identity by issuer and subject', async () => {
    configure({ OIDC_DEFAULT_ROLE: 'coordinator' });
    const result = await signInWithSso({ iss: ISSUER, sub: 'u-1', email: 'New@Corp.example', email_verified: false, name: 'New Person' });
    expect(result.outcome).toBe('created');
    const user = await getDb().select().from(users).where(eq(users.id, result.userId)).get();
    expect(user).toMatchObject({ email: 'new@corp.example', name: 'New Person', role: 'coordinator', passwordHash: null });
    expect(await getDb().select().from(ssoIdentities).all()).toEqual([
      expect.objectContaining({ issuer: ISSUER, subject: 'u-1', userId: result.userId, lastEmail: 'new@corp.example' }),
    ]);
  });

  it('refuses to link a local account when linking is off, whatever the provider says', async () => {
    await createUser('admin', 'admin@corp.example');
    const before = await snapshot();
    const error = await refusal(signInWithSso({ iss: ISSUER, sub: 'u-2', email: 'admin@corp.example', email_verified: true }));
    expect(error.code).toBe('SsoLinkingOff');
    expect(await snapshot()).toBe(before);
  });

  it('refuses to link a local account on an unverified e-mail, in every spelling of "not verified"', async () => {
    configure({ OIDC_LINK_VERIFIED_EMAIL: 'true' });
    await createUser('admin', 'admin@corp.example');
    const before = await snapshot();
    for (const emailVerified of [false, 'false', undefined, 1, 'yes']) {
      const error = await refusal(signInWithSso({ iss: ISSUER, sub: 'u-3', email: 'ADMIN@corp.example', email_verified: emailVerified }));
      expect(error.code).toBe('SsoEmailUnverified');
    }
    expect(await snapshot()).toBe(before);
  });

  it('links a local account on a verified e-mail when allowed, and keeps the identity there when the e-mail changes', async () => {
    configure({ OIDC_LINK_VERIFIED_EMAIL: 'true' });
    const noc = await createUser('noc', 'noc@corp.example');
    const admin = await createUser('admin', 'admin@corp.example');
    const linked = await signInWithSso({ iss: ISSUER, sub: 'u-4', email: 'noc@corp.example', email_verified: true });
    expect(linked).toMatchObject({ userId: noc.id, outcome: 'linked', role: 'noc' });

    const moved = await signInWithSso({ iss: ISSUER, sub: 'u-4', email: 'admin@corp.example', email_verified: true });
    expect(moved).toMatchObject({ userId: noc.id, outcome: 'signedIn' });
    expect((await getDb().select().from(users).where(eq(users.id, admin.id)).get())?.role).toBe('admin');
    expect(await getDb().select().from(ssoIdentities).all()).toHaveLength(1);
  });

  it('binds per issuer: the same subject at another issuer is another identity', async () => {
    configure({ OIDC_LINK_VERIFIED_EMAIL: 'true' });
    const first = await signInWithSso({ iss: ISSUER, sub: 'same', email: 'a@corp.example', email_verified: true });
    const second = await signInWithSso({ iss: 'https://other.example', sub: 'same', email: 'b@corp.example', email_verified: false });
    expect(second.outcome).toBe('created');
    const identities = await getDb().select().from(ssoIdentities).all();
    expect(identities.map((i) => [i.issuer, i.subject])).toEqual([
      [ISSUER, 'same'],
      ['https://other.example', 'same'],
    ]);
    expect(new Set(identities.map((i) => i.userId)).size).toBe(2);
    expect(identities[0]!.userId).toBe(first.userId);
  });

  it('refuses a deactivated user, bound or matched by e-mail', async () => {
    configure({ OIDC_LINK_VERIFIED_EMAIL: 'true' });
    const bound = await signInWithSso({ iss: ISSUER, sub: 'u-5', email: 'five@corp.example', email_verified: true });
    await getDb().update(users).set({ active: false }).where(eq(users.id, bound.userId)).run();
    expect((await refusal(signInWithSso({ iss: ISSUER, sub: 'u-5', email: 'five@corp.example' }))).code).toBe('SsoDeactivated');

    const local = await createUser('noc', 'six@corp.example');
    await getDb().update(users).set({ active: false }).where(eq(users.id, local.id)).run();
    const before = await snapshot();
    expect((await refusal(signInWithSso({ iss: ISSUER, sub: 'u-6', email: 'six@corp.example', email_verified: true }))).code).toBe('SsoDeactivated');
    expect(await snapshot()).toBe(before);
  });

  it('refuses a sign-in without e-mail or without subject, writing nothing', async () => {
    const before = await snapshot();
    expect((await refusal(signInWithSso({ iss: ISSUER, sub: 'u-7', email: '  ' }))).code).toBe('SsoNoEmail');
    expect((await refusal(signInWithSso({ iss: ISSUER, email: 'x@corp.example' }))).code).toBe('SsoMisconfigured');
    expect((await refusal(signInWithSso({ sub: 'u-8', email: 'x@corp.example' }))).code).toBe('SsoMisconfigured');
    expect(await snapshot()).toBe(before);
  });

  it('takes the role from the directory at every sign-in, in the order of the map, with the default when nothing matches', async () => {
    configure({ OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'noc-admins=admin, noc-team=noc,field=coordinator', OIDC_DEFAULT_ROLE: 'manager' });
    const claims = { iss: ISSUER, sub: 'u-9', email: 'nine@corp.example' };
    const first = await signInWithSso({ ...claims, groups: ['field', 'noc-team'] });
    expect(first).toMatchObject({ outcome: 'created', role: 'noc' });
    expect((await signInWithSso({ ...claims, groups: ['field'] })).role).toBe('coordinator');
    expect((await signInWithSso({ ...claims, groups: 'noc-admins' })).role).toBe('admin');
    expect((await signInWithSso({ ...claims, groups: [] })).role).toBe('manager');
    expect((await signInWithSso(claims)).role).toBe('manager');
    expect((await getDb().select().from(users).where(eq(users.id, first.userId)).get())?.role).toBe('manager');
    const audit = await getDb().select().from(auditLog).where(eq(auditLog.action, 'user.role.directory')).all();
    expect(audit.map((a) => a.detail)).toEqual([
      expect.objectContaining({ from: 'noc', to: 'coordinator' }),
      expect.objectContaining({ from: 'coordinator', to: 'admin' }),
      expect.objectContaining({ from: 'admin', to: 'manager' }),
    ]);
  });

  it('leaves the break-glass administrator her role whatever the directory says', async () => {
    configure({
      OIDC_LINK_VERIFIED_EMAIL: 'true',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'field=coordinator',
      OIDC_BREAK_GLASS_EMAIL: 'Root@Corp.example',
    });
    const root = await createUser('admin', 'root@corp.example');
    const result = await signInWithSso({ iss: ISSUER, sub: 'root', email: 'root@corp.example', email_verified: true, groups: ['field'] });
    expect(result).toMatchObject({ userId: root.id, role: 'admin' });
  });
});

describe('role mapping', () => {
  const mapping = { claim: 'roles', map: [{ value: 'a', role: 'manager' as const }, { value: 'b', role: 'noc' as const }] };
  it('ignores values that are not strings and an absent claim', () => {
    expect(roleFromClaims({ roles: [1, { b: true }, null] }, mapping)).toBeNull();
    expect(roleFromClaims({}, mapping)).toBeNull();
    expect(roleFromClaims({ roles: ['b', 'a'] }, mapping)).toBe('manager');
  });
});
