import 'server-only';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { env } from '@/lib/env';
import { sellers, type InboxItem, type Seller } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { SonataHttpError, SonataProtocolError, isRetryable, type SonataClientOptions } from '@/lib/sonata/client';
import { LeaseLostError, storeSellerDocument, type Stored } from './cache-writer';
import {
  claimResource,
  dueInboxItems,
  type DueEntry,
  failInboxItems,
  makePendingDue,
  onInboxCommitted,
  releaseDeadLeases,
  releaseLeases,
  rescheduleInboxItems,
  resourceKey,
} from './inbox';
import { entityOf, type EntityKind } from './listener-catalog';
import { fetchResource, type FetchedResource } from './resource-fetch';
import { recordDocumentRejection } from './document-rejections';
import { logger } from '@/lib/observability/log';

/**
 * Applies the inbox: for each resource named by pending events, one GET at a time (so events about one resource are
 * settled in order, and repeated events about it are settled by one fetch), then the cache, the waiting items and
 * the covered events are committed together. An event stays pending until that commit, so a crash at any point means
 * it is fetched again after restart.
 *
 * Different resources are fetched in parallel, at most `perSellerConcurrency` at once per Seller (so one slow Seller
 * does not hold the others back) and `concurrency` in all. A worker claims a resource's entries with a lease
 * (inbox.ts, claimResource) and never assumes it is alone: several workers, in one process or several, may share
 * the database.
 */

export interface InboxWorkerOptions {
  /** Resources fetched at once, across Sellers. */
  concurrency?: number;
  /** Resources fetched at once for one Seller (default INBOX_SELLER_CONCURRENCY, 8). */
  perSellerConcurrency?: number;
  /** This worker's name on the leases it takes; unique per worker. */
  owner?: string;
  /** How long a claim holds before another worker may take the resource over. */
  leaseMs?: number;
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

/** Stores one fetched document and settles the events it covers, through the one cache writer. */
export async function applyFetched(seller: Seller, fetched: FetchedResource, coveredIds: number[], eventType: string, leaseOwner?: string): Promise<Stored> {
  return storeSellerDocument({
    seller: { id: seller.id, slug: seller.slug, name: seller.name },
    document: fetched.document,
    requestedAt: fetched.requestedAt,
    cause: eventType,
    settles: coveredIds,
    ...(leaseOwner ? { leaseOwner } : {}),
  });
}

/** A lease owner name: host and pid first, so that a restarted process can tell its dead predecessor's leases. */
export function newLeaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

const inboxLog = logger('inbox');
const DEFAULT_LEASE_MS = 60_000;
const RESCAN_GAP_MS = 20;

export function startInboxWorker(options: InboxWorkerOptions = {}): InboxWorker {
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const perSeller = Math.max(1, options.perSellerConcurrency ?? env().INBOX_SELLER_CONCURRENCY);
  const owner = options.owner ?? newLeaseOwner();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const perSellerInFlight = new Map<number, number>();
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
    const seller = (await getDb().select().from(sellers).where(eq(sellers.id, job.sellerId)).limit(1))[0];
    // Nothing claimed: settled already, or another worker holds the resource.
    const covered = await claimResource(job.sellerId, job.entity, job.resourceId, owner, leaseMs);
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
      await recordDocumentRejection(seller, err, job.resourceId);
      if (stopped) return;
      const failed = isPermanent(err) && attempts + 1 >= maxPermanent;
      if (failed) await failInboxItems(ids, describe(err));
      else await rescheduleInboxItems(ids, new Date(Date.now() + backoffDelay(attempts)).toISOString(), describe(err));
      const level = !isRetryable(err) && !isPermanent(err) ? 'error' : 'warn';
      inboxLog[level]({ seller: seller.slug, entity: job.entity, resourceId: job.resourceId, inboxIds: ids, attempts: attempts + 1, err }, failed ? 'fetch failed; entries given up' : 'fetch failed; retry scheduled');
      return;
    }
    if (stopped) return;
    // Should our lease have run out during the fetch and another worker taken the resource over, the write below finds
    // out inside its transaction (LeaseLostError) and that worker applies, not us.
    const last = covered.at(-1) as InboxItem;
    try {
      await applyFetched(seller, fetched, ids, last.eventType, owner);
      inboxLog.info({ seller: seller.slug, entity: job.entity, resourceId: job.resourceId, inboxIds: ids, eventType: last.eventType }, 'applied');
    } catch (err) {
      if (err instanceof LeaseLostError) return;
      // A document our cache cannot hold (e.g. missing a required attribute) must not be re-fetched in a tight loop.
      inboxLog.error({ seller: seller.slug, entity: job.entity, resourceId: job.resourceId, inboxIds: ids, attempts: attempts + 1, err }, 'could not apply');
      if (attempts + 1 >= maxPermanent) await failInboxItems(ids, `could not apply: ${describe(err)}`);
      else await rescheduleInboxItems(ids, new Date(Date.now() + backoffDelay(attempts)).toISOString(), `could not apply: ${describe(err)}`);
      return;
    }
  }

  async function scan(): Promise<void> {
    rescan = false;
    if (stopped) return;
    let due: DueEntry[];
    try {
      due = await dueInboxItems(Math.max(200, concurrency * 8));
    } catch (err) {
      inboxLog.error({ err }, 'scan failed');
      return;
    }
    for (const item of due) {
      if (inFlight.size >= concurrency) break;
      const key = resourceKey(item);
      if (inFlight.has(key)) continue;
      const sellerBusy = perSellerInFlight.get(item.sellerId) ?? 0;
      if (sellerBusy >= perSeller) continue;
      perSellerInFlight.set(item.sellerId, sellerBusy + 1);
      const job: ResourceJob = { sellerId: item.sellerId, entity: entityOf(item.eventType), resourceId: item.resourceId };
      const run = processResource(job)
        .catch((err: unknown) => inboxLog.error({ resource: key, err }, 'applying failed'))
        .finally(() => {
          inFlight.delete(key);
          const left = (perSellerInFlight.get(job.sellerId) ?? 1) - 1;
          if (left > 0) perSellerInFlight.set(job.sellerId, left);
          else perSellerInFlight.delete(job.sellerId);
          kick();
        });
      inFlight.set(key, run);
    }
    if (inFlight.size === 0) {
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
  }

  // Every commit and every finished resource asks for a scan; under a burst one scan per RESCAN_GAP_MS serves them
  // all, instead of re-reading the due entries hundreds of times a second.
  let lastScanAt = 0;
  let kickTimer: NodeJS.Timeout | undefined;
  function kick(): void {
    if (stopped) return;
    if (scanning) {
      rescan = true;
      return;
    }
    const wait = lastScanAt + RESCAN_GAP_MS - Date.now();
    if (wait > 0) {
      kickTimer ??= setTimeout(() => {
        kickTimer = undefined;
        kick();
      }, wait);
      return;
    }
    lastScanAt = Date.now();
    scanning = scan().finally(() => {
      scanning = undefined;
      if (rescan) kick();
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
      clearTimeout(kickTimer);
      unsubscribe();
      await scanning;
      await Promise.allSettled(inFlight.values());
      // What we claimed but did not settle is free for the next worker at once, not after the lease.
      await releaseLeases(owner).catch((err: unknown) => inboxLog.error({ err }, 'could not release leases'));
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
    // Entries left pending by the previous process are tried again at once rather than after their backoff, and
    // its leases (same host, process gone) are released rather than waited out.
    releaseDeadLeases()
      .then(() => makePendingDue())
      .then((n) => (n > 0 ? worker.kick() : undefined))
      .catch((err: unknown) => inboxLog.error({ err }, 'could not reschedule pending entries'));
  }
  return holder[WORKER_KEY];
}

/** Whether the process-wide worker is started (readiness, when the server runs it inline). */
export function sharedInboxWorkerStarted(): boolean {
  return holder[WORKER_KEY] !== undefined;
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
    maintenanceHolder[MAINTENANCE_KEY] = startNotificationMaintenance({ ...(reconcileMs ? { reconcileMs } : {}), feedRetentionHours: env().CHANGE_FEED_RETENTION_HOURS });
  }
  return async () => {
    const maintenance = maintenanceHolder[MAINTENANCE_KEY];
    maintenanceHolder[MAINTENANCE_KEY] = undefined;
    await maintenance?.stop();
    await stopSharedInboxWorker();
  };
}
