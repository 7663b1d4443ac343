/**
 * Seller answers that deviate from the schema in a way the Seller's list tolerates are used, and counted here: one
 * row per Seller, deviation (a known switch, or an allowance by its label) and operation, with a sample path, first
 * and last seen and how often. One statement per answer, whatever it showed; Settings → Notifications shows the rows
 * next to the refused documents. The wire (lib/sonata) reports each such answer; importing this module listens.
 */
import { sql } from 'drizzle-orm';
import { executeStatement } from '@/db/raw-sql';
import { onToleratedDeviations, type ToleratedAnswer } from '@/lib/sonata/deviations';

/** Records one answer's tolerated deviations. Never throws: it runs on the path of a Seller answer. */
export async function recordToleratedAnswer(answer: ToleratedAnswer, now = new Date().toISOString()): Promise<void> {
  if (answer.seen.length === 0) return;
  const rows = sql.join(
    answer.seen.map((s) => sql`(${s.deviation}, ${s.kind}, ${s.samplePath.slice(0, 300)})`),
    sql`, `,
  );
  try {
    await executeStatement(sql`
      WITH seen(deviation, kind, sample_path) AS (VALUES ${rows})
      INSERT INTO seller_tolerated_deviations (seller_id, deviation, kind, api, operation_id, sample_path, first_seen_at, last_seen_at, count)
      SELECT s.id, seen.deviation, seen.kind, ${answer.api}, ${answer.operationId}, seen.sample_path, ${now}, ${now}, 1
      FROM sellers s, seen WHERE s.slug = ${answer.sellerSlug}
      ON CONFLICT (seller_id, deviation, operation_id) DO UPDATE SET
        sample_path = excluded.sample_path, last_seen_at = excluded.last_seen_at, count = count + 1`);
  } catch (err) {
    console.error('[sync] could not count a tolerated deviation', err);
  }
}

onToleratedDeviations((answer) => void recordToleratedAnswer(answer));
