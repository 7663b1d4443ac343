import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Database } from 'better-sqlite3';
import { createBuyerTokenCache, describeFetchError, type BuyerAuth } from './buyer-token-cache';
import { createDeliveryStore, type AttemptAuth, type AttemptOutcome, type QueuedDelivery } from './delivery-store';
import { hubQueryAccepts } from './hub-query';
import { isListenedEvent, listenerScope, listenerUrl, type NotificationApi, type NotificationEnvelope, type ReferencePoint } from './listener-routes';

export type { DeliveryAttempt, AttemptAuth, AttemptOutcome } from './delivery-store';
export type { NotificationApi, NotificationEnvelope, NotificationEventType } from './listener-routes';
export type { BuyerAuth } from './buyer-token-cache';
export { hubQueryAccepts } from './hub-query';
export { listenerUrl, listenerScope } from './listener-routes';

export interface HubRegistration {
  id: string;
  callback: string;
  query?: string;
}

export interface RetryPolicy {
  /** First backoff ceiling; doubles per failed attempt (full jitter draws the delay from [0, ceiling]). */
  baseMs?: number;
  maxMs?: number;
  /** A delivery is given up once this long has passed since it was queued. */
  maxElapsedMs?: number;
}

export interface NotifierDeps {
  db: Database;
  listHubs(seller: string, api: NotificationApi): HubRegistration[];
  buyerAuth(seller: string): BuyerAuth | undefined;
  /** The Seller's reference point: its events go to {callback}/mefApi/<it>/…Notification/…; sonata when absent. */
  referencePoint?(seller: string): ReferencePoint;
  now?: () => number;
  retry?: RetryPolicy;
  /** Per HTTP request (token or listener). */
  attemptTimeoutMs?: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /**
   * Requests open at once towards one hub, each about a different resource (default 8). Events about the same
   * resource are never sent side by side: each waits until the one before it is delivered or given up.
   */
  concurrencyPerHub?: number;
}

export interface SellerEvent {
  seller: string;
  api: NotificationApi;
  eventType: string;
  resourceId: string;
  /** Where the Buyer can GET the resource; copied into event.href when given. */
  href?: string;
  buyerId?: string;
  sellerId?: string;
  /** How an imperfect Seller mis-delivers this event: late, twice, or with a shifted eventTime. */
  quirks?: { delayMs?: number; repeat?: boolean; eventTimeOffsetMs?: number };
}

export interface Notifier {
  /** Persists one delivery per matching hub; sending happens in the background. Throws on an event type the API has no listener for. */
  publish(e: SellerEvent): void;
  /** Recent attempts for one Seller, newest first. */
  deliveries(seller: string, limit?: number): import('./delivery-store').DeliveryAttempt[];
  /** Resolves once nothing is in flight and nothing is due: the queue is empty or only waits on backoff. */
  drain(): Promise<void>;
  /** Stops sending; interrupted and pending deliveries stay queued and resume with the next notifier on this database. */
  close(): Promise<void>;
}

const DEFAULT_RETRY: Required<RetryPolicy> = { baseMs: 1_000, maxMs: 60_000, maxElapsedMs: 10 * 60_000 };
const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;
export const DEFAULT_DELIVERY_CONCURRENCY = 8;
/** Requests open at once across all hubs of all Sellers. */
const MAX_IN_FLIGHT = 64;
const RETENTION_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** Re-read the queue at least this often, so a clock jump or an outside change never leaves it idle for long. */
const MAX_SLEEP_MS = 30_000;

interface HttpResult {
  startedAt: number;
  durationMs: number;
  status?: number;
  retryAfterMs?: number;
  error?: string;
}

type Verdict = 'delivered' | 'retry' | 'giveUp';

function verdictOf(result: HttpResult): Verdict {
  const { status } = result;
  if (status === undefined) return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 500 || status === 408 || status === 429 || status === 401) return 'retry';
  return 'giveUp';
}

function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const attemptTimeoutMs = deps.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const store = createDeliveryStore(deps.db);
  const tokens = createBuyerTokenCache({ now, timeoutMs: attemptTimeoutMs });
  const concurrencyPerHub = Math.max(1, Math.floor(deps.concurrencyPerHub ?? DEFAULT_DELIVERY_CONCURRENCY));
  /** One entry per lane (hub and resource) with a request open. */
  const inFlight = new Map<string, Promise<void>>();
  const openPerHub = new Map<string, number>();
  const shutdown = new AbortController();
  let closed = false;
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Infinity;

  store.prune(now() - RETENTION_MS);
  const pruneTimer = setInterval(() => {
    try {
      store.prune(now() - RETENTION_MS);
    } catch (err) {
      console.error('[notify] pruning failed', err);
    }
  }, PRUNE_EVERY_MS);
  pruneTimer.unref();

  function wakeIn(delayMs: number): void {
    if (closed) return;
    const delay = Math.max(0, Math.min(delayMs, MAX_SLEEP_MS));
    const at = performance.now() + delay;
    if (wakeTimer && wakeAt <= at) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      wakeAt = Infinity;
      pump();
    }, delay);
    wakeTimer.unref();
  }

  const laneOf = (d: QueuedDelivery) => JSON.stringify([d.hubKey, d.resourceId]);

  /** Starts every due lane head whose lane is idle, oldest first, within the per-hub and overall bounds; never throws. */
  function pump(): void {
    if (closed) return;
    try {
      const t = now();
      let nextDue = Infinity;
      for (const head of store.heads()) {
        if (inFlight.size >= MAX_IN_FLIGHT) break;
        const lane = laneOf(head);
        if (inFlight.has(lane)) continue;
        if (head.nextAttemptAt > t) {
          nextDue = Math.min(nextDue, head.nextAttemptAt);
          continue;
        }
        const open = openPerHub.get(head.hubKey) ?? 0;
        if (open >= concurrencyPerHub) continue;
        openPerHub.set(head.hubKey, open + 1);
        const run = deliver(head)
          .catch((err: unknown) => {
            console.error(`[notify] delivery ${head.id} failed unexpectedly`, err);
            try {
              store.retryAt(head.id, now() + retry.maxMs, 'internal error');
            } catch {
              /* the database is gone; the delivery stays pending */
            }
          })
          .finally(() => {
            inFlight.delete(lane);
            const left = (openPerHub.get(head.hubKey) ?? 1) - 1;
            if (left > 0) openPerHub.set(head.hubKey, left);
            else openPerHub.delete(head.hubKey);
            wakeIn(0);
          });
        inFlight.set(lane, run);
      }
      if (nextDue < Infinity) wakeIn(nextDue - t);
    } catch (err) {
      console.error('[notify] queue scan failed', err);
      wakeIn(MAX_SLEEP_MS);
    }
  }

  async function post(d: QueuedDelivery, token: string | undefined): Promise<HttpResult> {
    const startedAt = now();
    const t0 = performance.now();
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json;charset=utf-8',
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: d.body,
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(attemptTimeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
      return {
        startedAt,
        durationMs: Math.round(performance.now() - t0),
        status: res.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (err) {
      return { startedAt, durationMs: Math.round(performance.now() - t0), error: describeFetchError(err) };
    }
  }

  /** When to try again after `failures` failed attempts, or undefined once the retry budget is spent. */
  function nextAttemptAt(d: QueuedDelivery, failures: number, retryAfterMs: number | undefined): number | undefined {
    const t = now();
    const deadline = d.createdAt + retry.maxElapsedMs;
    if (t >= deadline) return undefined;
    const ceiling = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.min(failures - 1, 30));
    const delay = Math.max(random() * ceiling, retryAfterMs ?? 0);
    return Math.min(t + delay, deadline);
  }

  function describeResult(r: HttpResult): string {
    return r.error ?? `HTTP ${r.status}`;
  }

  /**
   * Logs one attempt and moves the delivery on. `final` is false only for the 401 that is retried at once with a
   * fresh token.
   */
  function settle(d: QueuedDelivery, r: HttpResult, auth: AttemptAuth, tokenSent: boolean, final: boolean, failures: number): void {
    const verdict: Verdict = shutdown.signal.aborted && r.status === undefined ? 'retry' : verdictOf(r);
    let outcome: AttemptOutcome;
    let retryAt: number | undefined;
    if (shutdown.signal.aborted && r.status === undefined) outcome = 'interrupted';
    else if (verdict === 'delivered') outcome = 'delivered';
    else if (verdict === 'giveUp') outcome = 'gaveUp';
    else if (!final) outcome = 'retrying';
    else {
      retryAt = nextAttemptAt(d, failures, r.retryAfterMs);
      outcome = retryAt === undefined ? 'gaveUp' : 'retrying';
    }
    store.logAttempt({
      deliveryId: d.id,
      seller: d.seller,
      api: d.api,
      hubId: d.hubId,
      eventId: d.eventId,
      eventType: d.eventType,
      resourceId: d.resourceId,
      url: d.url,
      attemptedAt: r.startedAt,
      durationMs: r.durationMs,
      ...(r.status === undefined ? {} : { httpStatus: r.status }),
      ...(r.error === undefined ? {} : { error: r.error }),
      tokenSent,
      auth,
      outcome,
    });
    if (!final) return;
    if (outcome === 'delivered') store.markDelivered(d.id, now());
    else if (outcome === 'gaveUp') store.markGaveUp(d.id, now(), describeResult(r));
    else if (outcome === 'retrying' && retryAt !== undefined) store.retryAt(d.id, retryAt, describeResult(r));
  }

  async function deliver(d: QueuedDelivery): Promise<void> {
    let stillRegistered = true;
    try {
      stillRegistered = deps.listHubs(d.seller, d.api).some((h) => h.id === d.hubId);
    } catch (err) {
      console.error('[notify] listing hubs failed', err);
    }
    if (!stillRegistered) {
      store.markGaveUp(d.id, now(), 'hub unregistered before delivery');
      return;
    }

    let failures = d.attempts;
    const auth = deps.buyerAuth(d.seller);
    if (!auth) {
      const r = await post(d, undefined);
      if (verdictOf(r) !== 'delivered') failures += 1;
      settle(d, r, 'noCredentials', false, true, failures);
      return;
    }

    const scope = listenerScope(d.eventType);
    for (let round = 0; round < 2; round += 1) {
      if (round === 1) tokens.forget(auth, scope);
      const tokenStartedAt = now();
      const t0 = performance.now();
      let token: string;
      try {
        token = await tokens.token(auth, scope, shutdown.signal);
      } catch (err) {
        failures += 1;
        const error = err instanceof Error ? err.message : String(err);
        settle(d, { startedAt: tokenStartedAt, durationMs: Math.round(performance.now() - t0), error }, 'tokenFailed', false, true, failures);
        return;
      }
      const r = await post(d, token);
      const retryWithFreshToken = round === 0 && r.status === 401 && !shutdown.signal.aborted;
      if (verdictOf(r) !== 'delivered') failures += 1;
      settle(d, r, 'bearer', true, !retryWithFreshToken, failures);
      if (!retryWithFreshToken) return;
    }
  }

  pump();

  return {
    publish(e) {
      const { eventType } = e;
      if (!isListenedEvent(e.api, eventType)) {
        throw new Error(`${eventType} is not a ${e.api} notification event`);
      }
      const hubs = deps.listHubs(e.seller, e.api).filter((hub) => hubQueryAccepts(hub.query, e.eventType));
      if (hubs.length === 0) return;
      const at = now();
      const event = {
        id: e.resourceId,
        ...(e.href === undefined ? {} : { href: e.href }),
        ...(e.buyerId === undefined ? {} : { buyerId: e.buyerId }),
        ...(e.sellerId === undefined ? {} : { sellerId: e.sellerId }),
      };
      const quirks = e.quirks ?? {};
      store.enqueue(
        hubs.flatMap((hub) => {
          const envelope: NotificationEnvelope = {
            eventId: randomUUID(),
            eventTime: new Date(at + (quirks.eventTimeOffsetMs ?? 0)).toISOString(),
            eventType,
            event,
          };
          const delivery = {
            seller: e.seller,
            api: e.api,
            hubId: hub.id,
            hubKey: JSON.stringify([e.seller, e.api, hub.id]),
            eventId: envelope.eventId,
            eventType: e.eventType,
            resourceId: e.resourceId,
            url: listenerUrl(hub.callback, e.api, e.eventType, deps.referencePoint?.(e.seller) ?? 'sonata'),
            body: JSON.stringify(envelope),
            createdAt: at,
            nextAttemptAt: at + Math.max(0, quirks.delayMs ?? 0),
          };
          // A repeat is the same envelope again, queued behind the first in the resource's lane.
          return quirks.repeat ? [delivery, { ...delivery, eventId: `${envelope.eventId}#repeat` }] : [delivery];
        }),
      );
      wakeIn(0);
    },

    deliveries(seller, limit = 50) {
      return store.recentAttempts(seller, Math.max(1, Math.min(1000, Math.floor(limit))));
    },

    async drain() {
      for (;;) {
        if (closed) {
          await Promise.allSettled(inFlight.values());
          return;
        }
        pump();
        if (inFlight.size === 0) return;
        await Promise.race(inFlight.values());
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = undefined;
      clearInterval(pruneTimer);
      shutdown.abort();
      await Promise.allSettled(inFlight.values());
    },
  };
}
