import { sql } from 'drizzle-orm';
import { sequences } from '@/db/schema';
import type { Tx } from '@/db/transaction';
import { externalIdSequenceName, formatExternalId } from '@/lib/domain/ticket-external-id';

/** The next of our own ticket ids (the Buyer's externalId, one sequence per year), taken inside the creating transaction. */
export async function nextExternalIdTx(tx: Tx, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const row = (await tx
    .insert(sequences)
    .values({ name: externalIdSequenceName(year), value: 1 })
    .onConflictDoUpdate({ target: sequences.name, set: { value: sql`${sequences.value} + 1` } })
    .returning())[0]!;
  return formatExternalId(year, row.value);
}
