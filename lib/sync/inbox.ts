import 'server-only';
import os from 'node:os';
import { and, asc, count, eq, gt, gte, inArray, isNotNull, isNull, like, lte, ne, notExists, or, sql } from 'drizzle-orm';
import { alias, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { databaseFile, getDb } from '@/db';
import { onInboxWriterCommitted, writeInboxRow } from '@/db/inbox-writer';
import { inbox, sellers, sellerSyncState, type InboxItem } from '@/db/schema';
import { transaction, write } from '@/db/transaction';
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

async function insertAll(entries: NewInboxEntry[]): Promise<EnqueueOutcome[]> {
  const now = new Date().toISOString();
  return transaction(async (tx) => {
    const outcomes: EnqueueOutcome[] = [];
    for (const entry of entries) {
      const [row] = await tx
        .insert(inbox)
        .values({ ...entry, state: 'pending', attempts: 0, nextAttemptAt: now, receivedAt: now })
        .onConflictDoNothing({ target: [inbox.sellerId, inbox.eventId] })
        .returning({ id: inbox.id });
      outcomes.push(row ? 'inserted' : 'duplicate');
    }
    for (const sellerId of new Set(entries.map((e) => e.sellerId))) {
      await tx
        .insert(sellerSyncState)
        .values({ sellerId, lastEventAt: now })
        .onConflictDoUpdate({ target: sellerSyncState.sellerId, set: { lastEventAt: now } });
    }
    return outcomes;
  });
}

async function flush(): Promise<void> {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  const batch = queued;
  queued = [];
  if (batch.length === 0) return;
  try {
    const outcomes = await insertAll(batch.map((w) => w.entry));
    batch.forEach((w, i) => w.resolve(outcomes[i] ?? 'inserted'));
  } catch {
    // One bad entry must not fail the others: retry each alone.
    for (const w of batch) {
      try {
        w.resolve((await insertAll([w.entry]))[0] ?? 'inserted');
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
    if (queued.length >= GROUP_COMMIT_MAX) void flush();
    else flushTimer ??= setTimeout(() => void flush(), GROUP_COMMIT_MS);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reads and state changes for the worker and the settings screen

export function resourceKey(item: Pick<InboxItem, 'sellerId' | 'eventType' | 'resourceId'>): string {
  return JSON.stringify([item.sellerId, entityOf(item.eventType), item.resourceId]);
}

/** Pending entries whose next attempt is due and that no worker holds a lease on, oldest first. */
export type DueEntry = Pick<InboxItem, 'id' | 'sellerId' | 'eventType' | 'resourceId'>;

/** Pending entries whose next attempt is due and that no live lease holds, longest due first; only what scheduling needs. */
export async function dueInboxItems(limit: number, now = new Date().toISOString()): Promise<DueEntry[]> {
  return await getDb()
    .select({ id: inbox.id, sellerId: inbox.sellerId, eventType: inbox.eventType, resourceId: inbox.resourceId })
    .from(inbox)
    .where(and(isPending(inbox), lte(inbox.nextAttemptAt, now), or(isNull(inbox.leaseUntil), lte(inbox.leaseUntil, now))))
    .orderBy(asc(inbox.nextAttemptAt), asc(inbox.id))
    .limit(limit);
}

const ENTITY_EVENT_PREFIX: Record<EntityKind, string> = {
  ticket: 'troubleTicket',
  incident: 'incident',
  appointment: 'appointment',
  workOrder: 'workOrder',
};

/** Written as a literal, not a bound value, so that SQLite can use the partial indexes on pending entries. */
function isPending(table: Pick<InboxColumns, 'state'>) {
  return sql`${table.state} = 'pending'`;
}

type InboxColumns = Record<'sellerId' | 'resourceId' | 'state' | 'eventType', AnySQLiteColumn>;

function pendingOfResource(table: InboxColumns, sellerId: number, entity: EntityKind, resourceId: string) {
  return and(
    eq(table.sellerId, sellerId),
    eq(table.resourceId, resourceId),
    isPending(table),
    like(table.eventType, `${ENTITY_EVENT_PREFIX[entity]}%`),
  );
}

/** Every pending entry about one resource, oldest first (the ones a single fetch will settle). */
export async function pendingForResource(sellerId: number, entity: EntityKind, resourceId: string): Promise<InboxItem[]> {
  return await getDb().select().from(inbox).where(pendingOfResource(inbox, sellerId, entity, resourceId)).orderBy(asc(inbox.id));
}

/**
 * Claims every pending entry about one resource for `owner` until now + `leaseMs`, in one conditional UPDATE, and
 * returns them oldest first. Nothing is claimed while another worker holds an unexpired lease on any entry of that
 * resource, so one resource is worked by one worker at a time and in order; a lease that has expired (its worker
 * died or stalled) is taken over. Entries that arrived since, unleased, join the claim.
 */
export async function claimResource(
  sellerId: number,
  entity: EntityKind,
  resourceId: string,
  owner: string,
  leaseMs: number,
  now = Date.now(),
): Promise<InboxItem[]> {
  const held = alias(inbox, 'held');
  const nowIso = new Date(now).toISOString();
  const rows = await write((db) =>
    db
      .update(inbox)
      .set({ leaseOwner: owner, leaseUntil: new Date(now + leaseMs).toISOString() })
      .where(
        and(
          pendingOfResource(inbox, sellerId, entity, resourceId),
          notExists(
            db
              .select({ one: sql`1` })
              .from(held)
              .where(and(pendingOfResource(held, sellerId, entity, resourceId), isNotNull(held.leaseOwner), ne(held.leaseOwner, owner), gt(held.leaseUntil, nowIso))),
          ),
        ),
      )
      .returning(),
  );
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Extends `owner`'s lease on `ids` and says whether it still held all of them (none settled or taken over meanwhile).
 * A worker calls it right before applying, so that a worker whose lease was taken over does not apply twice.
 */
export async function renewLease(ids: number[], owner: string, leaseMs: number, now = Date.now()): Promise<boolean> {
  if (ids.length === 0) return true;
  const rows = await write(() =>
    getDb()
      .update(inbox)
      .set({ leaseUntil: new Date(now + leaseMs).toISOString() })
      .where(and(inArray(inbox.id, ids), eq(inbox.state, 'pending'), eq(inbox.leaseOwner, owner)))
      .returning({ id: inbox.id }),
  );
  return rows.length === ids.length;
}

/** Frees the leases `owner` holds on entries still pending (a worker stopping cleanly). */
export async function releaseLeases(owner: string): Promise<number> {
  const rows = await write(() =>
    getDb()
      .update(inbox)
      .set({ leaseOwner: null, leaseUntil: null })
      .where(and(eq(inbox.state, 'pending'), eq(inbox.leaseOwner, owner)))
      .returning({ id: inbox.id }),
  );
  return rows.length;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Frees leases whose owner ran on this host in a process that no longer exists (owner names start with
 * "<host>:<pid>:", see newLeaseOwner), so a restart after a crash does not wait the leases out. Leases of other
 * hosts are left to expire.
 */
export async function releaseDeadLeases(host = os.hostname()): Promise<number> {
  const owners = await getDb()
    .selectDistinct({ owner: inbox.leaseOwner })
    .from(inbox)
    .where(and(eq(inbox.state, 'pending'), isNotNull(inbox.leaseOwner)));
  let released = 0;
  for (const { owner } of owners) {
    if (!owner) continue;
    const [ownerHost, pid] = owner.split(':');
    if (ownerHost !== host || !pid || !/^\d+$/.test(pid) || processIsAlive(Number(pid))) continue;
    released += await releaseLeases(owner);
  }
  return released;
}

/** Makes every pending entry due now (at start: whatever stopped the last attempts may be fixed by now). */
export async function makePendingDue(now = new Date().toISOString()): Promise<number> {
  const rows = await write(() =>
    getDb()
      .update(inbox)
      .set({ nextAttemptAt: now })
      .where(and(eq(inbox.state, 'pending'), gt(inbox.nextAttemptAt, now)))
      .returning({ id: inbox.id }),
  );
  return rows.length;
}

export async function rescheduleInboxItems(ids: number[], nextAttemptAt: string, lastError: string): Promise<void> {
  if (ids.length === 0) return;
  await write(() =>
    getDb()
      .update(inbox)
      .set({ attempts: sql`${inbox.attempts} + 1`, nextAttemptAt, lastError: lastError.slice(0, 1000), leaseOwner: null, leaseUntil: null })
      .where(and(inArray(inbox.id, ids), eq(inbox.state, 'pending'))),
  );
}

export async function failInboxItems(ids: number[], lastError: string): Promise<void> {
  if (ids.length === 0) return;
  await write(() =>
    getDb()
      .update(inbox)
      .set({
        state: 'failed',
        attempts: sql`${inbox.attempts} + 1`,
        lastError: lastError.slice(0, 1000),
        processedAt: new Date().toISOString(),
        leaseOwner: null,
        leaseUntil: null,
      })
      .where(and(inArray(inbox.id, ids), eq(inbox.state, 'pending'))),
  );
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
    .groupBy(inbox.state);
  const [recent] = await db
    .select({ n: count() })
    .from(inbox)
    .where(and(eq(inbox.sellerId, sellerId), gte(inbox.receivedAt, hourAgo), sql`${inbox.eventType} not like '%Reconciliation'`));
  return {
    pending: byState.find((r) => r.state === 'pending')?.n ?? 0,
    failed: byState.find((r) => r.state === 'failed')?.n ?? 0,
    lastHour: recent?.n ?? 0,
  };
}
