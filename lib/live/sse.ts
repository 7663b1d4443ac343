import 'server-only';
import { subscribe } from './channel';

export const LIVE_HEARTBEAT_MS = 15_000;

/**
 * A text/event-stream of the live channel: `event: <topic>`, `id: <seq>`, `data: <payload JSON>`, with comment
 * heartbeats so proxies keep the connection and the browser notices a dead one. Ends when `signal` aborts.
 */
export function liveEventStream(signal: AbortSignal, heartbeatMs = LIVE_HEARTBEAT_MS): Response {
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const unsubscribe = subscribe((event) => {
        send(`id: ${event.seq}\nevent: ${event.topic}\ndata: ${JSON.stringify({ ...event.payload, at: event.at })}\n\n`);
      });
      const heartbeat = setInterval(() => send(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      signal.addEventListener('abort', cleanup, { once: true });
      send(`retry: 3000\n: connected\n\n`);
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
