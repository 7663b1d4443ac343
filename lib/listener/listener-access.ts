import 'server-only';
import { getDb, type Db } from '@/db';
import { listenerCredentials, sellers, type REFERENCE_POINTS } from '@/db/schema';
import { noteKnownSellers, UNKNOWN_SELLER } from '@/lib/observability/metrics';
import { listenerAccessGeneration } from '@/lib/sellers/access-changes';

/**
 * What a listener call needs to know beyond its token's signature, kept in memory so that acknowledging a
 * notification costs no database read: which credentials are still active, and which Seller slugs are enabled.
 *
 * The view is reloaded (two small SELECTs) when:
 * - this process changed a Seller or a credential (lib/sellers/access-changes.ts moves a counter);
 * - it is older than REFRESH_MS. Another process (a second portal instance on the same database) that revokes a
 *   credential or disables a Seller is therefore obeyed here within REFRESH_MS (2 s), plus the time of one request;
 * - a call names a credential or a Seller the view does not hold (one issued by another process a moment ago). Only
 *   a token we signed gets that far, and such reloads are spaced by at least MISS_RELOAD_MS.
 */
type ReferencePoint = (typeof REFERENCE_POINTS)[number];

export const LISTENER_ACCESS_REFRESH_MS = 2_000;
const MISS_RELOAD_MS = 100;

interface AccessView {
  db: Db;
  generation: number;
  loadedAt: number;
  /** listener_credentials.id → its Seller and whether it was revoked. */
  credentials: Map<number, { sellerId: number; revoked: boolean }>;
  /** Seller slug → id, enabled flag and the reference point it calls our listeners on. */
  sellers: Map<string, { id: number; enabled: boolean; referencePoint: ReferencePoint }>;
}

const KEY = Symbol.for('sonata-portal.listener-access-view');
const holder = globalThis as unknown as { [KEY]?: AccessView };

async function load(db: Db): Promise<AccessView> {
  const credentialRows = await db
    .select({ id: listenerCredentials.id, sellerId: listenerCredentials.sellerId, revokedAt: listenerCredentials.revokedAt })
    .from(listenerCredentials);
  const sellerRows = await db
    .select({ id: sellers.id, slug: sellers.slug, enabled: sellers.enabled, referencePoint: sellers.referencePoint })
    .from(sellers);
  noteKnownSellers(sellerRows.map((s) => s.slug));
  return {
    db,
    generation: listenerAccessGeneration(),
    loadedAt: Date.now(),
    credentials: new Map(credentialRows.map((c) => [c.id, { sellerId: c.sellerId, revoked: c.revokedAt !== null }])),
    sellers: new Map(sellerRows.map((s) => [s.slug, { id: s.id, enabled: s.enabled, referencePoint: s.referencePoint }])),
  };
}

async function currentView(): Promise<AccessView> {
  const db = getDb();
  const held = holder[KEY];
  if (!held || held.db !== db || held.generation !== listenerAccessGeneration() || Date.now() - held.loadedAt > LISTENER_ACCESS_REFRESH_MS) {
    holder[KEY] = await load(db);
  }
  return holder[KEY]!;
}

async function lookup<T>(find: (view: AccessView) => T | undefined): Promise<T | undefined> {
  const view = await currentView();
  const found = find(view);
  if (found !== undefined || Date.now() - view.loadedAt < MISS_RELOAD_MS) return found;
  holder[KEY] = await load(view.db);
  return find(holder[KEY]);
}

export type CredentialStatus = 'active' | 'revoked' | 'unknown';

export async function listenerCredentialStatus(credentialId: number): Promise<CredentialStatus> {
  const credential = await lookup((view) => view.credentials.get(credentialId));
  if (!credential) return 'unknown';
  return credential.revoked ? 'revoked' : 'active';
}

/** The id of the enabled Seller with this slug, or undefined (unknown or disabled). */
export async function enabledSellerId(slug: string): Promise<number | undefined> {
  return (await enabledSeller(slug))?.id;
}

/** The enabled Seller with this slug and its reference point, or undefined (unknown or disabled). */
export async function enabledSeller(slug: string): Promise<{ id: number; referencePoint: ReferencePoint } | undefined> {
  const seller = await lookup((view) => view.sellers.get(slug));
  return seller?.enabled ? { id: seller.id, referencePoint: seller.referencePoint } : undefined;
}

/** Drops the view; the next call loads it again. */
export function forgetListenerAccess(): void {
  holder[KEY] = undefined;
}

/** The slug when it names a Seller of the registry (enabled or not), else one value for every stranger. */
export async function listenerSellerLabel(slug: string): Promise<string> {
  return (await currentView()).sellers.has(slug) ? slug : UNKNOWN_SELLER;
}
