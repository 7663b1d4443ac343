import { guardedRoute } from '@/lib/auth/route-guard';
import { sessionStillAllows } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { TAB_ID_PATTERN } from '@/lib/domain/ticket-presence';
import { LIVE_HEARTBEAT_MS, liveEventStream } from '@/lib/live/sse';

/**
 * Live updates for signed-in users (Server-Sent Events over the change feed). Everyone who may see tickets may follow
 * it; `?since=<seq>` or the browser's Last-Event-ID resumes after a position, so nothing between a page's render and
 * the stream, or during an outage, is missed. Each user holds at most LIVE_MAX_STREAMS_PER_USER streams, and a
 * stream ends once its session no longer allows it.
 */
export const dynamic = 'force-dynamic';

export const GET = guardedRoute('tickets.view', (request, user) => {
  // `?tab=` names the browser tab, whose ticket page announces presence at /api/presence; anything else is ignored.
  const tabId = new URL(request.url).searchParams.get('tab');
  return liveEventStream(request, LIVE_HEARTBEAT_MS, {
    userId: user.id,
    maxStreams: env().LIVE_MAX_STREAMS_PER_USER,
    stillAllowed: () => sessionStillAllows(user, 'tickets.view'),
    ...(tabId && TAB_ID_PATTERN.test(tabId) ? { presence: { tabId, name: user.name } } : {}),
  });
});
