import { eq } from 'drizzle-orm';
import { getDb } from './index';
import { auditLog, users } from './schema';
import type { Tx } from './transaction';
import { write } from './transaction';

/**
 * The one writer of the audit trail. Entries are only ever inserted here and removed by retention
 * (lib/sync/audit-retention.ts); the table's triggers refuse any other change.
 */
export interface AuditEntry {
  /** The user who acted; null for the portal itself (workers, the sellers file) or an unknown sign-in name. */
  userId: number | null;
  /** The user's e-mail when known, 'system' for the portal itself. */
  actor: string;
  action: string;
  entityType: string;
  entityId: string | number;
  detail?: Record<string, unknown>;
}

function values(entry: AuditEntry) {
  return {
    userId: entry.userId,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: String(entry.entityId),
    detail: entry.detail,
  };
}

export async function recordAuditTx(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(values(entry));
}

export async function recordAudit(entry: AuditEntry): Promise<void> {
  await write(() => getDb().insert(auditLog).values(values(entry)));
}

/** The actor of an entry written on a user's behalf where only their id is at hand (the outbox). */
export async function actorOfTx(tx: Tx, userId: number | null): Promise<{ userId: number | null; actor: string }> {
  if (userId === null) return { userId: null, actor: 'system' };
  const row = (await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1))[0];
  return { userId: row ? userId : null, actor: row?.email ?? 'system' };
}
