import { and, asc, desc, eq, gt, lt, min } from 'drizzle-orm';
import { getDb } from '@/db';
import { changeFeed, sellers } from '@/db/schema';
import { transaction, whenTransactionEnds, type Tx, write } from '@/db/transaction';
import type { LiveEvent, LivePayload, LiveTopic } from '@/lib/domain/live-changes';

/**
 * The durable change feed. Every writer of the cache appends here in the same transaction as its change, so an entry
 * exists exactly when the change does, in commit order. The live stream tails it; a browser that reconnects resumes
 * after the last sequence it saw, and a page rendered at sequence N misses nothing that came after N.
 */

export async function appendChangeTx(tx: Tx, topic: LiveTopic, payload: LivePayload): Promise<void> {
  await tx.insert(changeFeed)
    .values({ at: new Date().toISOString(), topic, seller: payload.seller, entityId: payload.id ?? null, payload: payload as unknown as Record<string, unknown> });
  scheduleFeedSignal();
}

/** A change with nothing else to commit beside it (a Seller-wide state such as its hubs or its incident offer). */
export async function recordChange(topic: LiveTopic, payload: LivePayload): Promise<void> {
  await transaction(async (tx) => await appendChangeTx(tx, topic, payload));
}

/** The Seller's slug for payloads written where only its id is at hand. */
export async function sellerSlugTx(tx: Tx, sellerId: number): Promise<string> {
  return (await tx.select({ slug: sellers.slug }).from(sellers).where(eq(sellers.id, sellerId)).limit(1))[0]?.slug ?? '';
}

function toEvent(row: typeof changeFeed.$inferSelect): LiveEvent {
  return { seq: row.seq, topic: row.topic as LiveTopic, at: row.at, payload: row.payload as unknown as LivePayload };
}

/** Entries after `seq`, oldest first. */
export async function changesAfter(seq: number, limit = 500): Promise<LiveEvent[]> {
  const rows = await getDb().select().from(changeFeed).where(gt(changeFeed.seq, seq)).orderBy(asc(changeFeed.seq)).limit(limit);
  return rows.map(toEvent);
}

/** The sequence of the newest entry (0 when the feed is empty): what a page built now reflects. */
export async function feedPosition(): Promise<number> {
  const row = (await getDb().select({ seq: changeFeed.seq }).from(changeFeed).orderBy(desc(changeFeed.seq)).limit(1))[0];
  return row?.seq ?? 0;
}

/** The oldest entry still kept; a reader whose position is older than the one before it has missed pruned entries. */
export async function oldestRetained(): Promise<number | undefined> {
  const row = (await getDb().select({ seq: min(changeFeed.seq) }).from(changeFeed).limit(1))[0];
  return row?.seq ?? undefined;
}

/** Drops entries older than `before` but always keeps the newest one, so positions never go back. */
export async function pruneFeed(before: string): Promise<number> {
  const newest = await feedPosition();
  const rows = await write(() =>
    getDb()
      .delete(changeFeed)
      .where(and(lt(changeFeed.at, before), lt(changeFeed.seq, newest)))
      .returning({ seq: changeFeed.seq }),
  );
  return rows.length;
}

// ---------------------------------------------------------------------------------------------------------------
// "The feed has new entries": a wake-up for readers in this process. Readers also poll, so a writer in another
// process (the sync process, another instance) is seen even without a signal.

type FeedListener = () => void;
const KEY = Symbol.for('sonata-portal.change-feed-listeners');
const holder = globalThis as unknown as { [KEY]?: { listeners: Set<FeedListener>; scheduled: boolean } };
function state() {
  holder[KEY] ??= { listeners: new Set(), scheduled: false };
  return holder[KEY];
}

export function onFeedAdvanced(listener: FeedListener): () => void {
  state().listeners.add(listener);
  return () => state().listeners.delete(listener);
}

/** Wakes the readers now (also called on behalf of another process that wrote to the feed). */
export function signalFeedAdvanced(): void {
  for (const listener of state().listeners) {
    try {
      listener();
    } catch (err) {
      console.error('[feed] a reader failed to wake', err);
    }
  }
}

/**
 * Appends happen inside transactions; the signal goes out on the next turn of the event loop after the transaction
 * has ended (a rolled-back one costs a reader an empty read, nothing more).
 */
function scheduleFeedSignal(): void {
  const s = state();
  if (s.scheduled) return;
  s.scheduled = true;
  whenTransactionEnds(() =>
    setImmediate(() => {
      s.scheduled = false;
      signalFeedAdvanced();
    }),
  );
}
