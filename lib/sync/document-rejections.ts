/**
 * Seller documents that break the schema beyond the Seller's tolerated deviations are never cached; each is recorded
 * here (one row per Seller, API, operation and resource: violations of the latest, first and last seen, how often),
 * so an administrator sees them in Settings → Notifications and the dashboard counts them per Seller.
 */
import { sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellerDocumentRejections } from '@/db/schema';
import { SonataSchemaError } from '@/lib/sonata/errors';
// Tolerated deviations are counted wherever refused ones are recorded.
import './tolerated-deviations';
import { write } from '@/db/transaction';

export interface RejectingSeller {
  id: number;
}

const MAX_VIOLATIONS = 50;

/** Records `err` when it is a schema refusal; returns whether it was one. Never throws (it runs inside catch blocks). */
export async function recordDocumentRejection(seller: RejectingSeller, err: unknown, resourceId?: string): Promise<boolean> {
  if (!(err instanceof SonataSchemaError)) return false;
  const now = new Date().toISOString();
  const violations = err.violations.slice(0, MAX_VIOLATIONS).map((v) => ({ path: v.path, message: v.message, keyword: v.keyword }));
  try {
    await write(() =>
      getDb()
        .insert(sellerDocumentRejections)
        .values({
          sellerId: seller.id,
          api: err.api ?? '',
          operationId: err.operationId ?? '',
          resourceId: err.resourceId ?? resourceId ?? '',
          violations,
          firstSeenAt: now,
          lastSeenAt: now,
          count: 1,
        })
        .onConflictDoUpdate({
          target: [sellerDocumentRejections.sellerId, sellerDocumentRejections.api, sellerDocumentRejections.operationId, sellerDocumentRejections.resourceId],
          set: { violations, lastSeenAt: now, count: sql`${sellerDocumentRejections.count} + 1` },
        }),
    );
  } catch (recordError) {
    console.error('[sync] could not record a refused Seller document', recordError);
  }
  return true;
}

/** Runs a Seller call; a schema refusal is recorded before it is rethrown to the caller. */
export async function recordingRejections<T>(seller: RejectingSeller, call: () => Promise<T>, resourceId?: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    await recordDocumentRejection(seller, err, resourceId);
    throw err;
  }
}
