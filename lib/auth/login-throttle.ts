import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '@/db';
import { transaction, type Tx } from '@/db/transaction';
import { loginAttempts } from '@/db/schema';

/**
 * Progressive slow-down, never a hard lock: after a key's free failures, each further failure doubles the wait
 * before the next attempt (1 s, 2 s, 4 s, …) up to the key's ceiling. Failures are forgotten, and their rows
 * deleted, once a key has been quiet for the window.
 */
export interface ThrottlePolicy {
  /** Failures of one account from one address before the slow-down starts (LOGIN_MAX_FAILURES). */
  maxFailures: number;
  /** Longest wait for one account from one address, and for one address (LOGIN_MAX_DELAY_SECONDS). */
  maxDelaySeconds: number;
  /** Longest wait for an account across all addresses (LOGIN_ACCOUNT_MAX_DELAY_SECONDS). */
  accountMaxDelaySeconds: number;
  /** Quiet time after which a key's failures are forgotten (LOGIN_WINDOW_MINUTES). */
  windowMinutes: number;
}

/** The address and the account across addresses tolerate this many times more failures (a shared NAT, typos). */
export const SHARED_KEY_FACTOR = 4;

const ACCOUNT_ADDRESS = 'account-address:';

export interface ThrottleKey {
  key: string;
  freeFailures: number;
  maxDelayMs: number;
}

/**
 * The counters one attempt is charged to: the account from this address (slowed down first and longest, so an
 * attacker elsewhere cannot slow the owner down much), the address, and the account from anywhere (a short
 * ceiling: it bounds a guesser with many addresses without shutting out the owner).
 */
export function throttleKeys(email: string, clientAddress: string | undefined, policy: ThrottlePolicy): ThrottleKey[] {
  const account = email.trim().toLowerCase();
  const shared = policy.maxFailures * SHARED_KEY_FACTOR;
  const keys: ThrottleKey[] = [];
  if (clientAddress) {
    keys.push({ key: `${ACCOUNT_ADDRESS}${account}|${clientAddress}`, freeFailures: policy.maxFailures, maxDelayMs: policy.maxDelaySeconds * 1000 });
    keys.push({ key: `address:${clientAddress}`, freeFailures: shared, maxDelayMs: policy.maxDelaySeconds * 1000 });
  }
  keys.push({ key: `account:${account}`, freeFailures: clientAddress ? shared : policy.maxFailures, maxDelayMs: policy.accountMaxDelaySeconds * 1000 });
  return keys;
}

export function delayAfter(failures: number, key: ThrottleKey): number {
  if (failures < key.freeFailures) return 0;
  return Math.min(1000 * 2 ** Math.min(failures - key.freeFailures, 30), key.maxDelayMs);
}

export type AttemptGrant = { ok: true } | { ok: false; retryAfterSeconds: number };

async function pruneTx(tx: Tx, now: Date, windowMinutes: number): Promise<void> {
  const cutoff = new Date(now.getTime() - windowMinutes * 60_000).toISOString();
  await tx.delete(loginAttempts)
    .where(
      and(
        or(isNull(loginAttempts.lastFailureAt), lt(loginAttempts.lastFailureAt, cutoff)),
        or(isNull(loginAttempts.lockedUntil), lt(loginAttempts.lockedUntil, now.toISOString())),
      ),
    );
}

/**
 * Checks every key and, when none is slowed down, charges the attempt to all of them as a failure, in one
 * transaction and before any password is hashed: parallel attempts cannot all pass the check before one is
 * counted. A refused attempt is not counted, so refusals do not lengthen the wait. `settleSuccess` gives the charge
 * back when the password was right.
 */
export async function beginAttempt(db: Db, keys: ThrottleKey[], policy: ThrottlePolicy, now = new Date()): Promise<AttemptGrant> {
  return transaction(async (tx): Promise<AttemptGrant> => {
    await pruneTx(tx, now, policy.windowMinutes);
    const rows = new Map(
      (await tx
        .select()
        .from(loginAttempts)
        .where(inArray(loginAttempts.key, keys.map((k) => k.key))))
        .map((r) => [r.key, r]),
    );
    let waitMs = 0;
    for (const k of keys) {
      const lockedUntil = rows.get(k.key)?.lockedUntil;
      if (lockedUntil) waitMs = Math.max(waitMs, new Date(lockedUntil).getTime() - now.getTime());
    }
    if (waitMs > 0) return { ok: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    const at = now.toISOString();
    for (const k of keys) {
      const row = rows.get(k.key);
      const failures = (row?.failures ?? 0) + 1;
      const delay = delayAfter(failures, k);
      const values = {
        failures,
        windowStart: row?.windowStart ?? at,
        lastFailureAt: at,
        lockedUntil: delay > 0 ? new Date(now.getTime() + delay).toISOString() : null,
      };
      await tx.insert(loginAttempts)
        .values({ key: k.key, ...values })
        .onConflictDoUpdate({ target: loginAttempts.key, set: values });
    }
    return { ok: true };
  }, db);
}

/**
 * The password was right: the account-from-this-address counter is cleared; the shared counters (the address, the
 * account from anywhere) only lose this attempt's charge, so one good sign-in does not wipe others' failures.
 */
export async function settleSuccess(db: Db, keys: ThrottleKey[], attemptedAt: Date): Promise<void> {
  const at = attemptedAt.toISOString();
  await transaction(async (tx) => {
    for (const k of keys) {
      if (k.key.startsWith(ACCOUNT_ADDRESS)) {
        await tx.delete(loginAttempts).where(eq(loginAttempts.key, k.key));
        continue;
      }
      const row = (await tx.select().from(loginAttempts).where(eq(loginAttempts.key, k.key)).limit(1))[0];
      if (!row) continue;
      const failures = Math.max(row.failures - 1, 0);
      if (failures === 0) await tx.delete(loginAttempts).where(eq(loginAttempts.key, k.key));
      // The wait this attempt set goes too, unless another failure has been counted since.
      else await tx.update(loginAttempts).set({ failures, lockedUntil: row.lastFailureAt === at ? null : row.lockedUntil }).where(eq(loginAttempts.key, k.key));
    }
  }, db);
}

/**
 * The client's address, given how many reverse proxies of ours stand in front of the server: the chain is the
 * X-Forwarded-For entries followed by the connection's own peer; each trusted proxy appended one entry, so the
 * client is the entry `trustedHops` from the right. Entries further left were written by the client and are
 * ignored. Without a known peer, nothing is trusted but what the proxies appended.
 */
export function clientAddressFrom(forwardedFor: string | undefined, peer: string | undefined, trustedHops: number): string | undefined {
  const chain = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (peer) chain.push(peer);
  if (chain.length === 0) return undefined;
  return chain[Math.max(chain.length - 1 - trustedHops, 0)];
}
