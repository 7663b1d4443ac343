/** A minimal Server-Sent Events reader: calls back with each event and the time it arrived. */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
  /** performance.now() when the event's last line arrived. */
  receivedAt: number;
}

export interface SseConnection {
  /** Resolves once the response headers arrived with status 200. */
  opened: Promise<void>;
  close(): void;
}

export function openEventStream(
  url: string,
  headers: Record<string, string>,
  onEvent: (e: SseEvent) => void,
  /** Called once when an opened stream ends or fails (not when close() ended it). */
  onEnd?: () => void,
): SseConnection {
  let closing = false;
  let req: http.ClientRequest | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url} answered ${res.statusCode}`));
        return;
      }
      resolve();
      let endedOnce = false;
      const ended = () => {
        if (endedOnce || closing) return;
        endedOnce = true;
        onEnd?.();
      };
      res.once('end', ended);
      res.once('close', ended);
      res.once('error', ended);
      res.setEncoding('utf8');
      let buffer = '';
      let current: { event: string; data: string[]; id?: string } = { event: 'message', data: [] };
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data.length > 0) onEvent({ event: current.event, data: current.data.join('\n'), id: current.id, receivedAt: now });
            current = { event: 'message', data: [] };
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') current.event = value;
            else if (field === 'data') current.data.push(value);
            else if (field === 'id') current.id = value;
          }
        }
      });
    });
    req.on('error', reject);
  });
  opened.catch(() => undefined);
  return {
    opened,
    close: () => {
      closing = true;
      req?.destroy();
    },
  };
}

export interface FollowedStream {
  /** Resolves once the first connection answered 200. */
  opened: Promise<void>;
  close(): void;
  /** Reconnections after the stream ended or failed, `event: reload` seen, and the last event id received. */
  stats(): { reconnects: number; reloads: number; lastId?: string };
}

/**
 * Follows a live stream like a browser's EventSource: starts at `?since=<position>` when given, and when the stream
 * ends or fails it reconnects (after `retryMs`) with `Last-Event-ID` set to the last id received, so the server
 * replays what was missed. `event: reload` (the server could not replay) is counted and passed on.
 */
export function followEventStream(
  url: string,
  headers: Record<string, string>,
  onEvent: (e: SseEvent) => void,
  options: { since?: number; retryMs?: number } = {},
): FollowedStream {
  let closed = false;
  let lastId: string | undefined;
  let reconnects = 0;
  let reloads = 0;
  let current: SseConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  const first = options.since === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}since=${options.since}`;

  const connect = (target: string, extra: Record<string, string>): SseConnection => {
    let ended = false;
    const again = () => {
      if (ended || closed) return;
      ended = true;
      reconnects++;
      timer = setTimeout(() => {
        if (!closed) current = connect(url, lastId === undefined ? {} : { 'last-event-id': lastId });
      }, options.retryMs ?? 250);
    };
    const connection = openEventStream(target, { ...headers, ...extra }, (e) => {
      if (e.id !== undefined) lastId = e.id;
      if (e.event === 'reload') reloads++;
      onEvent(e);
    }, again);
    connection.opened.catch(again);
    return connection;
  };
  current = connect(first, {});
  return {
    opened: current.opened,
    close() {
      closed = true;
      clearTimeout(timer);
      current?.close();
    },
    stats: () => ({ reconnects, reloads, ...(lastId === undefined ? {} : { lastId }) }),
  };
}

