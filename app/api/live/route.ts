import { guardedRoute } from '@/lib/auth/route-guard';
import { liveEventStream } from '@/lib/live/sse';

/** Live updates for signed-in users (Server-Sent Events). Everyone who may see tickets may follow the channel. */
export const dynamic = 'force-dynamic';

export const GET = guardedRoute('tickets.view', (request) => liveEventStream(request.signal));
