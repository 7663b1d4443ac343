import { guardedRoute } from '@/lib/auth/route-guard';
import { getTicketById } from '@/lib/data/tickets';
import { presenceAnnouncementSchema } from '@/lib/domain/ticket-presence';
import { presenceRateLimit, ticketPresence } from '@/lib/live/presence';

/**
 * A ticket page announces that its tab shows the ticket, that its operator is writing an update, or that it left.
 * Signed-in users who may see tickets only, same-origin only (guardedRoute), for their own identity only (the body
 * names a tab and a ticket, nothing else), on a ticket that exists, and rate-limited per user. The other tabs on the
 * ticket hear of it on their live stream.
 */
export const dynamic = 'force-dynamic';

const noStore = { 'cache-control': 'no-store' };

export const POST = guardedRoute('tickets.view', async (request, user) => {
  const wait = presenceRateLimit().take(user.id);
  if (wait > 0) {
    return Response.json({ error: `Too many presence announcements: try again in ${wait} s.` }, { status: 429, headers: { ...noStore, 'retry-after': String(wait) } });
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'The body must be JSON: { tabId, ticketId, state }.' }, { status: 400, headers: noStore });
  }
  const parsed = presenceAnnouncementSchema.safeParse(body);
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.') || '_form';
      (errors[key] ??= []).push(issue.code === 'unrecognized_keys' ? `Only tabId, ticketId and state may be announced (not ${issue.keys.join(', ')})` : issue.message);
    }
    return Response.json({ error: 'This presence announcement is not valid.', errors }, { status: 400, headers: noStore });
  }
  const { tabId, ticketId, state } = parsed.data;
  if (!(await getTicketById(ticketId))) return Response.json({ error: 'There is no such ticket.' }, { status: 404, headers: noStore });
  ticketPresence().announce({ id: user.id, name: user.name }, tabId, ticketId, state);
  return new Response(null, { status: 204, headers: noStore });
});
