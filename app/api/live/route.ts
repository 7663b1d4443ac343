import { guardedRoute } from '@/lib/auth/route-guard';
import { liveEventStream } from '@/lib/live/sse';

/**
 * Live updates for signed-in users (Server-Sent Events over the change feed). Everyone who may see tickets may follow
 * it; `?since=<seq>` or the browser's Last-Event-ID resumes after a position, so nothing between a page's render and
 * the stream, or during an outage, is missed.
 */
export const dynamic = 'force-dynamic';

export const GET = guardedRoute('tickets.view', (request) => liveEventStream(request));
