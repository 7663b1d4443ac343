import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { ticketViews } from '@/db/schema';
import { BUILTIN_VIEWS, type QueueView } from '@/lib/domain/ticket-queue';

/** The built-in views, then the user's own, as the queue's view picker lists them. */
export async function queueViewsFor(userId: number): Promise<QueueView[]> {
  const own = await getDb()
    .select()
    .from(ticketViews)
    .where(eq(ticketViews.userId, userId))
    .orderBy(asc(ticketViews.name));
  return [...BUILTIN_VIEWS, ...own.map((v) => ({ key: `view:${v.id}`, name: v.name, search: v.search, builtin: false }))];
}

export async function getOwnView(userId: number, viewId: number) {
  return (await getDb()
    .select()
    .from(ticketViews)
    .where(and(eq(ticketViews.userId, userId), eq(ticketViews.id, viewId)))
    .limit(1))[0];
}
