import 'server-only';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { getDb } from '@/db';
import {
  listenerCredentials,
  notificationHubs,
  outbox,
  sellerDocumentRejections,
  sellerToleratedDeviations,
  sellers,
  sellerSyncState,
  NOTIFICATION_APIS,
  waitingItems,
  type ListenerCredential,
  type NotificationHub,
  type Seller,
  type WaitingItem,
  type WaitingKind,
} from '@/db/schema';
import { listenerRefusals } from '@/lib/listener/receive';
import { publicBaseUrl } from '@/lib/sellers/listener-credentials';
import { callbackFor, listenerBaseFor, LISTENER_TOKEN_PATH } from '@/lib/sync/hub-registration';
import { inboxCounts, type InboxCounts } from '@/lib/sync/inbox';
import { NEWS_KINDS } from '@/lib/sync/waiting-items';
import type { NotificationApi } from '@/lib/sync/listener-catalog';

/** What each open item asks of the operator, and which of our outgoing requests answers it. */
const ANSWERED_BY: Partial<Record<WaitingKind, readonly string[]>> = {
  informationRequired: ['patch'],
  appointmentRequired: ['patch'],
  clearanceRequested: ['close', 'reopen'],
};

export interface WaitingItemView {
  id: number;
  kind: WaitingKind;
  seller: string;
  sellerName: string;
  title: string;
  detail: string;
  href: string;
  openedAt: string;
  /** Kinds that are news rather than a request can be dismissed once read. */
  dismissible: boolean;
}

export const WAITING_KIND_LABELS: Record<WaitingKind, string> = {
  informationRequired: 'Information required',
  appointmentRequired: 'Appointment required',
  clearanceRequested: 'Clearance requested',
  newIncident: 'New incident',
  appointmentChanged: 'Appointment changed',
  slaAtRisk: 'SLA at risk',
  slaBreached: 'SLA breached',
};

/**
 * Open "waiting on you" items, newest first. An item whose ticket already has our answer on its way (a patch for a
 * pending ticket, a close or reopen for a resolved one, queued or sent after the item opened) is no longer shown.
 */
export async function listOpenWaitingItems(limit = 50): Promise<WaitingItemView[]> {
  const db = getDb();
  const rows = await db
    .select({ item: waitingItems, slug: sellers.slug, sellerName: sellers.name })
    .from(waitingItems)
    .innerJoin(sellers, eq(sellers.id, waitingItems.sellerId))
    .where(isNull(waitingItems.clearedAt))
    .orderBy(desc(waitingItems.openedAt))
    .limit(limit * 2);
  const ticketIds = [...new Set(rows.map((r) => r.item.ticketId).filter((id): id is number => id !== null))];
  const answers = ticketIds.length
    ? await db
        .select({ ticketId: outbox.ticketId, operation: outbox.operation, state: outbox.state, createdAt: outbox.createdAt })
        .from(outbox)
        .where(and(inArray(outbox.ticketId, ticketIds), inArray(outbox.state, ['pending', 'done'])))
    : [];
  const answered = (item: WaitingItem) =>
    item.ticketId !== null &&
    answers.some(
      (a) => a.ticketId === item.ticketId && (ANSWERED_BY[item.kind] ?? []).includes(a.operation) && a.createdAt >= item.openedAt,
    );
  return rows
    .filter((r) => !answered(r.item))
    .slice(0, limit)
    .map(({ item, slug, sellerName }) => ({
      id: item.id,
      kind: item.kind,
      seller: slug,
      sellerName,
      title: item.title,
      detail: item.detail,
      href: item.href,
      openedAt: item.openedAt,
      dismissible: (NEWS_KINDS as readonly string[]).includes(item.kind),
    }));
}

/** Open items about one ticket (for a ticket page banner). */
export async function waitingItemsForTicket(ticketId: number): Promise<WaitingItem[]> {
  return await getDb()
    .select()
    .from(waitingItems)
    .where(and(eq(waitingItems.ticketId, ticketId), isNull(waitingItems.clearedAt)));
}

export interface CredentialView {
  id: number;
  clientId: string;
  secretHint: string;
  deliveredVia: ListenerCredential['deliveredVia'];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface SellerNotificationsView {
  slug: string;
  name: string;
  enabled: boolean;
  callback: string;
  referencePoint: Seller['referencePoint'];
  /** Where the Seller delivers, per API: the callback plus the listener path of its reference point. */
  listenerBases: Record<NotificationApi, string>;
  tokenUrl: string;
  credentials: CredentialView[];
  hubs: Array<Pick<NotificationHub, 'api' | 'hubId' | 'state' | 'lastError' | 'registeredAt' | 'updatedAt'>>;
  lastEventAt: string | null;
  inbox: InboxCounts;
  refused: { count: number; lastAt?: string; lastReason?: string };
  lastReconcileAt: string | null;
  lastReconcileResult: string | null;
  lastReconcileError: string | null;
  credentialsPushedAt: string | null;
  credentialsPushError: string | null;
  openWaitingItems: number;
  /** Documents refused because they break the schema beyond what the Seller is allowed, latest first. */
  rejectedDocuments: RejectedDocumentView[];
  /** Known deviations and allowances this Seller's answers are allowed. */
  toleratedDeviations: { known: string[]; allowed: Array<{ operationId?: string; path: string; keyword?: string }> };
  /** Which of them its answers actually showed, per operation, most often first. */
  toleratedSeen: ToleratedSightingView[];
}

export interface ToleratedSightingView {
  /** A known switch by name, or an allowance by its label. */
  deviation: string;
  kind: 'known' | 'allowance';
  api: string;
  operationId: string;
  samplePath: string;
  firstSeenAt: string;
  lastSeenAt: string;
  count: number;
}

/** The tolerated deviations one Seller's answers showed (Settings → Notifications). */
export async function listToleratedSightings(sellerId: number, limit = 40): Promise<ToleratedSightingView[]> {
  const rows = await getDb()
    .select()
    .from(sellerToleratedDeviations)
    .where(eq(sellerToleratedDeviations.sellerId, sellerId))
    .orderBy(asc(sellerToleratedDeviations.deviation), desc(sellerToleratedDeviations.count), asc(sellerToleratedDeviations.operationId))
    .limit(limit);
  return rows.map(({ deviation, kind, api, operationId, samplePath, firstSeenAt, lastSeenAt, count }) => ({
    deviation,
    kind,
    api,
    operationId,
    samplePath,
    firstSeenAt,
    lastSeenAt,
    count,
  }));
}

export interface RejectedDocumentView {
  api: string;
  operationId: string;
  resourceId: string;
  violations: Array<{ path: string; message: string; keyword: string }>;
  firstSeenAt: string;
  lastSeenAt: string;
  count: number;
}

/** The latest refused Seller documents of one Seller (Settings → Notifications). */
export async function listRejectedDocuments(sellerId: number, limit = 20): Promise<RejectedDocumentView[]> {
  const rows = await getDb()
    .select()
    .from(sellerDocumentRejections)
    .where(eq(sellerDocumentRejections.sellerId, sellerId))
    .orderBy(desc(sellerDocumentRejections.lastSeenAt), desc(sellerDocumentRejections.id))
    .limit(limit);
  return rows.map(({ api, operationId, resourceId, violations, firstSeenAt, lastSeenAt, count }) => ({
    api,
    operationId,
    resourceId,
    violations,
    firstSeenAt,
    lastSeenAt,
    count,
  }));
}

/** Settings → Notifications: the state of the notification channel of every Seller. */
export async function listSellerNotificationViews(now = Date.now()): Promise<SellerNotificationsView[]> {
  const db = getDb();
  const all = await db.select().from(sellers).orderBy(asc(sellers.name));
  const views: SellerNotificationsView[] = [];
  for (const seller of all) {
    const [credentials, hubs, state, counts, waiting, rejectedDocuments, toleratedSeen] = await Promise.all([
      await db.select().from(listenerCredentials).where(eq(listenerCredentials.sellerId, seller.id)).orderBy(desc(listenerCredentials.id)).limit(5),
      await db.select().from(notificationHubs).where(eq(notificationHubs.sellerId, seller.id)),
      (await db.select().from(sellerSyncState).where(eq(sellerSyncState.sellerId, seller.id)).limit(1))[0],
      inboxCounts(seller.id, now),
      await db
        .select({ id: waitingItems.id })
        .from(waitingItems)
        .where(and(eq(waitingItems.sellerId, seller.id), isNull(waitingItems.clearedAt))),
      listRejectedDocuments(seller.id),
      listToleratedSightings(seller.id),
    ]);
    const refused = listenerRefusals(seller.slug);
    views.push({
      slug: seller.slug,
      name: seller.name,
      enabled: seller.enabled,
      callback: callbackFor(seller),
      referencePoint: seller.referencePoint,
      listenerBases: Object.fromEntries(NOTIFICATION_APIS.map((api) => [api, listenerBaseFor(seller, api)])) as Record<NotificationApi, string>,
      tokenUrl: `${publicBaseUrl()}${LISTENER_TOKEN_PATH}`,
      credentials: credentials.map((c) => ({
        id: c.id,
        clientId: c.clientId,
        secretHint: c.secretHint,
        deliveredVia: c.deliveredVia,
        createdAt: c.createdAt,
        lastUsedAt: c.lastUsedAt,
        revokedAt: c.revokedAt,
      })),
      hubs: hubs.map(({ api, hubId, state: hubState, lastError, registeredAt, updatedAt }) => ({ api, hubId, state: hubState, lastError, registeredAt, updatedAt })),
      lastEventAt: state?.lastEventAt ?? null,
      inbox: counts,
      refused: { count: refused.refused, lastAt: refused.lastRefusedAt, lastReason: refused.lastReason },
      lastReconcileAt: state?.lastReconcileAt ?? null,
      lastReconcileResult: state?.lastReconcileResult ?? null,
      lastReconcileError: state?.lastReconcileError ?? null,
      credentialsPushedAt: state?.credentialsPushedAt ?? null,
      credentialsPushError: state?.credentialsPushError ?? null,
      openWaitingItems: waiting.length,
      rejectedDocuments,
      toleratedDeviations: seller.toleratedDeviations,
      toleratedSeen,
    });
  }
  return views;
}
