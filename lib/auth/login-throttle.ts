import { eq } from 'drizzle-orm';
import type { Db } from '@/db';
import { transaction } from '@/db/transaction';
import { loginAttempts } from '@/db/schema';

export interface ThrottlePolicy {
  maxFailures: number;
  lockMinutes: number;
}

/** Failures older than the lock period no longer count. */
function isLocked(row: typeof loginAttempts.$inferSelect | undefined, now: Date): boolean {
  return !!row?.lockedUntil && new Date(row.lockedUntil) > now;
}

export async function lockedKeys(db: Db, keys: string[], now = new Date()): Promise<boolean> {
  for (const key of keys) {
    const row = await db.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
    if (isLocked(row, now)) return true;
  }
  return false;
}

export async function recordFailure(db: Db, keys: string[], policy: ThrottlePolicy, now = new Date()): Promise<void> {
  const windowMs = policy.lockMinutes * 60_000;
  await transaction((tx) => {
    for (const key of keys) {
      const row = tx.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
      const fresh = !row || now.getTime() - new Date(row.windowStart).getTime() > windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + windowMs).toISOString() : null;
      const values = { failures, windowStart: fresh ? now.toISOString() : row.windowStart, lockedUntil };
      tx.insert(loginAttempts)
        .values({ key, ...values })
        .onConflictDoUpdate({ target: loginAttempts.key, set: values })
        .run();
    }
  }, db);
}

export async function clearFailures(db: Db, keys: string[]): Promise<void> {
  for (const key of keys) await db.delete(loginAttempts).where(eq(loginAttempts.key, key));
}

export function throttleKeys(email: string, clientAddress: string | undefined): string[] {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (clientAddress) keys.push(`ip:${clientAddress}`);
  return keys;
}
