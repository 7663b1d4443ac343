import 'server-only';
import { and, asc, count, desc, eq, gte, isNull, like, lt, or, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { recordAudit } from '@/db/audit-log';
import { auditLog, users } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session';
import { AUDIT_CATEGORIES, AUDIT_EXPORT_MAX_ROWS, AUDIT_PAGE_SIZE, type AuditFilter, type AuditRow } from '@/lib/domain/audit-trail';

export async function audit(
  user: Pick<SessionUser, 'id' | 'email'> | null,
  action: string,
  entityType: string,
  entityId: string | number,
  detail?: Record<string, unknown>,
): Promise<void> {
  await recordAudit({ userId: user?.id ?? null, actor: user?.email ?? 'system', action, entityType, entityId, detail });
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60_000).toISOString();
}

function conditions(filter: AuditFilter): SQL | undefined {
  const where: Array<SQL | undefined> = [];
  if (filter.user === 'system') where.push(isNull(auditLog.userId));
  else if (filter.user !== undefined) where.push(eq(auditLog.userId, filter.user));
  if (filter.category) {
    const category = AUDIT_CATEGORIES.find((c) => c.value === filter.category)!;
    where.push(or(...category.prefixes.map((prefix) => like(auditLog.action, `${prefix}%`))));
  }
  if (filter.entityType) where.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entity) where.push(eq(auditLog.entityId, filter.entity));
  if (filter.from) where.push(gte(auditLog.at, `${filter.from}T00:00:00.000Z`));
  if (filter.to) where.push(lt(auditLog.at, nextDay(filter.to)));
  return where.length ? and(...where) : undefined;
}

const columns = {
  id: auditLog.id,
  at: auditLog.at,
  actor: auditLog.actor,
  userId: auditLog.userId,
  userName: users.name,
  action: auditLog.action,
  entityType: auditLog.entityType,
  entityId: auditLog.entityId,
  detail: auditLog.detail,
};

/** One page of the audit trail, newest first. */
export async function auditPage(filter: AuditFilter): Promise<{ rows: AuditRow[]; total: number; page: number; pages: number }> {
  const db = getDb();
  const where = conditions(filter);
  const [{ n: total } = { n: 0 }] = await db.select({ n: count() }).from(auditLog).where(where);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(filter.page, pages);
  const rows = await db
    .select(columns)
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.userId))
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE);
  return { rows, total, page, pages };
}

/** Every entry the filter selects (up to AUDIT_EXPORT_MAX_ROWS), oldest first, for the CSV export. */
export async function auditExportRows(filter: AuditFilter): Promise<{ rows: AuditRow[]; truncated: boolean }> {
  const rows = await getDb()
    .select(columns)
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.userId))
    .where(conditions(filter))
    .orderBy(asc(auditLog.at), asc(auditLog.id))
    .limit(AUDIT_EXPORT_MAX_ROWS + 1);
  return { rows: rows.slice(0, AUDIT_EXPORT_MAX_ROWS), truncated: rows.length > AUDIT_EXPORT_MAX_ROWS };
}

/** The users the trail can be filtered by. */
export async function auditUsers(): Promise<Array<{ id: number; name: string; email: string }>> {
  return await getDb().select({ id: users.id, name: users.name, email: users.email }).from(users).orderBy(asc(users.name));
}
