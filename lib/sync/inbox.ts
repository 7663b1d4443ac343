import 'server-only';
import { and, asc, count, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { inbox, sellers, sellerSyncState, type InboxItem } from '@/db/schema';
import { authorizeListenerCall } from '@/lib/auth/listener-auth';
import { validateRequestBody } from '@/lib/sonata/openapi-validator';
import { readCappedBody } from './capped-body';
import { entityOf, LISTENER_APIS, listenerOperation, type EntityKind, type NotificationApi } from './listener-catalog';

/**
 * The durable inbox of Seller notifications. A listener call is acknowledged (204) only after its event is committed;
 * a worker (inbox-worker.ts) then fetches the resource and applies it. Unique on (Seller, eventId): a repeated
 * delivery is acknowledged again and applied once.
 */

export const LISTENER_BODY_MAX_BYTES = 64 * 1024;
/** Longest event.id we accept: it is opaque to us, but it ends up in a GET path. */
const RESOURCE_ID_MAX = 256;
const EVENT_ID_MAX = 256;
const GROUP_COMMIT_MS = 2;
const GROUP_COMMIT_MAX = 256;

const MEF_JSON = 'application/json;charset=utf-8';

function mefError(status: number, code: string, reason: string, message?: string, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify({ code, reason: reason.slice(0, 255), ...(message ? { message } : {}) }), {
    status,
    headers: { 'content-type': MEF_JSON, 'cache-control': 'no-store', ...headers },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Per-process counters of refused calls, for the settings screen (they are about attackers and misconfigured
// Sellers, so they are not worth a write each).

interface RefusalStats {
  refused: number;
  lastRefusedAt?: string;
  lastReason?: string;
}
const STATS_KEY = Symbol.for('sonata-portal.listener-refusals');
const statsHolder = globalThis as unknown as { [STATS_KEY]?: Map<string, RefusalStats> };
function refusals(): Map<string, RefusalStats> {
  statsHolder[STATS_KEY] ??= new Map();
  return statsHolder[STATS_KEY];
}
const MAX_COUNTED_SLUGS = 500;
function countRefusal(slug: string, status: number, reason: string): void {
  // Anyone may call /sellers/<anything>/…: keep the table bounded.
  if (!refusals().has(slug) && refusals().size >= MAX_COUNTED_SLUGS) {
    const oldest = refusals().keys().next().value;
    if (oldest !== undefined) refusals().delete(oldest);
  }
  const stats = refusals().get(slug) ?? { refused: 0 };
  stats.refused += 1;
  stats.lastRefusedAt = new Date().toISOString();
  stats.lastReason = `${status}: ${reason}`;
  refusals().set(slug, stats);
}
export function listenerRefusals(slug: string): RefusalStats {
  return refusals().get(slug) ?? { refused: 0 };
}

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

/** Resolves once the entry is durably committed (or was already there); rejects when the database refuses it. */
export function enqueueInbox(entry: NewInboxEntry): Promise<EnqueueOutcome> {
  return new Promise((resolve, reject) => {
    queued.push({ entry, resolve, reject });
    if (queued.length >= GROUP_COMMIT_MAX) flush();
    else flushTimer ??= setTimeout(flush, GROUP_COMMIT_MS);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The listener endpoint

export interface ListenerTarget {
  sellerSlug: string;
  api: NotificationApi;
  version: string;
  eventType: string;
}

/** event.id goes into a GET path (encoded): refuse what no encoding makes safe, such as '..' or control characters. */
export function isOpaqueId(value: string, max = RESOURCE_ID_MAX): boolean {
  return value.trim() !== '' && value.length <= max && !/[\u0000-\u001f\u007f]/.test(value) && !/^\.+$/.test(value);
}

/**
 * Handles one notification POST. Order of checks: the listener exists (404), the caller is the Seller with the
 * scope (401/403), the body is a valid event for this listener (400); nothing is stored before all of them pass.
 */
export async function receiveNotification(request: Request, target: ListenerTarget): Promise<Response> {
  const api = LISTENER_APIS[target.api];
  const op = api.versions.includes(target.version) ? listenerOperation(target.api, target.eventType) : undefined;
  if (!op) {
    // No such listener: the URL is wrong, which 404 says better than a body error would.
    countRefusal(target.sellerSlug, 404, `no listener ${target.api}/${target.version}/${target.eventType}`);
    return mefError(404, 'notFound', `There is no listener for ${target.eventType} in ${api.segment}/${target.version}`);
  }
  const auth = await authorizeListenerCall(request, target.sellerSlug, op.operationId);
  if (!auth.ok) {
    countRefusal(target.sellerSlug, auth.status, auth.reason);
    return mefError(auth.status, auth.code, auth.reason, undefined, auth.status === 401 ? { 'www-authenticate': 'Bearer' } : undefined);
  }
  const seller = await getDb()
    .select({ id: sellers.id, enabled: sellers.enabled })
    .from(sellers)
    .where(eq(sellers.slug, target.sellerSlug))
    .get();
  if (!seller || !seller.enabled) {
    countRefusal(target.sellerSlug, 403, 'Seller unknown or disabled');
    return mefError(403, 'accessDenied', 'This Seller is not enabled on our side');
  }

  const invalid = (reason: string, message?: string) => {
    countRefusal(target.sellerSlug, 400, reason);
    return mefError(400, 'invalidBody', reason, message);
  };
  const type = request.headers.get('content-type');
  if (type !== null && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type.trim())) {
    return invalid(`The body must be ${MEF_JSON}`);
  }
  const raw = await readCappedBody(request, LISTENER_BODY_MAX_BYTES);
  if (!raw.ok) {
    return invalid(raw.reason === 'tooLarge' ? `The body is larger than ${LISTENER_BODY_MAX_BYTES} bytes` : 'The body could not be read');
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes));
  } catch {
    return invalid('The body is not JSON');
  }
  // Members we do not know are tolerated: a Seller on a later minor version must not lose its events.
  const violations = validateRequestBody(api.spec, op.operationId, body, { unknownProperties: 'allow' });
  if (violations.length > 0) {
    const detail = violations
      .slice(0, 5)
      .map((v) => `${v.path || '/'} ${v.message}`)
      .join('; ');
    return invalid('The body is not a valid event for this listener', detail);
  }
  const envelope = body as { eventId: string; eventTime: string; eventType: string; event: { id: string } };
  if (envelope.eventType !== target.eventType) {
    return invalid(`eventType ${envelope.eventType} was sent to the ${target.eventType} listener`);
  }
  if (!isOpaqueId(envelope.eventId, EVENT_ID_MAX)) {
    return invalid('eventId must be a non-empty identifier');
  }
  const resourceId = envelope.event.id;
  if (!isOpaqueId(resourceId)) {
    return invalid('event.id must be a non-empty identifier');
  }

  try {
    await enqueueInbox({
      sellerId: seller.id,
      api: target.api,
      eventId: envelope.eventId,
      eventType: envelope.eventType,
      eventTime: envelope.eventTime,
      resourceId,
      body: body as Record<string, unknown>,
    });
  } catch (err) {
    console.error('[inbox] could not store a notification', err);
    return mefError(503, 'internalError', 'The event could not be stored; send it again later', undefined, { 'retry-after': '5' });
  }
  return new Response(null, { status: 204 });
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
