import 'server-only';
import { and, eq, isNotNull } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers, sellerSyncState, tickets, type Seller } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { pruneFeed, recordChange } from './change-feed';
import { sonataClients, type SonataClientOptions } from '@/lib/sonata/client';
import type { TroubleTicketFind } from '@/lib/sonata/schemas';
import { syncAllSellerNotifications } from './hub-registration';
import { enqueueInbox } from './inbox';
import { recordDocumentRejection } from './document-rejections';
import { write } from '@/db/transaction';
import { runPeriodically } from './periodic-jobs';

/**
 * Catches what notifications missed: lists the Seller's open tickets (by status) and those created since the last
 * run (creationDate.gt), compares with the cache and queues a fetch through the inbox for each difference, so the
 * same worker, ordering and waiting items apply as for a live event. (Incidents have their own periodic refresh in
 * incident-refresh.ts, which applies through the same path.)
 */

export const OPEN_TICKET_STATUSES = ['acknowledged', 'inProgress', 'pending', 'resolved', 'assessingCancellation', 'reopened'] as const;
/** Overlap with the previous run, for clocks that disagree a little. */
const CREATION_MARGIN_MS = 5 * 60_000;
const PAGE = { pageSize: 100, maxItems: 5000 };

export interface ReconcileResult {
  checked: number;
  queued: number;
  error?: string;
}

async function queueFetch(seller: Seller, runAt: string, kind: 'troubleTicket', id: string): Promise<void> {
  await enqueueInbox({
    sellerId: seller.id,
    api: 'troubleTicket',
    eventId: `reconciliation:${runAt}:${kind}:${id}`,
    eventType: `${kind}Reconciliation`,
    eventTime: runAt,
    resourceId: id,
    body: { reconciliation: true, kind, id },
  });
}

export async function reconcileSeller(seller: Seller, options: { sonata?: SonataClientOptions } = {}): Promise<ReconcileResult> {
  const db = getDb();
  const runAt = new Date().toISOString();
  const state = (await db.select().from(sellerSyncState).where(eq(sellerSyncState.sellerId, seller.id)).limit(1))[0];
  const client = sonataClients(sellerConnection(seller), options.sonata).troubleTicket;
  const result: ReconcileResult = { checked: 0, queued: 0 };
  try {
    const seen = new Map<string, TroubleTicketFind>();
    for (const status of OPEN_TICKET_STATUSES) {
      const page = await client.listAllTroubleTicket({ status }, PAGE);
      for (const t of page.items) seen.set(t.id, t);
    }
    if (state?.lastReconcileFrom) {
      const since = new Date(Date.parse(state.lastReconcileFrom) - CREATION_MARGIN_MS).toISOString();
      const page = await client.listAllTroubleTicket({ 'creationDate.gt': since }, PAGE);
      for (const t of page.items) seen.set(t.id, t);
    }
    result.checked = seen.size;
    const cached = await db
      .select({ sellerTicketId: tickets.sellerTicketId, status: tickets.status })
      .from(tickets)
      .where(and(eq(tickets.sellerId, seller.id), isNotNull(tickets.sellerTicketId)));
    const cachedStatus = new Map(cached.map((c) => [c.sellerTicketId as string, c.status]));
    const toFetch = new Set<string>();
    for (const [id, t] of seen) if (cachedStatus.get(id) !== t.status) toFetch.add(id);
    // Open here but no longer open at the Seller: closed or cancelled while we were not told.
    for (const [id, status] of cachedStatus) {
      if (status && (OPEN_TICKET_STATUSES as readonly string[]).includes(status) && !seen.has(id)) toFetch.add(id);
    }
    for (const id of toFetch) await queueFetch(seller, runAt, 'troubleTicket', id);
    result.queued += toFetch.size;

  } catch (err) {
    await recordDocumentRejection(seller, err);
    result.error = err instanceof Error ? err.message : String(err);
  }
  const summary = `${result.checked} tickets checked, ${result.queued} fetched again`;
  await write(
    (d) =>
      d
        .insert(sellerSyncState)
        .values({ sellerId: seller.id, lastReconcileAt: runAt, lastReconcileResult: summary, lastReconcileError: result.error ?? null, ...(result.error ? {} : { lastReconcileFrom: runAt }) })
        .onConflictDoUpdate({
          target: sellerSyncState.sellerId,
          set: { lastReconcileAt: runAt, lastReconcileResult: summary, lastReconcileError: result.error ?? null, ...(result.error ? {} : { lastReconcileFrom: runAt }) },
        }),
    db,
  );
  await recordChange('sellerSync', { seller: seller.slug, eventType: 'reconciliation' });
  return result;
}

export async function reconcileAllSellers(options: { sonata?: SonataClientOptions } = {}): Promise<void> {
  const enabled = await getDb().select().from(sellers).where(eq(sellers.enabled, true));
  for (const seller of enabled) {
    try {
      await reconcileSeller(seller, options);
    } catch (err) {
      console.error(`[reconcile] ${seller.slug}:`, err);
    }
  }
}

export interface NotificationMaintenance {
  stop(): Promise<void>;
}

const FEED_PRUNE_MS = 10 * 60_000;

/**
 * Keeps hubs in line with the registry (newly enabled Sellers get hubs, disabled ones lose them), reconciles each
 * enabled Seller periodically and prunes the change feed by age, each once per period across instances. The first
 * pass runs at once; in one process the three take turns, so a hub check never overlaps a reconciliation.
 */
export function startNotificationMaintenance(
  options: { hubCheckMs?: number; reconcileMs?: number; feedRetentionHours?: number; sonata?: SonataClientOptions } = {},
): NotificationMaintenance {
  const hubCheckMs = options.hubCheckMs ?? 30_000;
  const reconcileMs = options.reconcileMs ?? 5 * 60_000;
  const retentionMs = (options.feedRetentionHours ?? 24) * 3600_000;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const inTurn = (work: () => Promise<unknown>): Promise<void> => {
    const turn = running.then(async () => {
      if (!stopped) await work();
    });
    running = turn.catch(() => undefined);
    return turn;
  };
  const jobs = [
    runPeriodically(
      'hub-check',
      hubCheckMs,
      ({ firstInProcess }) =>
        inTurn(() => syncAllSellerNotifications(firstInProcess ? { verify: true, pushCredentials: true, sonata: options.sonata } : { sonata: options.sonata })),
      { atStart: true },
    ),
    runPeriodically('reconciliation', reconcileMs, () => inTurn(() => reconcileAllSellers({ sonata: options.sonata })), { atStart: true }),
    runPeriodically('change-feed-prune', FEED_PRUNE_MS, () => inTurn(() => pruneFeed(new Date(Date.now() - retentionMs).toISOString())), { atStart: true }),
  ];
  return {
    async stop() {
      stopped = true;
      await Promise.all(jobs.map((job) => job.stop()));
      await running;
    },
  };
}
