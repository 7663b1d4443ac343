import { lt } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import { logger } from '@/lib/observability/log';
import { write } from '@/db/transaction';
import { runPeriodically } from './periodic-jobs';

const DAY_MS = 24 * 60 * 60_000;

/** Removes audit entries older than `days` (the database refuses to remove any younger than 30 days). */
export async function pruneAuditTrail(days: number, now = Date.now()): Promise<number> {
  const before = new Date(now - days * DAY_MS).toISOString();
  const removed = await write(() => getDb().delete(auditLog).where(lt(auditLog.at, before)).returning({ id: auditLog.id }));
  if (removed.length > 0) logger('audit').info({ removed: removed.length, before }, 'audit entries past retention removed');
  return removed.length;
}

/** Prunes at start and then once a day, by one instance a day. */
export function startAuditRetention(days: number): () => Promise<void> {
  const job = runPeriodically('audit-retention', DAY_MS, () => pruneAuditTrail(days), { atStart: true });
  return () => job.stop();
}
