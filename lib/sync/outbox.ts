/**
 * "Never lose a ticket": every Buyer request to a Seller is first written to the outbox, in the same transaction as
 * the local change, then delivered here — right away by the action that queued it and again by the worker until the
 * Seller has answered. Per ticket, operations leave strictly in order. A create whose answer was lost is looked up at
 * the Seller by our externalId before anything is re-sent, so the Seller never gets a duplicate; patches are rebuilt
 * against the Seller's latest document and skipped when it already shows them.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, sellers, tickets, type OutboxItem, type OutboxOperation, type Seller, type Ticket } from '@/db/schema';
import { transaction, type Tx } from '@/db/transaction';
import { actorOfTx, recordAuditTx } from '@/db/audit-log';
import { logger } from '@/lib/observability/log';
import { buildPatchBody, isPatchApplied, patchIntentProblems, protectedContactChanges, type PatchIntent } from '@/lib/domain/ticket-patch';
import { ticketOperationPermission, type TicketStatus } from '@/lib/domain/ticket-state-machine';
import { sellerConnection } from '@/lib/sellers/registry';
import { troubleTicketClient } from '@/lib/sonata/trouble-ticket-client';
import { SonataError, SonataHttpError } from '@/lib/sonata/errors';
import type { TroubleTicket, TroubleTicketCreate } from '@/lib/sonata/schemas';
import { SellerCircuitOpenError, withSellerBreaker } from './circuit-breaker';
import { storeSellerDocument } from './cache-writer';
import { recordDocumentRejection } from './document-rejections';
import { appendChangeTx, sellerSlugTx } from './change-feed';

export type OutboxPayload =
  | { create: TroubleTicketCreate }
  | { patch: PatchIntent }
  | { reopen: { reason: string } }
  | Record<string, never>;

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

function envMs(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** OUTBOX_RETRY_BASE_MS / OUTBOX_RETRY_MAX_MS tune the backoff (defaults 1 s doubling up to 5 min). */
export function retryPolicy(): RetryPolicy {
  return { baseMs: envMs('OUTBOX_RETRY_BASE_MS', 1_000), maxMs: envMs('OUTBOX_RETRY_MAX_MS', 300_000) };
}

/** Capped exponential backoff with jitter (half fixed, half random), never shorter than the Seller's Retry-After. */
export function backoffMs(attempts: number, policy: RetryPolicy = retryPolicy(), retryAfterMs?: number, random = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxMs));
}

// --- writing ----------------------------------------------------------------------------------------------------

export interface EnqueueInput {
  sellerId: number;
  ticketId: number;
  operation: OutboxOperation;
  payload: OutboxPayload;
  userId?: number | null;
}

/** Queues one operation inside the caller's transaction and marks the ticket as queued. */
export async function enqueueTx(tx: Tx, input: EnqueueInput): Promise<OutboxItem> {
  const now = new Date().toISOString();
  const item = (await tx
    .insert(outbox)
    .values({
      sellerId: input.sellerId,
      ticketId: input.ticketId,
      operation: input.operation,
      payload: input.payload as Record<string, unknown>,
      state: 'pending',
      nextAttemptAt: now,
      createdByUserId: input.userId ?? null,
    })
    .returning())[0]!;
  await setSyncStateTx(tx, input.ticketId, 'queued', null);
  return item;
}

/** Every move of a ticket's sync marker is a change the open screens must see ("queued", "sending", done, refused). */
/** `syncError` undefined keeps the ticket's current error. */
async function setSyncStateTx(tx: Tx, ticketId: number, syncState: Ticket['syncState'], syncError?: string | null): Promise<void> {
  const ticket = (await tx
    .update(tickets)
    .set(syncError === undefined ? { syncState } : { syncState, syncError })
    .where(eq(tickets.id, ticketId))
    .returning({ sellerId: tickets.sellerId, sellerTicketId: tickets.sellerTicketId, externalId: tickets.externalId, status: tickets.status }))[0]!;
  if (!ticket) return;
  await appendChangeTx(tx, 'ticket', {
    seller: await sellerSlugTx(tx, ticket.sellerId),
    ...(ticket.sellerTicketId ? { id: ticket.sellerTicketId } : {}),
    localId: ticketId,
    externalId: ticket.externalId,
    status: ticket.status ?? undefined,
    syncState,
    eventType: 'outbox',
  });
}

/** Sets the ticket's sync marker from its outbox: queued while anything waits, rejected if the Seller refused something. */
export async function recomputeSyncStateTx(tx: Tx, ticketId: number): Promise<void> {
  const items = await tx
    .select({ state: outbox.state, lastError: outbox.lastError })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), inArray(outbox.state, ['pending', 'rejected'])))
    .orderBy(asc(outbox.id));
  const pending = items.find((i) => i.state === 'pending');
  const rejected = items.find((i) => i.state === 'rejected');
  const syncState = pending ? 'queued' : rejected ? 'rejected' : 'synced';
  const syncError = pending?.lastError ?? rejected?.lastError ?? null;
  await setSyncStateTx(tx, ticketId, syncState, syncError);
}

/** Pending and rejected operations of a ticket, oldest first (what the detail page lists). */
export async function openOutboxItems(ticketId: number): Promise<OutboxItem[]> {
  return await getDb()
    .select()
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), inArray(outbox.state, ['pending', 'rejected'])))
    .orderBy(asc(outbox.id));
}

// --- delivering ---------------------------------------------------------------------------------------------------

export type DeliveryOutcome = 'done' | 'retry' | 'rejected' | 'blocked' | 'idle';

export interface DeliveryReport {
  outcome: DeliveryOutcome;
  item?: OutboxItem;
  error?: unknown;
}

// On globalThis: the server may load this module more than once (instrumentation and actions are bundled apart),
// and every copy must see the same per-ticket chain.
const globalChains = globalThis as unknown as { ticketOutboxChains?: Map<number, Promise<unknown>> };
const chains = (globalChains.ticketOutboxChains ??= new Map<number, Promise<unknown>>());

/** Runs `work` after every earlier delivery of the same ticket in this process (operations stay in order). */
function underTicketLock<T>(ticketId: number, work: () => Promise<T>): Promise<T> {
  const previous = chains.get(ticketId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  chains.set(ticketId, next);
  void next.finally(() => {
    if (chains.get(ticketId) === next) chains.delete(ticketId);
  }).catch(() => undefined);
  return next;
}

export function deliveriesInFlight(): number {
  return chains.size;
}

async function headItem(ticketId: number): Promise<OutboxItem | undefined> {
  return (await getDb()
    .select()
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.state, 'pending')))
    .orderBy(asc(outbox.id))
    .limit(1))[0];
}

/**
 * Sends the ticket's pending operations in order until one has to wait (not due yet, in flight elsewhere, Seller
 * unreachable) or the queue is empty. A freshly queued operation is due at once.
 */
export function deliverTicket(ticketId: number, opts: { force?: boolean; now?: () => Date } = {}): Promise<DeliveryReport[]> {
  return underTicketLock(ticketId, async () => {
    const reports: DeliveryReport[] = [];
    let force = opts.force ?? false;
    for (let guard = 0; guard < 50; guard++) {
      const item = await headItem(ticketId);
      if (!item) break;
      const now = (opts.now ?? (() => new Date()))();
      // `force` skips a backoff, never the lease of a request in flight.
      if (item.nextAttemptAt > now.toISOString() && !(force && !(await inFlight(ticketId)))) break;
      force = false;
      const report = await deliverItem(item);
      reports.push(report);
      if (report.outcome !== 'done' && report.outcome !== 'rejected') break;
      if (report.outcome === 'rejected' && item.operation === 'create') break;
    }
    return reports;
  });
}

async function inFlight(ticketId: number): Promise<boolean> {
  return (await getDb().select({ syncState: tickets.syncState }).from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0]?.syncState === 'sending';
}

/** Tickets with an operation due now, oldest first. */
export async function dueTicketIds(limit = 50, now: Date = new Date()): Promise<number[]> {
  const rows = await getDb()
    .select({ ticketId: outbox.ticketId, first: sql<number>`min(${outbox.id})` })
    .from(outbox)
    .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, now.toISOString())))
    .groupBy(outbox.ticketId)
    .orderBy(sql`min(${outbox.id})`)
    .limit(limit);
  return rows.map((r) => r.ticketId);
}

class NotYetError extends Error {}

async function loadContext(item: OutboxItem): Promise<{ ticket: Ticket; seller: Seller; client: ReturnType<typeof troubleTicketClient>; timeoutMs: number }> {
  const db = getDb();
  const ticket = (await db.select().from(tickets).where(eq(tickets.id, item.ticketId)).limit(1))[0];
  const seller = (await db.select().from(sellers).where(eq(sellers.id, item.sellerId)).limit(1))[0];
  if (!ticket) throw new Error(`ticket ${item.ticketId} is gone`);
  if (!seller) throw new NotYetError('The Seller is no longer configured');
  if (!seller.enabled) throw new NotYetError(`${seller.name} is disabled in Settings; the request waits until it is enabled again`);
  return { ticket, seller, client: troubleTicketClient(sellerConnection(seller)), timeoutMs: seller.timeoutMs };
}

/** While a request is in flight its item is leased: not due for anyone else until the Seller's timeout has passed. */
const LEASE_MARGIN_MS = 5_000;

/**
 * Claims the item for one attempt: succeeds only if nobody counted an attempt since we read it, so two senders
 * (an action and the worker, or two server processes) never send the same operation at once.
 */
async function claimAttemptTx(tx: Tx, item: OutboxItem, leaseMs: number): Promise<boolean> {
  const now = Date.now();
  const claimed = await tx
    .update(outbox)
    .set({ attempts: item.attempts + 1, nextAttemptAt: new Date(now + leaseMs).toISOString(), updatedAt: new Date(now).toISOString() })
    .where(and(eq(outbox.id, item.id), eq(outbox.state, 'pending'), eq(outbox.attempts, item.attempts)));
  if (claimed.changes !== 1) return false;
  await setSyncStateTx(tx, item.ticketId, 'sending');
  return true;
}

async function finishTx(tx: Tx, item: OutboxItem): Promise<void> {
  await tx.update(outbox)
    .set({ state: 'done', lastError: null, lastErrorDetail: null, updatedAt: new Date().toISOString() })
    .where(eq(outbox.id, item.id));
  await recomputeSyncStateTx(tx, item.ticketId);
  await auditOutcomeTx(tx, item, 'accepted');
}

const outboxLog = logger('outbox');

/** Every Buyer operation's final outcome at the Seller joins the audit trail, in the transaction that records it. */
async function auditOutcomeTx(tx: Tx, item: OutboxItem, outcome: 'accepted' | 'refused', error?: string): Promise<void> {
  const ticket = (await tx.select({ externalId: tickets.externalId, sellerTicketId: tickets.sellerTicketId }).from(tickets).where(eq(tickets.id, item.ticketId)).limit(1))[0];
  await recordAuditTx(tx, {
    ...(await actorOfTx(tx, item.createdByUserId)),
    action: `delivery.${item.operation}.${outcome}`,
    entityType: 'ticket',
    entityId: ticket?.externalId ?? item.ticketId,
    detail: {
      seller: await sellerSlugTx(tx, item.sellerId),
      outboxId: item.id,
      attempts: item.attempts + 1,
      ...(ticket?.sellerTicketId ? { sellerTicketId: ticket.sellerTicketId } : {}),
      ...(error ? { error: error.slice(0, 500) } : {}),
    },
  });
}

async function applyDoc(seller: Seller, doc: TroubleTicket, requestedAt: string): Promise<void> {
  await storeSellerDocument({ seller, document: { entity: 'ticket', doc }, requestedAt, cause: 'outbox' });
}

/** GET after a 204 operation; a failure here does not undo the operation, the next refresh catches up. */
async function refetch(client: ReturnType<typeof troubleTicketClient>, seller: Seller, id: string): Promise<TroubleTicket | undefined> {
  const requestedAt = new Date().toISOString();
  try {
    const doc = await client.retrieveTroubleTicket(id);
    await applyDoc(seller, doc, requestedAt);
    return doc;
  } catch {
    return undefined;
  }
}

function errorDetail(err: unknown): Record<string, unknown> {
  if (err instanceof SonataHttpError) {
    return { status: err.status, code: err.code ?? null, fieldErrors: err.fieldErrors, formErrors: err.formErrors };
  }
  return { kind: err instanceof SonataError ? err.kind : 'unknown' };
}

function errorMessage(err: unknown): string {
  if (err instanceof SonataHttpError) {
    const reasons = [...new Set(err.items.map((i) => i.reason ?? i.message).filter(Boolean))];
    return `The Seller refused (HTTP ${err.status}${err.code ? ` ${err.code}` : ''}): ${reasons.join('; ') || err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** 4xx: the Seller has decided; resending the same request will not help. Everything else may pass on a retry. */
function isFinalRefusal(err: unknown): err is SonataHttpError {
  return err instanceof SonataHttpError && !err.retryable;
}

async function rejectItem(item: OutboxItem, message: string, detail: Record<string, unknown>): Promise<DeliveryReport> {
  await transaction(async (tx) => {
    await tx.update(outbox)
      .set({ state: 'rejected', lastError: message.slice(0, 2000), lastErrorDetail: detail, updatedAt: new Date().toISOString() })
      .where(eq(outbox.id, item.id));
    await recomputeSyncStateTx(tx, item.ticketId);
    await auditOutcomeTx(tx, item, 'refused', message);
  });
  outboxLog.warn({ outboxId: item.id, ticketId: item.ticketId, sellerId: item.sellerId, operation: item.operation, status: detail.status ?? null }, 'operation refused');
  return { outcome: 'rejected', item: { ...item, state: 'rejected', lastError: message, lastErrorDetail: detail } };
}

async function deliverItem(item: OutboxItem): Promise<DeliveryReport> {
  let ctx: Awaited<ReturnType<typeof loadContext>>;
  try {
    ctx = await loadContext(item);
  } catch (err) {
    return scheduleRetry(item, err, false);
  }
  if (item.operation !== 'create' && !ctx.ticket.sellerTicketId) return { outcome: 'blocked', item };
  const leaseMs = ctx.timeoutMs * 3 + LEASE_MARGIN_MS;
  if (!(await transaction(async (tx) => await claimAttemptTx(tx, item, leaseMs)))) return { outcome: 'blocked', item };
  const retried = item.attempts > 0;
  try {
    // One Seller's outage must not cost a connection per queued ticket on every pass.
    await withSellerBreaker(item.sellerId, () => send(item, ctx.ticket, ctx.seller, ctx.client, retried));
    await transaction(async (tx) => await finishTx(tx, item));
    outboxLog.info({ outboxId: item.id, ticketId: item.ticketId, sellerId: item.sellerId, operation: item.operation, attempts: item.attempts + 1 }, 'operation delivered');
    return { outcome: 'done', item: { ...item, state: 'done' } };
  } catch (err) {
    await recordDocumentRejection(ctx.seller, err, ctx.ticket.sellerTicketId ?? undefined);
    if (err instanceof LocalRefusal) return rejectItem(item, err.message, { status: 422, code: err.code, formErrors: err.fieldErrors ? [] : [err.message], fieldErrors: err.fieldErrors ?? {} });
    if (isFinalRefusal(err)) return rejectItem(item, errorMessage(err), errorDetail(err));
    return scheduleRetry(item, err, true);
  }
}

async function scheduleRetry(item: OutboxItem, err: unknown, attempted: boolean): Promise<DeliveryReport> {
  const attempts = item.attempts + (attempted ? 1 : 0);
  const notBefore =
    err instanceof SonataHttpError ? err.retryAfterMs : err instanceof SellerCircuitOpenError ? Math.max(0, err.retryAt - Date.now()) : undefined;
  const wait = backoffMs(Math.max(1, attempts), retryPolicy(), notBefore);
  const message = errorMessage(err);
  await transaction(async (tx) => {
    await tx.update(outbox)
      .set({
        nextAttemptAt: new Date(Date.now() + wait).toISOString(),
        lastError: message.slice(0, 2000),
        lastErrorDetail: errorDetail(err),
        updatedAt: new Date().toISOString(),
      })
      .where(eq(outbox.id, item.id));
    await recomputeSyncStateTx(tx, item.ticketId);
  });
  outboxLog.warn(
    { outboxId: item.id, ticketId: item.ticketId, sellerId: item.sellerId, operation: item.operation, attempts, retryInMs: wait, err },
    'operation not delivered; retry scheduled',
  );
  return { outcome: 'retry', item, error: err };
}

/** The operation is not allowed (the ticket's state at the Seller, or what it would change): decided locally, nothing sent. */
class LocalRefusal extends Error {
  constructor(
    message: string,
    readonly code: 'state' | 'notBuyerReplaceable' | 'missingReason' = 'state',
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

const REOPEN_WITHOUT_REASON = 'A reopen needs a Closure Rejection Reason (MEF 113 R61); nothing was sent.';

function checkAllowed(operation: 'patch' | 'cancel' | 'close' | 'reopen', doc: TroubleTicket): void {
  const permission = ticketOperationPermission(operation, doc.status as TicketStatus);
  if (!permission.allowed) throw new LocalRefusal(permission.reason);
}

async function send(item: OutboxItem, ticket: Ticket, seller: Seller, client: ReturnType<typeof troubleTicketClient>, retried: boolean): Promise<void> {
  const payload = (item.payload ?? {}) as Record<string, unknown>;

  if (item.operation === 'create') {
    const body = payload.create as TroubleTicketCreate;
    if (retried && body.externalId) {
      // The earlier attempt may have reached the Seller with its answer lost: look before sending again. Only an
      // exact match counts, on every page, in case the Seller ignores the filter.
      const matchId = await findByExternalId(client, body.externalId);
      if (matchId) {
        const requestedAt = new Date().toISOString();
        const doc = await client.retrieveTroubleTicket(matchId);
        await applyDoc(seller, doc, requestedAt);
        return;
      }
    }
    const requestedAt = new Date().toISOString();
    const doc = await client.createTroubleTicket(body);
    await applyDoc(seller, doc, requestedAt);
    return;
  }

  const id = ticket.sellerTicketId!;
  if (item.operation === 'patch') {
    const intent = payload.patch as PatchIntent;
    const notReplaceable = patchIntentProblems(intent);
    if (notReplaceable.length) throw new LocalRefusal(notReplaceable.join(' '), 'notBuyerReplaceable');
    const requestedAt = new Date().toISOString();
    const current = await client.retrieveTroubleTicket(id);
    await applyDoc(seller, current, requestedAt);
    if (isPatchApplied(current, intent)) return;
    checkAllowed('patch', current);
    const body = buildPatchBody(current, intent);
    const contactChanges = protectedContactChanges(current, body);
    if (contactChanges.length) throw new LocalRefusal(contactChanges.join(' '), 'notBuyerReplaceable');
    const sentAt = new Date().toISOString();
    const doc = await client.patchTroubleTicket(id, body);
    await applyDoc(seller, doc, sentAt);
    return;
  }

  const operation = item.operation;
  const reason = operation === 'reopen' ? String((payload.reopen as { reason?: unknown } | undefined)?.reason ?? '').trim() : '';
  if (operation === 'reopen' && !reason) throw new LocalRefusal(REOPEN_WITHOUT_REASON, 'missingReason', { reason: [REOPEN_WITHOUT_REASON] });
  if (retried) {
    const current = await refetch(client, seller, id);
    if (!current) throw new Error('Could not read the ticket at the Seller before resending');
    if (alreadyDone(operation, current)) return;
  }
  if (operation === 'cancel') await client.cancelTroubleTicket(id);
  else if (operation === 'close') await client.closeTroubleTicket(id);
  else await client.reopenTroubleTicket(id, { reason });
  await refetch(client, seller, id);
}

/**
 * The Seller's id of the ticket carrying our externalId, or undefined when the Seller has none. A Seller that
 * ignores the filter is walked page by page (its list may be in any order); when the walk cannot be finished the
 * answer is unknown and we throw, so nothing is sent again rather than risk a duplicate.
 */
async function findByExternalId(client: ReturnType<typeof troubleTicketClient>, externalId: string): Promise<string | undefined> {
  const limit = 100;
  const seen = new Set<string>();
  let offset = 0;
  let total: number | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const page = await client.listTroubleTicket({ externalId, offset, limit });
    const match = page.items.find((t) => t.externalId === externalId);
    if (match) return match.id;
    if (page.totalCount !== undefined) total = page.totalCount;
    const before = seen.size;
    for (const t of page.items) seen.add(t.id);
    offset += page.items.length;
    const end = page.items.length === 0 || (total !== undefined && offset >= total);
    // Finished only if we have seen as many tickets as the Seller says it holds.
    if (end) {
      if (total === undefined || seen.size >= total) return undefined;
      break;
    }
    if (seen.size === before) break;
  }
  throw new Error('The Seller list could not be read to the end to look for an earlier create; not resending yet');
}

function alreadyDone(operation: 'cancel' | 'close' | 'reopen', doc: TroubleTicket): boolean {
  if (operation === 'cancel') return doc.status === 'assessingCancellation' || doc.status === 'cancelled';
  if (operation === 'close') return doc.status === 'closed';
  return doc.status !== 'resolved' && (doc.statusChange ?? []).some((c) => c.status === 'reopened');
}

// --- operator controls ----------------------------------------------------------------------------------------

/** "Send now": the ticket's first pending operation becomes due at once, unless a request for it is in flight. */
export async function makeDueNow(ticketId: number): Promise<void> {
  await transaction(async (tx) => {
    const ticket = (await tx.select({ syncState: tickets.syncState }).from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
    if (ticket?.syncState === 'sending') return;
    const head = (await tx
      .select()
      .from(outbox)
      .where(and(eq(outbox.ticketId, ticketId), eq(outbox.state, 'pending')))
      .orderBy(asc(outbox.id))
      .limit(1))[0];
    if (head) await tx.update(outbox).set({ nextAttemptAt: new Date().toISOString() }).where(eq(outbox.id, head.id));
  });
}

/** Drops a refused operation the operator no longer wants; the audit log keeps the trace. */
export async function discardRejectedTx(tx: Tx, outboxId: number): Promise<OutboxItem | undefined> {
  const item = (await tx.select().from(outbox).where(and(eq(outbox.id, outboxId), eq(outbox.state, 'rejected'))).limit(1))[0];
  if (!item) return undefined;
  await tx.delete(outbox).where(eq(outbox.id, outboxId));
  await recomputeSyncStateTx(tx, item.ticketId);
  return item;
}

/** A rejected create gets a corrected body and goes back in the queue, ahead of anything queued after it. */
export async function requeueCreateTx(tx: Tx, outboxId: number, body: TroubleTicketCreate): Promise<void> {
  await tx.update(outbox)
    .set({
      payload: { create: body } as Record<string, unknown>,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: new Date().toISOString(),
      lastError: null,
      lastErrorDetail: null,
      updatedAt: new Date().toISOString(),
    })
    .where(eq(outbox.id, outboxId));
}
