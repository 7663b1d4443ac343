import 'server-only';
import type { LiveEvent } from '@/lib/domain/live-changes';
import { changesAfter, feedPosition, oldestRetained } from '@/lib/sync/change-feed';
import { liveConnectionClosed, liveConnectionOpened } from '@/lib/observability/metrics';
import { feedTail } from './feed-tail';
import { ticketPresence } from './presence';
import { liveStreams } from './stream-registry';

export const LIVE_HEARTBEAT_MS = 10_000;
/** A stream further behind than this is told to reload: replaying would cost more than a fresh page. */
export const MAX_REPLAY = 5000;
const REPLAY_BATCH = 500;

/**
 * Where a stream starts: after the browser's Last-Event-ID when it reconnects, else after `?since=` (the position
 * the page was rendered at), else from now. Anything else is ignored rather than trusted.
 */
export function requestedPosition(request: Request): number | undefined {
  const header = request.headers.get('last-event-id');
  const query = new URL(request.url).searchParams.get('since');
  for (const value of [header, query]) {
    if (value !== null && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  }
  return undefined;
}

function frame(event: LiveEvent): string {
  return `id: ${event.seq}\nevent: ${event.topic}\ndata: ${JSON.stringify({ ...event.payload, at: event.at })}\n\n`;
}

/** Who a stream belongs to, and how it re-checks that they may still follow it. */
export interface StreamOwner {
  userId: number;
  /** Streams one user may hold open at once in this server; another is refused with 429. */
  maxStreams: number;
  /** Asked every heartbeat: false ends the stream with `event: ended` (signed out, deactivated, role lost). */
  stillAllowed: () => Promise<boolean>;
  /** The browser tab this stream serves, named by the page (`?tab=`): it receives presence on the ticket the tab shows. */
  presence?: { tabId: string; name: string };
}

/**
 * A text/event-stream of the change feed: `id: <seq>`, `event: <topic>`, `data: <payload JSON>`. It first replays
 * every change after the requested position, then follows the feed. A stream whose position has been pruned, or is
 * too far behind, gets `event: reload` and continues from the present. `event: heartbeat` frames carry the stream's
 * position; they keep proxies open and let the browser notice a dead connection or lost changes. Ends when `signal`
 * aborts, or, for a stream with an `owner`, when the owner's session no longer allows it (checked every heartbeat,
 * and at once when an administrator changes the user in this process).
 */
export function liveEventStream(request: Request, heartbeatMs = LIVE_HEARTBEAT_MS, owner?: StreamOwner): Response {
  const encoder = new TextEncoder();
  const signal = request.signal;
  let cleanup = () => undefined as void;
  let endedEarly = false;
  let endForSession = () => {
    endedEarly = true;
  };
  let release: (() => void) | null = () => undefined;
  if (owner) {
    release = liveStreams().tryOpen(owner.userId, owner.maxStreams, () => endForSession());
    if (!release) {
      return Response.json(
        { error: `Too many live connections for this user (at most ${owner.maxStreams}): close other tabs of the portal.` },
        { status: 429, headers: { 'retry-after': '30' } },
      );
    }
  }
  const releaseSlot = release;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const now = await feedPosition();
      let cursor = requestedPosition(request) ?? now;
      const oldest = (await oldestRetained()) ?? now + 1;
      if (cursor > now || cursor < oldest - 1 || now - cursor > MAX_REPLAY) {
        // The browser's position is not one we can replay from (pruned, too old, or from another database).
        send(`id: ${now}\nevent: reload\ndata: {}\n\n`);
        cursor = now;
      }
      let pumping = false;
      let again = false;
      const pump = async () => {
        if (pumping) {
          again = true;
          return;
        }
        pumping = true;
        try {
          do {
            again = false;
            for (;;) {
              const events = feedTail().fromMemory(cursor) ?? (await changesAfter(cursor, REPLAY_BATCH));
              if (!open || events.length === 0) break;
              for (const event of events) send(frame(event));
              cursor = events[events.length - 1]!.seq;
            }
          } while (again && open);
        } catch (err) {
          console.error('[live] replaying the change feed failed', err);
        } finally {
          pumping = false;
        }
      };
      const unsubscribe = feedTail().subscribe(() => void pump());
      endForSession = () => {
        send('event: ended\ndata: {"reason":"session"}\n\n');
        cleanup();
      };
      // A named event, so the browser can tell a silent connection from a quiet feed, and a position, so it can
      // tell that changes sent to it were lost on the way (then it reopens the stream from what it did receive).
      const heartbeat = setInterval(() => {
        if (!owner) return send(`event: heartbeat\ndata: {"position":${cursor}}\n\n`);
        void owner.stillAllowed().then(
          (allowed) => (allowed ? send(`event: heartbeat\ndata: {"position":${cursor}}\n\n`) : endForSession()),
          () => send(`event: heartbeat\ndata: {"position":${cursor}}\n\n`),
        );
      }, heartbeatMs);
      liveConnectionOpened();
      let detachPresence = () => undefined as void;
      cleanup = () => {
        if (!open) return;
        open = false;
        detachPresence();
        releaseSlot();
        liveConnectionClosed();
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      if (signal.aborted) cleanup();
      signal.addEventListener('abort', cleanup, { once: true });
      if (endedEarly) return endForSession();
      send(`retry: 3000\n: connected at ${cursor}\n\n`);
      // Presence frames carry no id: they are not part of the feed and must not move the browser's Last-Event-ID.
      if (owner?.presence) {
        detachPresence = ticketPresence().attachStream({ id: owner.userId, name: owner.presence.name }, owner.presence.tabId, (message) =>
          send(`event: presence\ndata: ${JSON.stringify(message)}\n\n`),
        );
      }
      void pump();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
