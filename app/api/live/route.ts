import { guardedRoute } from '@/lib/auth/route-guard';
import { sessionStillAllows } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { LIVE_HEARTBEAT_MS, liveEventStream } from '@/lib/live/sse';

/**
 * Live updates for signed-in users (Server-Sent Events over the change feed). Everyone who may see tickets may follow
 * it; `?since=<seq>` or the browser's Last-Event-ID resumes after a position, so nothing between a page's render and
 * the stream, or during an outage, is missed. Each user holds at most LIVE_MAX_STREAMS_PER_USER streams, and a
 * stream ends once its session no longer allows it.
 */
export const dynamic = 'force-dynamic';

export const GET = guardedRoute('tickets.view', (request, user) =>
  liveEventStream(request, LIVE_HEARTBEAT_MS, {
    userId: user.id,
    maxStreams: env().LIVE_MAX_STREAMS_PER_USER,
    stillAllowed: () => sessionStillAllows(user, 'tickets.view'),
  }),
);
