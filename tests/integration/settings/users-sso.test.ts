import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, ssoIdentities } from '@/db/schema';
import { unlinkUserSso } from '@/lib/actions/users';
import { signInWithSso, SsoRefusal } from '@/lib/auth/sso-identities';
import { resetEnv } from '@/lib/env';
import { listUsers } from '@/lib/data/users';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';

const ISSUER = 'https://idp.example';
let adminId: number;

beforeEach(async () => {
  usePortalTestEnv();
  Object.assign(process.env, { OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 'secret', OIDC_LINK_VERIFIED_EMAIL: 'false' });
  resetEnv();
  adminId = (await createUser('admin')).id;
  actAs(adminId);
});

describe('SSO links in user administration', () => {
  it('shows how each user signs in', async () => {
    const created = await signInWithSso({ iss: ISSUER, sub: 'sso-1', email: 'sso@corp.example', name: 'Sso User' });
    const views = await listUsers();
    expect(views.find((u) => u.id === created.userId)).toMatchObject({ hasPassword: false, ssoLinked: true });
    expect(views.find((u) => u.id === adminId)).toMatchObject({ hasPassword: true, ssoLinked: false });
  });

  it('unlinks an identity, audited, after which the same e-mail is not linked again without verification and permission', async () => {
    const created = await signInWithSso({ iss: ISSUER, sub: 'sso-2', email: 'two@corp.example' });
    expect(await unlinkUserSso({ id: created.userId })).toMatchObject({ ok: true });
    expect(await getDb().select().from(ssoIdentities).all()).toEqual([]);
    const audit = await getDb().select().from(auditLog).where(eq(auditLog.action, 'user.sso.unlinked')).all();
    expect(audit).toEqual([expect.objectContaining({ userId: adminId, entityId: String(created.userId) })]);
    expect(audit[0]!.detail).toMatchObject({ identities: [{ issuer: ISSUER, subject: 'sso-2' }] });

    const again = await signInWithSso({ iss: ISSUER, sub: 'sso-2', email: 'two@corp.example', email_verified: true }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(SsoRefusal);
    expect((again as SsoRefusal).code).toBe('SsoLinkingOff');
  });

  it('says nothing changed for a user without SSO, refuses an unknown user and the administrator themself', async () => {
    const other = await createUser('noc', 'noc@corp.example');
    expect(await unlinkUserSso({ id: other.id })).toMatchObject({ ok: true, message: 'Nothing changed.' });
    expect(await unlinkUserSso({ id: 9999 })).toMatchObject({ ok: false, status: 404 });
    expect(await unlinkUserSso({ id: 'x' })).toMatchObject({ ok: false, status: 400 });

    const self = await createUser('admin', 'self@corp.example');
    Object.assign(process.env, { OIDC_LINK_VERIFIED_EMAIL: 'true' });
    resetEnv();
    await signInWithSso({ iss: ISSUER, sub: 'self', email: 'self@corp.example', email_verified: true });
    actAs(self.id);
    expect(await unlinkUserSso({ id: self.id })).toMatchObject({ ok: false, status: 409 });
    expect(await getDb().select().from(ssoIdentities).all()).toHaveLength(1);
    expect(await getDb().select().from(auditLog).where(eq(auditLog.action, 'user.sso.unlinked')).all()).toEqual([]);
  });
});
