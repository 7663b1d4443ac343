import { count, eq, gt, min } from 'drizzle-orm';
import { getDb } from '@/db';
import { changeFeed, inbox, outbox, sellers } from '@/db/schema';
import { feedPosition } from './change-feed';

/** How deep the inbox and the outbox are per Seller, and how old their oldest waiting item is: for the metrics. */
export interface QueueDepth {
  inbox: Array<{ seller: string; pending: number; oldestAgeSeconds: number }>;
  outbox: Array<{ seller: string; state: string; count: number }>;
  outboxOldest: Array<{ seller: string; oldestAgeSeconds: number }>;
  sellerSlugs: string[];
}

function ageSeconds(iso: string | null | undefined, now: number): number {
  if (!iso) return 0;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? Math.max(0, (now - at) / 1000) : 0;
}

export async function queueDepth(now = Date.now()): Promise<QueueDepth> {
  const db = getDb();
  const slugs = new Map((await db.select({ id: sellers.id, slug: sellers.slug }).from(sellers)).map((s) => [s.id, s.slug]));
  const slug = (id: number) => slugs.get(id) ?? '';
  const inboxRows = await db
    .select({ sellerId: inbox.sellerId, n: count(), oldest: min(inbox.receivedAt) })
    .from(inbox)
    .where(eq(inbox.state, 'pending'))
    .groupBy(inbox.sellerId);
  const outboxRows = await db
    .select({ sellerId: outbox.sellerId, state: outbox.state, n: count() })
    .from(outbox)
    .groupBy(outbox.sellerId, outbox.state);
  const oldestRows = await db
    .select({ sellerId: outbox.sellerId, oldest: min(outbox.createdAt) })
    .from(outbox)
    .where(eq(outbox.state, 'pending'))
    .groupBy(outbox.sellerId);
  return {
    inbox: inboxRows.map((r) => ({ seller: slug(r.sellerId), pending: r.n, oldestAgeSeconds: ageSeconds(r.oldest, now) })),
    outbox: outboxRows.map((r) => ({ seller: slug(r.sellerId), state: r.state, count: r.n })),
    outboxOldest: oldestRows.map((r) => ({ seller: slug(r.sellerId), oldestAgeSeconds: ageSeconds(r.oldest, now) })),
    sellerSlugs: [...slugs.values()],
  };
}

/**
 * How far a reader at `readPosition` is behind the change feed: entries not read yet and the age of the oldest of
 * them. A process with no reader (no open stream) is not behind.
 */
export async function feedLag(readPosition: number | undefined, now = Date.now()): Promise<{ lagEntries: number; lagSeconds: number }> {
  if (readPosition === undefined) return { lagEntries: 0, lagSeconds: 0 };
  const head = await feedPosition();
  if (head <= readPosition) return { lagEntries: 0, lagSeconds: 0 };
  const [behind] = await getDb()
    .select({ n: count(), oldest: min(changeFeed.at) })
    .from(changeFeed)
    .where(gt(changeFeed.seq, readPosition));
  return { lagEntries: behind?.n ?? 0, lagSeconds: ageSeconds(behind?.oldest, now) };
}
