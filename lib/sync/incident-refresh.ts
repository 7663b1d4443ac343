/**
 * Pulls every Seller's incidents (MEF 113 UC 13, then UC 14 for each new or changed one) into the incident cache.
 * UC 13/14 are optional: a Seller that answers 501 is recorded as not offering incidents, which the screens show
 * instead of an error. Documents go through the same writer as notifications (cache, waiting items, live channel).
 */
import 'server-only';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { getDb } from '@/db';
import { incidents, sellerIncidentState, sellers, type Seller } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { SonataHttpError, troubleTicketClient, type SonataClientOptions } from '@/lib/sonata/client';
import type { Incident, IncidentFind, IncidentListQuery } from '@/lib/sonata/schemas';
import { storeSellerDocument } from './cache-writer';
import { recordChange } from './change-feed';
import { env } from '@/lib/env';
import { recordDocumentRejection } from './document-rejections';
import { write } from '@/db/transaction';
import { runPeriodically } from './periodic-jobs';

export type IncidentListFilter = Omit<IncidentListQuery, 'offset' | 'limit'>;

export interface IncidentRefreshResult {
  seller: string;
  /** False when the Seller answered 501: it does not offer incidents. */
  offered: boolean;
  /** Incidents the Seller listed. */
  listed: number;
  /** Incidents fetched in full because they were new or had changed. */
  fetched: number;
  /** What went wrong, when something did (the list, or some of the fetches). */
  error?: string;
}

export interface IncidentRefreshOptions {
  /** O17 filters passed to the Seller's list, e.g. to refresh only open incidents. */
  query?: IncidentListFilter;
  sonata?: SonataClientOptions;
  /** Incidents fetched at once from one Seller. */
  concurrency?: number;
}

const PAGE = { pageSize: 100, maxItems: 5000 };

export function isNotOffered(err: unknown): boolean {
  return err instanceof SonataHttpError && err.isNotImplemented;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const FIND_FIELDS = [
  'status',
  'description',
  'priority',
  'severity',
  'impact',
  'incidentType',
  'situationStartDate',
  'expectedClosedDate',
  'closedDate',
] as const satisfies readonly (keyof IncidentFind & keyof Incident)[];

/** Whether the list entry says something the cached document does not (then the full incident is fetched). */
export function listEntryDiffers(entry: IncidentFind, cached: Incident | undefined): boolean {
  if (!cached) return true;
  for (const field of FIND_FIELDS) {
    const a = entry[field];
    const b = cached[field];
    if ((a ?? null) !== (b ?? null)) return true;
  }
  const ids = (list: { id: string }[] | undefined) => (list ?? []).map((e) => e.id).sort().join('\n');
  return ids(entry.relatedEntity) !== ids(cached.relatedEntity);
}

async function recordState(sellerId: number, values: Partial<typeof sellerIncidentState.$inferInsert>): Promise<void> {
  const checkedAt = new Date().toISOString();
  await write(() =>
    getDb()
      .insert(sellerIncidentState)
      .values({ sellerId, checkedAt, ...values })
      .onConflictDoUpdate({ target: sellerIncidentState.sellerId, set: { checkedAt, ...values } }),
  );
}

/** Records that `seller` answered 501 (keeps the first time it did). */
async function recordNotOffered(seller: Seller, at: string): Promise<void> {
  const existing = (await getDb().select().from(sellerIncidentState).where(eq(sellerIncidentState.sellerId, seller.id)).limit(1))[0];
  await recordState(seller.id, { notOfferedSince: existing?.notOfferedSince ?? at, lastListError: null });
  if (!existing?.notOfferedSince) await recordChange('sellerSync', { seller: seller.slug, eventType: 'incidentsNotOffered' });
}

async function cachedDocuments(sellerId: number, ids: string[]): Promise<Map<string, Incident>> {
  const out = new Map<string, Incident>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await getDb()
      .select({ id: incidents.sellerResourceId, document: incidents.document })
      .from(incidents)
      .where(and(eq(incidents.sellerId, sellerId), inArray(incidents.sellerResourceId, chunk)));
    for (const r of rows) out.set(r.id, r.document as unknown as Incident);
  }
  return out;
}

async function fetchAndStore(seller: Seller, id: string, eventType: string, sonata?: SonataClientOptions): Promise<Incident> {
  const requestedAt = new Date().toISOString();
  const doc = await troubleTicketClient(sellerConnection(seller), sonata).retrieveIncident(id);
  if (doc.id !== id) throw new Error(`Asked ${seller.name} for incident ${id}, got ${doc.id}`);
  await storeSellerDocument({ seller, document: { entity: 'incident', doc }, requestedAt, cause: eventType });
  return doc;
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  });
  await Promise.all(workers);
}

/** Lists one Seller's incidents and fetches those that are new or changed. Never throws for a Seller's answer. */
export async function refreshSellerIncidents(seller: Seller, options: IncidentRefreshOptions = {}): Promise<IncidentRefreshResult> {
  const result: IncidentRefreshResult = { seller: seller.slug, offered: true, listed: 0, fetched: 0 };
  const startedAt = new Date().toISOString();
  let listedItems: IncidentFind[];
  let complete: boolean;
  try {
    const list = await troubleTicketClient(sellerConnection(seller), options.sonata).listAllIncident(options.query ?? {}, PAGE);
    listedItems = list.items;
    complete = list.complete;
  } catch (err) {
    await recordDocumentRejection(seller, err);
    if (isNotOffered(err)) {
      await recordNotOffered(seller, startedAt);
      return { ...result, offered: false };
    }
    result.error = `The incident list could not be read: ${describe(err)}`;
    await recordState(seller.id, { lastListError: result.error });
    return result;
  }
  result.listed = listedItems.length;
  const cached = await cachedDocuments(seller.id, listedItems.map((i) => i.id));
  const toFetch = new Set(listedItems.filter((i) => listEntryDiffers(i, cached.get(i.id))).map((i) => i.id));
  if (complete && !options.query) {
    // Still open here but no longer listed as such: fetch again rather than guess.
    const open = await getDb()
      .select({ id: incidents.sellerResourceId })
      .from(incidents)
      .where(and(eq(incidents.sellerId, seller.id), ne(incidents.status, 'closed')));
    const listed = new Set(listedItems.map((i) => i.id));
    for (const { id } of open) if (!listed.has(id)) toFetch.add(id);
  }
  const failures: string[] = [];
  await inBatches([...toFetch], Math.max(1, options.concurrency ?? 4), async (id) => {
    try {
      await fetchAndStore(seller, id, 'incidentRefresh', options.sonata);
      result.fetched += 1;
    } catch (err) {
      await recordDocumentRejection(seller, err, id);
      failures.push(`${id}: ${describe(err)}`);
    }
  });
  if (failures.length) result.error = `${failures.length} incident(s) could not be read: ${failures.slice(0, 3).join('; ')}`;
  await recordState(seller.id, {
    notOfferedSince: null,
    lastListedAt: startedAt,
    lastListCount: result.listed,
    lastListError: result.error ?? null,
  });
  return result;
}

/** Every enabled Seller at once (a slow Seller does not hold up the others), or the one named by `sellerSlug`. */
export async function refreshAllIncidents(options: IncidentRefreshOptions & { sellerSlug?: string } = {}): Promise<IncidentRefreshResult[]> {
  const rows = await getDb()
    .select()
    .from(sellers)
    .where(options.sellerSlug ? and(eq(sellers.enabled, true), eq(sellers.slug, options.sellerSlug)) : eq(sellers.enabled, true));
  return Promise.all(rows.map((s) => refreshSellerIncidents(s, options)));
}

export type SingleRefreshOutcome = { ok: true; incident: Incident } | { ok: false; notOffered: boolean; notFound: boolean; message: string };

/** One incident fetched again (MEF 113 UC 14), e.g. from its page. */
export async function refreshOneIncident(seller: Seller, id: string, sonata?: SonataClientOptions): Promise<SingleRefreshOutcome> {
  try {
    return { ok: true, incident: await fetchAndStore(seller, id, 'incidentRefresh', sonata) };
  } catch (err) {
    await recordDocumentRejection(seller, err, id);
    if (isNotOffered(err)) {
      await recordNotOffered(seller, new Date().toISOString());
      return { ok: false, notOffered: true, notFound: false, message: `${seller.name} does not offer incidents.` };
    }
    const notFound = err instanceof SonataHttpError && err.isNotFound;
    return { ok: false, notOffered: false, notFound, message: notFound ? `${seller.name} has no incident ${id}.` : describe(err) };
  }
}

export interface IncidentRefresher {
  stop(): Promise<void>;
}

/**
 * Background list sync: once at start (so a Seller without incidents is known before anyone looks) and then every
 * `everyMs`, by one instance per period. Notifications keep the cache current in between; this catches what they missed.
 */
export function startIncidentRefresh(options: { everyMs?: number; sonata?: SonataClientOptions } = {}): IncidentRefresher {
  const everyMs = options.everyMs ?? env().INCIDENT_REFRESH_MS;
  return runPeriodically('incident-refresh', everyMs, () => refreshAllIncidents({ sonata: options.sonata }), { atStart: true });
}

const REFRESHER_KEY = Symbol.for('sonata-portal.incident-refresh');
const holder = globalThis as unknown as { [REFRESHER_KEY]?: IncidentRefresher };

/** The process-wide refresher started with the server; returns the function that stops it. */
export function startSharedIncidentRefresh(): () => Promise<void> {
  holder[REFRESHER_KEY] ??= startIncidentRefresh();
  return async () => {
    const refresher = holder[REFRESHER_KEY];
    holder[REFRESHER_KEY] = undefined;
    await refresher?.stop();
  };
}
