import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db';
import { listenerCredentials, NOTIFICATION_APIS, notificationHubs, sellers, sellerSyncState, type NotificationHub, type Seller } from '@/db/schema';
import { publicBaseUrl, revokeListenerCredentials, rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { sellerConnection } from '@/lib/sellers/registry';
import { recordChange } from './change-feed';
import { SonataHttpError, sonataClients, type SonataClientOptions } from '@/lib/sonata/client';
import { createEgressFetch } from '@/lib/sonata/egress';
import { env } from '@/lib/env';
import { LISTENER_APIS, type NotificationApi } from './listener-catalog';
import { write } from '@/db/transaction';

/**
 * Our event subscriptions: one hub per notification API at each enabled Seller, callback /sellers/<slug> on our
 * public URL. With SANDBOX_CREDENTIAL_PUSH a sandbox Seller also gets our listener credentials over its control API;
 * otherwise, and for a real Seller always, they are handed over at
 * onboarding (Settings → Notifications).
 *
 * The callback is a host or prefix (MEF 124/137 developer guides): the Seller appends its notification API's base
 * path, /mefApi/<reference point>/<api>Notification/<version>/listener/<eventType>. So the prefix is the same on both
 * reference points; what follows the Seller's reference point is the listener tree we serve for it (a Sonata Seller
 * is heard only under /mefApi/sonata, a Cantata provider only under /mefApi/cantata), and a hub registered on the
 * other reference point is registered again.
 */

export function callbackFor(seller: Pick<Seller, 'slug'>): string {
  return `${publicBaseUrl()}/sellers/${encodeURIComponent(seller.slug)}`;
}

/** Where the Seller delivers one API's events: the callback and the listener path of its reference point. */
export function listenerBaseFor(seller: Pick<Seller, 'slug' | 'referencePoint'>, api: NotificationApi): string {
  const listener = LISTENER_APIS[api];
  return `${callbackFor(seller)}/mefApi/${seller.referencePoint}/${listener.segment}/${listener.versions[0]}/listener`;
}

function hubMatches(held: NotificationHub, seller: Pick<Seller, 'slug' | 'referencePoint'>): boolean {
  return held.callback === callbackFor(seller) && held.referencePoint === seller.referencePoint;
}

export const LISTENER_TOKEN_PATH = '/oauth2/token';

export interface HubOutcome {
  api: NotificationApi;
  state: NotificationHub['state'];
  hubId: string | null;
  error?: string;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function hubRows(sellerId: number): Promise<NotificationHub[]> {
  return await getDb().select().from(notificationHubs).where(eq(notificationHubs.sellerId, sellerId));
}

async function saveHub(sellerId: number, api: NotificationApi, fields: Partial<NotificationHub> & Pick<NotificationHub, 'state' | 'callback'>) {
  const updatedAt = new Date().toISOString();
  await write(() =>
    getDb()
      .insert(notificationHubs)
      .values({ sellerId, api, hubId: null, ...fields, updatedAt })
      .onConflictDoUpdate({ target: [notificationHubs.sellerId, notificationHubs.api], set: { ...fields, updatedAt } }),
  );
}

async function setSyncState(sellerId: number, fields: Partial<typeof sellerSyncState.$inferInsert>) {
  await write(() =>
    getDb()
      .insert(sellerSyncState)
      .values({ sellerId, ...fields })
      .onConflictDoUpdate({ target: sellerSyncState.sellerId, set: fields }),
  );
}

/** Whether a hub we hold is still known to the Seller (a Seller without GET /hub/{id} is trusted). */
async function stillRegistered(seller: Seller, api: NotificationApi, hubId: string, options?: SonataClientOptions): Promise<boolean> {
  try {
    await sonataClients(sellerConnection(seller), options)[api].retrieveHub(hubId);
    return true;
  } catch (err) {
    if (err instanceof SonataHttpError && err.status === 404) return false;
    return true;
  }
}

export interface RegisterOptions {
  /** Drop the hubs we hold and register again. */
  force?: boolean;
  /** Check hubs we hold with GET /hub/{id} and register again those the Seller forgot. */
  verify?: boolean;
  sonata?: SonataClientOptions;
}

export async function registerSellerHubs(seller: Seller, options: RegisterOptions = {}): Promise<HubOutcome[]> {
  const callback = callbackFor(seller);
  const { referencePoint } = seller;
  const existing = new Map((await hubRows(seller.id)).map((h) => [h.api, h]));
  const clients = sonataClients(sellerConnection(seller), options.sonata);
  const outcomes: HubOutcome[] = [];
  for (const api of NOTIFICATION_APIS) {
    const held = existing.get(api);
    const usable = held?.state === 'registered' && held.hubId && hubMatches(held, seller);
    if (usable && !options.force && (!options.verify || (await stillRegistered(seller, api, held.hubId!, options.sonata)))) {
      outcomes.push({ api, state: 'registered', hubId: held.hubId });
      continue;
    }
    if (held?.hubId && held.state === 'registered') {
      await clients[api].unregisterListener(held.hubId).catch(() => undefined);
    }
    try {
      const hub = await clients[api].registerListener({ callback });
      await saveHub(seller.id, api, { hubId: hub.id, callback, referencePoint, state: 'registered', lastError: null, registeredAt: new Date().toISOString() });
      outcomes.push({ api, state: 'registered', hubId: hub.id });
    } catch (err) {
      await saveHub(seller.id, api, { hubId: null, callback, referencePoint, state: 'failed', lastError: describe(err).slice(0, 500) });
      outcomes.push({ api, state: 'failed', hubId: null, error: describe(err) });
    }
  }
  await recordChange('sellerSync', { seller: seller.slug, eventType: 'hubs' });
  return outcomes;
}

export async function unregisterSellerHubs(seller: Seller, options: { sonata?: SonataClientOptions } = {}): Promise<HubOutcome[]> {
  const clients = sonataClients(sellerConnection(seller), options.sonata);
  const outcomes: HubOutcome[] = [];
  for (const held of await hubRows(seller.id)) {
    if (held.state !== 'registered' || !held.hubId) continue;
    try {
      await clients[held.api].unregisterListener(held.hubId);
    } catch (err) {
      // Gone already is what we wanted; anything else is kept for the screen, and the hub counts as dropped.
      if (!(err instanceof SonataHttpError && err.status === 404)) {
        await saveHub(seller.id, held.api, { callback: held.callback, state: 'unregistered', hubId: null, lastError: describe(err).slice(0, 500) });
        outcomes.push({ api: held.api, state: 'unregistered', hubId: null, error: describe(err) });
        continue;
      }
    }
    await saveHub(seller.id, held.api, { callback: held.callback, state: 'unregistered', hubId: null, lastError: null });
    outcomes.push({ api: held.api, state: 'unregistered', hubId: null });
  }
  await recordChange('sellerSync', { seller: seller.slug, eventType: 'hubs' });
  return outcomes;
}

// ---------------------------------------------------------------------------------------------------------------
// Sandbox Sellers: found by their discovery document, told our credentials over the control API. Only with
// SANDBOX_CREDENTIAL_PUSH: a real Seller's origin is never asked for /_sandbox/… nor handed credentials this way.

/** The sandbox's discovery document lists four Sellers and their products: far below this. */
const sandboxControlFetch = createEgressFetch({ maxBytes: 1024 * 1024 });

export function sandboxCredentialPushEnabled(): boolean {
  return env().SANDBOX_CREDENTIAL_PUSH;
}

interface DiscoveredSeller {
  slug?: string;
  baseUrls?: { troubleTicket?: string };
}

/** The sandbox control origin when `seller` is one of its Sellers, else null. */
export async function sandboxOriginOf(seller: Seller, fetchImpl: typeof fetch = sandboxControlFetch): Promise<string | null> {
  let origin: string;
  try {
    origin = new URL(seller.troubleTicketBaseUrl).origin;
  } catch {
    return null;
  }
  try {
    const res = await fetchImpl(`${origin}/_sandbox/sellers`, { signal: AbortSignal.timeout(3000), headers: { accept: 'application/json' }, redirect: 'manual' });
    if (!res.ok) return null;
    const body = (await res.json()) as { sellers?: DiscoveredSeller[] };
    const match = (body.sellers ?? []).some((s) => s.slug === seller.slug && s.baseUrls?.troubleTicket === seller.troubleTicketBaseUrl);
    return match ? origin : null;
  } catch {
    return null;
  }
}

/** Issues fresh listener credentials and hands them to the sandbox; the previous ones are revoked once it took them. */
export async function pushSandboxCredentials(seller: Seller, origin: string, fetchImpl: typeof fetch = sandboxControlFetch): Promise<boolean> {
  const issued = await rotateListenerCredential(seller, 'sandbox', { keepOthers: true });
  try {
    const res = await fetchImpl(`${origin}/_sandbox/${encodeURIComponent(seller.slug)}/buyer-auth`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokenUrl: `${publicBaseUrl()}${LISTENER_TOKEN_PATH}`, clientId: issued.clientId, clientSecret: issued.clientSecret }),
      signal: AbortSignal.timeout(5000),
      redirect: 'manual',
    });
    if (!res.ok) throw new Error(`the sandbox answered ${res.status}`);
  } catch (err) {
    // The sandbox keeps whatever it had; the unused new credential is withdrawn.
    await write(() => getDb().update(listenerCredentials).set({ revokedAt: new Date().toISOString() }).where(eq(listenerCredentials.id, issued.credential.id)));
    await setSyncState(seller.id, { credentialsPushError: describe(err).slice(0, 500) });
    return false;
  }
  await revokeListenerCredentials(seller.id, issued.credential.id);
  await setSyncState(seller.id, { credentialsPushedAt: new Date().toISOString(), credentialsPushError: null });
  return true;
}

export async function hasActiveListenerCredential(sellerId: number): Promise<boolean> {
  const row = (await getDb()
    .select({ id: listenerCredentials.id })
    .from(listenerCredentials)
    .where(and(eq(listenerCredentials.sellerId, sellerId), isNull(listenerCredentials.revokedAt)))
    .limit(1))[0];
  return Boolean(row);
}

/**
 * Brings one Seller's subscriptions in line with its registry entry: enabled → credentials known to a sandbox Seller
 * and one hub per API; disabled → hubs dropped.
 */
export async function syncSellerNotifications(seller: Seller, options: RegisterOptions & { pushCredentials?: boolean } = {}): Promise<HubOutcome[]> {
  if (!seller.enabled) return unregisterSellerHubs(seller, options);
  if (sandboxCredentialPushEnabled() && (options.pushCredentials || !(await hasActiveListenerCredential(seller.id)))) {
    const origin = await sandboxOriginOf(seller, options.sonata?.fetch);
    if (origin) await pushSandboxCredentials(seller, origin, options.sonata?.fetch);
  }
  return registerSellerHubs(seller, options);
}

/** All Sellers at once (at start and periodically). Newly enabled Sellers get hubs; disabled ones lose theirs. */
export async function syncAllSellerNotifications(options: RegisterOptions & { pushCredentials?: boolean } = {}): Promise<void> {
  const all = await getDb().select().from(sellers);
  for (const seller of all) {
    const hubs = await hubRows(seller.id);
    const registered = hubs.filter((h) => h.state === 'registered').length;
    const needsWork = seller.enabled
      ? options.force || options.verify || options.pushCredentials || registered < NOTIFICATION_APIS.length || hubs.some((h) => !hubMatches(h, seller))
      : registered > 0;
    if (!needsWork) continue;
    try {
      await syncSellerNotifications(seller, options);
    } catch (err) {
      console.error(`[hubs] ${seller.slug}:`, err);
    }
  }
}
