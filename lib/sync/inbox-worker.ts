import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { env } from '@/lib/env';
import { inbox, products, sellers, type InboxItem, type Seller } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { sellerConnection } from '@/lib/sellers/registry';
import { publish, type LivePayload } from '@/lib/live/channel';
import { SonataHttpError, SonataProtocolError, isRetryable, type SonataClientOptions } from '@/lib/sonata/client';
import { applyIncidentDocumentTx } from './entity-cache';
import {
  dueInboxItems,
  failInboxItems,
  makePendingDue,
  onInboxCommitted,
  pendingForResource,
  rescheduleInboxItems,
  resourceKey,
} from './inbox';
import { entityOf, type EntityKind } from './listener-catalog';
import { fetchResource, type FetchedResource } from './resource-fetch';
import { applyTicketDocumentTx } from './ticket-cache';
import { applyAppointmentDocumentTx, applyWorkOrderDocumentTx } from './workforce-cache';
import {
  syncAppointmentWaitingTx,
  syncIncidentWaitingTx,
  syncTicketWaitingTx,
  syncWorkOrderWaitingTx,
  type SellerRef,
  type WaitingChange,
} from './waiting-items';

/**
 * Applies the inbox: for each resource named by pending events, one GET at a time (so events about one resource are
 * settled in order), then the cache, the waiting items and the covered events are committed together. An event stays
 * pending until that commit, so a crash at any point means it is fetched again after restart.
 */

export interface InboxWorkerOptions {
  /** Resources fetched at once, across Sellers. */
  concurrency?: number;
  /** Fallback scan interval for retries that come due. */
  pollMs?: number;
  /** Backoff after a failed GET: min(maxMs, baseMs * 2^attempts), with jitter. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A resource that answers 4xx (not found, not offered) this many times is given up. */
  maxPermanentFailures?: number;
  sonata?: SonataClientOptions;
}

export interface InboxWorker {
  /** Look for work now. */
  kick(): void;
  /** Resolves when nothing due is waiting and nothing is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface ResourceJob {
  sellerId: number;
  entity: EntityKind;
  resourceId: string;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function isPermanent(err: unknown): boolean {
  if (err instanceof SonataProtocolError) return true;
  if (err instanceof SonataHttpError) return !err.retryable && err.status !== 401 && err.status !== 403 && err.status !== 408;
  return false;
}

async function ourProductIds(sellerId: number): Promise<Set<string>> {
  const rows = await getDb().select({ productId: products.productId }).from(products).where(eq(products.sellerId, sellerId)).all();
  return new Set(rows.map((r) => r.productId));
}

interface AppliedOutcome {
  topic: 'ticket' | 'incident' | 'appointment' | 'workOrder';
  payload: LivePayload;
  changed: boolean;
  waiting: WaitingChange[];
}

/** Stores one fetched document and settles the events it covers, in one transaction. */
export async function applyFetched(
  seller: Seller,
  fetched: FetchedResource,
  coveredIds: number[],
  eventType: string,
): Promise<AppliedOutcome> {
  const ref: SellerRef = { id: seller.id, slug: seller.slug, name: seller.name };
  const { document, requestedAt } = fetched;
  const productIds = document.entity === 'incident' ? await ourProductIds(seller.id) : new Set<string>();
  const processedAt = new Date().toISOString();
  return transaction((tx) => {
    let result: AppliedOutcome;
    switch (document.entity) {
      case 'ticket': {
        const r = applyTicketDocumentTx(tx, seller.id, document.doc, requestedAt);
        const waiting = r.outcome === 'stale' ? [] : syncTicketWaitingTx(tx, ref, r.ticket);
        result = {
          topic: 'ticket',
          changed: r.outcome === 'inserted' || r.outcome === 'updated',
          waiting,
          payload: { seller: seller.slug, id: document.doc.id, localId: r.ticket.id, externalId: r.ticket.externalId, status: r.ticket.status ?? undefined, eventType },
        };
        break;
      }
      case 'incident': {
        const r = applyIncidentDocumentTx(tx, seller.id, document.doc, requestedAt, productIds);
        const waiting = r.outcome === 'stale' ? [] : syncIncidentWaitingTx(tx, ref, r.row, r.outcome === 'inserted');
        result = {
          topic: 'incident',
          changed: r.outcome === 'inserted' || r.outcome === 'updated',
          waiting,
          payload: { seller: seller.slug, id: document.doc.id, localId: r.row.id, status: r.row.status, eventType },
        };
        break;
      }
      case 'workOrder': {
        const r = applyWorkOrderDocumentTx(tx, seller.id, document.doc, requestedAt);
        const waiting = r.outcome === 'stale' ? [] : syncWorkOrderWaitingTx(tx, ref, r.row);
        result = {
          topic: 'workOrder',
          changed: r.outcome === 'inserted' || r.outcome === 'updated',
          waiting,
          payload: { seller: seller.slug, id: document.doc.id, localId: r.row.id, status: r.row.status, eventType },
        };
        break;
      }
      case 'appointment': {
        const r = applyAppointmentDocumentTx(tx, seller.id, document.doc, requestedAt);
        const waiting = r.outcome === 'updated' ? syncAppointmentWaitingTx(tx, ref, r.row, r.previous) : [];
        result = {
          topic: 'appointment',
          changed: r.outcome === 'inserted' || r.outcome === 'updated',
          waiting,
          payload: { seller: seller.slug, id: document.doc.id, localId: r.row.id, status: r.row.status, eventType },
        };
        break;
      }
    }
    if (coveredIds.length > 0) {
      tx.update(inbox).set({ state: 'done', processedAt, lastError: null }).where(inArray(inbox.id, coveredIds)).run();
    }
    return result;
  });
}

/** Tells open screens what changed; a newly opened waiting item makes the change actionable (a toast). */
export function publishApplied(outcome: AppliedOutcome): void {
  const opened = outcome.waiting.find((w) => w.change === 'opened');
  if (outcome.changed || outcome.waiting.length > 0) {
    publish(outcome.topic, opened ? { ...outcome.payload, actionable: { title: opened.item.title, href: opened.item.href } } : outcome.payload);
  }
  for (const w of outcome.waiting) {
    publish('waiting', {
      seller: outcome.payload.seller,
      id: w.item.entityId,
      status: w.change,
      eventType: w.item.kind,
      ...(w.item.ticketId ? { localId: w.item.ticketId } : {}),
    });
  }
}

export function startInboxWorker(options: InboxWorkerOptions = {}): InboxWorker {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const pollMs = options.pollMs ?? 1000;
  const baseMs = options.backoff?.baseMs ?? 1000;
  const maxMs = options.backoff?.maxMs ?? 5 * 60_000;
  const maxPermanent = options.maxPermanentFailures ?? 3;
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  let scanning: Promise<void> | undefined;
  let rescan = false;
  const idleWaiters: Array<() => void> = [];

  function backoffDelay(attempts: number): number {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 20));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  async function processResource(job: ResourceJob): Promise<void> {
    const seller = await getDb().select().from(sellers).where(eq(sellers.id, job.sellerId)).get();
    const covered = await pendingForResource(job.sellerId, job.entity, job.resourceId);
    if (covered.length === 0) return;
    const ids = covered.map((c) => c.id);
    const attempts = Math.max(...covered.map((c) => c.attempts));
    if (!seller) {
      await failInboxItems(ids, 'Seller no longer in the registry');
      return;
    }
    if (!seller.enabled) {
      await rescheduleInboxItems(ids, new Date(Date.now() + maxMs).toISOString(), 'Seller disabled');
      return;
    }
    let fetched: FetchedResource;
    try {
      fetched = await fetchResource(sellerConnection(seller), job.entity, job.resourceId, options.sonata);
      if (fetched.document.doc.id !== job.resourceId) {
        throw new SonataProtocolError({ status: 200, issues: [`asked for ${job.resourceId}, got ${fetched.document.doc.id}`] });
      }
    } catch (err) {
      if (stopped) return;
      if (isPermanent(err) && attempts + 1 >= maxPermanent) await failInboxItems(ids, describe(err));
      else await rescheduleInboxItems(ids, new Date(Date.now() + backoffDelay(attempts)).toISOString(), describe(err));
      if (!isRetryable(err) && !isPermanent(err)) console.error(`[inbox] ${seller.slug} ${job.entity} ${job.resourceId}:`, err);
      return;
    }
    if (stopped) return;
    const last = covered.at(-1) as InboxItem;
    let outcome: Awaited<ReturnType<typeof applyFetched>>;
    try {
      outcome = await applyFetched(seller, fetched, ids, last.eventType);
    } catch (err) {
      // A document our cache cannot hold (e.g. missing a required attribute) must not be re-fetched in a tight loop.
      console.error(`[inbox] ${seller.slug} ${job.entity} ${job.resourceId}: could not apply`, err);
      if (attempts + 1 >= maxPermanent) await failInboxItems(ids, `could not apply: ${describe(err)}`);
      else await rescheduleInboxItems(ids, new Date(Date.now() + backoffDelay(attempts)).toISOString(), `could not apply: ${describe(err)}`);
      return;
    }
    publishApplied(outcome);
  }

  async function scan(): Promise<void> {
    do {
      rescan = false;
      if (stopped) return;
      let due: InboxItem[];
      try {
        due = await dueInboxItems(Math.max(200, concurrency * 8));
      } catch (err) {
        console.error('[inbox] scan failed', err);
        return;
      }
      for (const item of due) {
        if (inFlight.size >= concurrency) break;
        const key = resourceKey(item);
        if (inFlight.has(key)) continue;
        const job: ResourceJob = { sellerId: item.sellerId, entity: entityOf(item.eventType), resourceId: item.resourceId };
        const run = processResource(job)
          .catch((err: unknown) => console.error(`[inbox] applying ${key} failed`, err))
          .finally(() => {
            inFlight.delete(key);
            kick();
          });
        inFlight.set(key, run);
      }
    } while (rescan && !stopped);
    if (inFlight.size === 0) {
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
  }

  function kick(): void {
    if (stopped) return;
    if (scanning) {
      rescan = true;
      return;
    }
    scanning = scan().finally(() => {
      scanning = undefined;
    });
  }

  const unsubscribe = onInboxCommitted(kick);
  const timer = setInterval(kick, pollMs);
  timer.unref();
  kick();

  return {
    kick,
    async idle() {
      for (;;) {
        if (stopped) return;
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          kick();
        });
        const due = await dueInboxItems(1);
        if (due.length === 0 && inFlight.size === 0) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await scanning;
      await Promise.allSettled(inFlight.values());
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}

const WORKER_KEY = Symbol.for('sonata-portal.inbox-worker');
const holder = globalThis as unknown as { [WORKER_KEY]?: InboxWorker };

/** The process-wide worker started with the server. */
export function startSharedInboxWorker(options?: InboxWorkerOptions): InboxWorker {
  if (!holder[WORKER_KEY]) {
    const worker = startInboxWorker(options);
    holder[WORKER_KEY] = worker;
    // Entries left pending by the previous process are tried again at once rather than after their backoff.
    makePendingDue()
      .then((n) => (n > 0 ? worker.kick() : undefined))
      .catch((err: unknown) => console.error('[inbox] could not reschedule pending entries', err));
  }
  return holder[WORKER_KEY];
}

export async function stopSharedInboxWorker(): Promise<void> {
  const worker = holder[WORKER_KEY];
  holder[WORKER_KEY] = undefined;
  await worker?.stop();
}

const MAINTENANCE_KEY = Symbol.for('sonata-portal.notification-maintenance');
const maintenanceHolder = globalThis as unknown as { [MAINTENANCE_KEY]?: import('./reconcile').NotificationMaintenance };

/**
 * Everything behind Seller notifications, started once with the server: the inbox worker, then hub registration and
 * periodic reconciliation. Returns the function that stops them.
 */
export async function startSellerNotifications(): Promise<() => Promise<void>> {
  startSharedInboxWorker();
  if (!maintenanceHolder[MAINTENANCE_KEY]) {
    const { startNotificationMaintenance } = await import('./reconcile');
    const reconcileMs = env().RECONCILE_INTERVAL_MS;
    maintenanceHolder[MAINTENANCE_KEY] = startNotificationMaintenance(reconcileMs ? { reconcileMs } : {});
  }
  return async () => {
    const maintenance = maintenanceHolder[MAINTENANCE_KEY];
    maintenanceHolder[MAINTENANCE_KEY] = undefined;
    await maintenance?.stop();
    await stopSharedInboxWorker();
  };
}
