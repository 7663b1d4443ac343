import 'server-only';
import { and, asc, count, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import { databaseFile, getDb } from '@/db';
import { onInboxWriterCommitted, writeInboxRow } from '@/db/inbox-writer';
import { inbox, sellers, sellerSyncState, type InboxItem } from '@/db/schema';
import { entityOf, type EntityKind } from './listener-catalog';

/**
 * The durable inbox of Seller notifications. A listener call (lib/listener) is acknowledged (204) only after its event
 * is committed; a worker (inbox-worker.ts) then fetches the resource and applies it. Unique on (Seller, eventId): a repeated
 * delivery is acknowledged again and applied once.
 */

const GROUP_COMMIT_MS = 2;
const GROUP_COMMIT_MAX = 256;

// ---------------------------------------------------------------------------------------------------------------
// Waking the worker as soon as something was committed.

const WAKE_KEY = Symbol.for('sonata-portal.inbox-wake');
const wakeHolder = globalThis as unknown as { [WAKE_KEY]?: Set<() => void> };
function wakers(): Set<() => void> {
  wakeHolder[WAKE_KEY] ??= new Set();
  return wakeHolder[WAKE_KEY];
}
export function onInboxCommitted(fn: () => void): () => void {
  wakers().add(fn);
  return () => wakers().delete(fn);
}
function wakeWorkers(): void {
  for (const fn of wakers()) {
    try {
      fn();
    } catch (err) {
      console.error('[inbox] waking a worker failed', err);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Group commit: inserts that arrive within a few milliseconds share one transaction (one fsync).

export type NewInboxEntry = Pick<InboxItem, 'sellerId' | 'api' | 'eventId' | 'eventType' | 'eventTime' | 'resourceId' | 'body'>;
export type EnqueueOutcome = 'inserted' | 'duplicate';

interface Waiting {
  entry: NewInboxEntry;
  resolve: (outcome: EnqueueOutcome) => void;
  reject: (err: unknown) => void;
}

let queued: Waiting[] = [];
let flushTimer: NodeJS.Timeout | undefined;

function insertAll(entries: NewInboxEntry[]): EnqueueOutcome[] {
  const db = getDb();
  const now = new Date().toISOString();
  return db.transaction(
    (tx) => {
      const outcomes = entries.map((entry): EnqueueOutcome => {
        const row = tx
          .insert(inbox)
          .values({ ...entry, state: 'pending', attempts: 0, nextAttemptAt: now, receivedAt: now })
          .onConflictDoNothing({ target: [inbox.sellerId, inbox.eventId] })
          .returning({ id: inbox.id })
          .get();
        return row ? 'inserted' : 'duplicate';
      });
      for (const sellerId of new Set(entries.map((e) => e.sellerId))) {
        tx.insert(sellerSyncState)
          .values({ sellerId, lastEventAt: now })
          .onConflictDoUpdate({ target: sellerSyncState.sellerId, set: { lastEventAt: now } })
          .run();
      }
      return outcomes;
    },
    { behavior: 'immediate' },
  );
}

function flush(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  const batch = queued;
  queued = [];
  if (batch.length === 0) return;
  try {
    const outcomes = insertAll(batch.map((w) => w.entry));
    batch.forEach((w, i) => w.resolve(outcomes[i] ?? 'inserted'));
  } catch {
    // One bad entry must not fail the others: retry each alone.
    for (const w of batch) {
      try {
        w.resolve(insertAll([w.entry])[0] ?? 'inserted');
      } catch (err) {
        w.reject(err);
      }
    }
  }
  wakeWorkers();
}

function writerThreadEnabled(file: string): boolean {
  // An in-memory database exists only on this thread's connection: the writer thread could not see it.
  return file !== ':memory:' && process.env.INBOX_WRITER !== 'inline';
}

const WRITER_WAKE_KEY = Symbol.for('sonata-portal.inbox-writer-wakes');
const writerWakeHolder = globalThis as unknown as { [WRITER_WAKE_KEY]?: boolean };

/**
 * Resolves once the entry is durably committed (or was already there); rejects when the database refuses it.
 * The commit happens on the inbox writer thread (db/inbox-writer.ts), or here for an in-memory database.
 */
export function enqueueInbox(entry: NewInboxEntry): Promise<EnqueueOutcome> {
  const file = databaseFile();
  if (writerThreadEnabled(file)) {
    // Migrations are applied by this thread's connection before the writer thread first opens the file.
    getDb();
    if (!writerWakeHolder[WRITER_WAKE_KEY]) {
      writerWakeHolder[WRITER_WAKE_KEY] = true;
      onInboxWriterCommitted(wakeWorkers);
    }
    return writeInboxRow(file, {
      sellerId: entry.sellerId,
      api: entry.api,
      eventId: entry.eventId,
      eventType: entry.eventType,
      eventTime: entry.eventTime,
      resourceId: entry.resourceId,
      body: JSON.stringify(entry.body),
    });
  }
  return new Promise((resolve, reject) => {
    queued.push({ entry, resolve, reject });
    if (queued.length >= GROUP_COMMIT_MAX) flush();
    else flushTimer ??= setTimeout(flush, GROUP_COMMIT_MS);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reads and state changes for the worker and the settings screen

export function resourceKey(item: Pick<InboxItem, 'sellerId' | 'eventType' | 'resourceId'>): string {
  return JSON.stringify([item.sellerId, entityOf(item.eventType), item.resourceId]);
}

/** Pending entries whose next attempt is due, oldest first. */
export async function dueInboxItems(limit: number, now = new Date().toISOString()): Promise<InboxItem[]> {
  return getDb()
    .select()
    .from(inbox)
    .where(and(eq(inbox.state, 'pending'), lte(inbox.nextAttemptAt, now)))
    .orderBy(asc(inbox.id))
    .limit(limit)
    .all();
}

/** Every pending entry about one resource, oldest first (the ones a single fetch will settle). */
export async function pendingForResource(sellerId: number, entity: EntityKind, resourceId: string): Promise<InboxItem[]> {
  const rows = await getDb()
    .select()
    .from(inbox)
    .where(and(eq(inbox.sellerId, sellerId), eq(inbox.resourceId, resourceId), eq(inbox.state, 'pending')))
    .orderBy(asc(inbox.id))
    .all();
  return rows.filter((r) => entityOf(r.eventType) === entity);
}

/** Makes every pending entry due now (at start: whatever stopped the last attempts may be fixed by now). */
export async function makePendingDue(now = new Date().toISOString()): Promise<number> {
  const rows = await getDb()
    .update(inbox)
    .set({ nextAttemptAt: now })
    .where(and(eq(inbox.state, 'pending'), gt(inbox.nextAttemptAt, now)))
    .returning({ id: inbox.id })
    .all();
  return rows.length;
}

export async function rescheduleInboxItems(ids: number[], nextAttemptAt: string, lastError: string): Promise<void> {
  if (ids.length === 0) return;
  await getDb()
    .update(inbox)
    .set({ attempts: sql`${inbox.attempts} + 1`, nextAttemptAt, lastError: lastError.slice(0, 1000) })
    .where(and(inArray(inbox.id, ids), eq(inbox.state, 'pending')))
    .run();
}

export async function failInboxItems(ids: number[], lastError: string): Promise<void> {
  if (ids.length === 0) return;
  await getDb()
    .update(inbox)
    .set({ state: 'failed', attempts: sql`${inbox.attempts} + 1`, lastError: lastError.slice(0, 1000), processedAt: new Date().toISOString() })
    .where(and(inArray(inbox.id, ids), eq(inbox.state, 'pending')))
    .run();
}

export interface InboxCounts {
  pending: number;
  failed: number;
  lastHour: number;
}

export async function inboxCounts(sellerId: number, now = Date.now()): Promise<InboxCounts> {
  const db = getDb();
  const hourAgo = new Date(now - 3600_000).toISOString();
  const byState = await db
    .select({ state: inbox.state, n: count() })
    .from(inbox)
    .where(eq(inbox.sellerId, sellerId))
    .groupBy(inbox.state)
    .all();
  const [recent] = await db
    .select({ n: count() })
    .from(inbox)
    .where(and(eq(inbox.sellerId, sellerId), gte(inbox.receivedAt, hourAgo), sql`${inbox.eventType} not like '%Reconciliation'`))
    .all();
  return {
    pending: byState.find((r) => r.state === 'pending')?.n ?? 0,
    failed: byState.find((r) => r.state === 'failed')?.n ?? 0,
    lastHour: recent?.n ?? 0,
  };
}
