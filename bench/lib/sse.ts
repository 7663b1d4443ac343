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

export function openEventStream(url: string, headers: Record<string, string>, onEvent: (e: SseEvent) => void): SseConnection {
  let req: http.ClientRequest | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url} answered ${res.statusCode}`));
        return;
      }
      resolve();
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
    close: () => req?.destroy(),
  };
}
