import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { recordAudit } from '@/db/audit-log';
import { auditLog, users } from '@/db/schema';
import { pruneAuditTrail } from '@/lib/sync/audit-retention';
import { createUser, usePortalTestEnv } from '../../support/portal-env';

const DAY = 24 * 60 * 60_000;

function at(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * DAY).toISOString();
}

describe('the audit trail', () => {
  beforeEach(() => usePortalTestEnv());

  it('refuses any change to an entry', async () => {
    const user = await createUser('admin');
    await recordAudit({ userId: user.id, actor: user.email, action: 'seller.update', entityType: 'seller', entityId: 'acme', detail: { changed: ['name'] } });
    const db = getDb();
    for (const change of [{ actor: 'someone-else' }, { action: 'seller.create' }, { detail: {} }, { at: at(400) }, { userId: null, actor: 'x' }]) {
      expect(() => db.update(auditLog).set(change).run(), JSON.stringify(change)).toThrow(/audit entries cannot be changed/);
    }
    const [entry] = await db.select().from(auditLog).all();
    expect(entry).toMatchObject({ actor: user.email, action: 'seller.update', detail: { changed: ['name'] }, userId: user.id });
  });

  it('refuses to delete an entry younger than 30 days, whoever asks', async () => {
    await recordAudit({ userId: null, actor: 'system', action: 'seller.create', entityType: 'seller', entityId: 'acme' });
    expect(() => getDb().delete(auditLog).run()).toThrow(/younger than 30 days/);
    expect(await getDb().select().from(auditLog).all()).toHaveLength(1);
  });

  it('keeps the entry, without its user, when the user is removed', async () => {
    const user = await createUser('noc');
    await recordAudit({ userId: user.id, actor: user.email, action: 'ticket.create', entityType: 'ticket', entityId: 'NOC-1' });
    await getDb().delete(users).where(eq(users.id, user.id)).run();
    const [entry] = await getDb().select().from(auditLog).all();
    expect(entry).toMatchObject({ userId: null, actor: user.email, action: 'ticket.create' });
  });

  it('retention removes what is older than the configured days and nothing else', async () => {
    const db = getDb();
    await db.insert(auditLog).values({ at: at(500), actor: 'system', action: 'old', entityType: 'seller', entityId: 'a' }).run();
    await db.insert(auditLog).values({ at: at(100), actor: 'system', action: 'kept', entityType: 'seller', entityId: 'a' }).run();
    await recordAudit({ userId: null, actor: 'system', action: 'new', entityType: 'seller', entityId: 'a' });
    expect(await pruneAuditTrail(400)).toBe(1);
    expect((await db.select().from(auditLog).all()).map((e) => e.action).sort()).toEqual(['kept', 'new']);
    expect(await pruneAuditTrail(60)).toBe(1);
    expect((await db.select().from(auditLog).all()).map((e) => e.action)).toEqual(['new']);
  });
});
