import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, tickets } from '@/db/schema';
import type { Tx } from '@/db/transaction';
import type { PatchIntent } from '@/lib/domain/ticket-patch';
import { revisionOf, revisionSnapshot, type TicketRevision } from '@/lib/domain/ticket-revision';

type Reader = Pick<Tx, 'select'>;

/**
 * The ticket's current revision: the cached Seller document with our patches still waiting in the outbox applied, so
 * an operator's update queued for a slow Seller counts as a change for everyone else at once. Undefined when the
 * ticket does not exist. Synchronous on a transaction (the patch action checks and enqueues in one), or on the
 * connection.
 */
export async function ticketRevisionTx(tx: Reader, ticketId: number): Promise<TicketRevision | undefined> {
  const ticket = (await tx.select({ document: tickets.document }).from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  if (!ticket) return undefined;
  const pending = (await tx
    .select({ payload: outbox.payload })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.operation, 'patch'), eq(outbox.state, 'pending')))
    .orderBy(asc(outbox.id)))
    .map((row) => (row.payload as { patch?: PatchIntent } | null)?.patch)
    .filter((p): p is PatchIntent => !!p && typeof p === 'object');
  return revisionOf(revisionSnapshot(ticket.document, pending));
}

export async function ticketRevision(ticketId: number): Promise<TicketRevision | undefined> {
  return await ticketRevisionTx(getDb(), ticketId);
}
