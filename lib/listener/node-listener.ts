import type { IncomingMessage, ServerResponse } from 'node:http';
import { REFERENCE_POINTS } from '@/db/schema';
import { LISTENER_APIS, type NotificationApi } from '@/lib/sync/listener-catalog';
import { logger } from '@/lib/observability/log';
import responseHeaders from '@/lib/security/response-headers.json';
import { readCappedNodeBody } from './capped-body';
import { answerListenerCall, type ListenerTarget } from './receive';

/**
 * The server's own path for Seller notifications: the same checks and answer as the listener routes under app/sellers,
 * without Next's routing and rendering machinery, which cost more than the listener's own work per call. Only plain
 * POSTs to a well-formed listener URL take it; anything else (other methods, encoded or odd segments, trailing
 * slashes) goes to Next as before, and gets the same answer there.
 */

const SEGMENT = '[A-Za-z0-9._~-]+';
const API_BY_SEGMENT = new Map(Object.values(LISTENER_APIS).map((a) => [a.segment, a.api] as const));
const LISTENER_URL = new RegExp(
  `^/sellers/(${SEGMENT})/mefApi/(${REFERENCE_POINTS.join('|')})/(${[...API_BY_SEGMENT.keys()].join('|')})/(${SEGMENT})/listener/(${SEGMENT})(?:\\?.*)?$`,
);

/** The listener a request URL names, when it is one this path serves. */
export function listenerTargetOf(method: string | undefined, url: string | undefined): ListenerTarget | undefined {
  if (method !== 'POST' || url === undefined || !url.startsWith('/sellers/')) return undefined;
  const m = LISTENER_URL.exec(url);
  if (!m) return undefined;
  const [, sellerSlug, referencePoint, segment, version, eventType] = m;
  return {
    sellerSlug: sellerSlug!,
    referencePoint: referencePoint as ListenerTarget['referencePoint'],
    api: API_BY_SEGMENT.get(segment!) as NotificationApi,
    version: version!,
    eventType: eventType!,
  };
}

const FIXED_HEADERS: Record<string, string> = {
  ...Object.fromEntries(responseHeaders.baseline.map((h) => [h.key.toLowerCase(), h.value])),
  'content-security-policy': responseHeaders.nonPagePolicy,
};

/** Answers one listener call on a Node request; never throws. */
export async function serveListenerCall(request: IncomingMessage, response: ServerResponse, target: ListenerTarget): Promise<void> {
  let bodyRefused = false;
  try {
    const answer = await answerListenerCall(
      {
        header: (name) => {
          const value = request.headers[name];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
        readBody: async (max) => {
          const body = await readCappedNodeBody(request, max);
          bodyRefused = !body.ok;
          return body;
        },
      },
      target,
    );
    const headers: Record<string, string> = { ...FIXED_HEADERS, ...answer.headers };
    // A refused body is not read to its end: the connection is closed rather than drained.
    if (bodyRefused) headers.connection = 'close';
    if (answer.body !== null) headers['content-length'] = String(Buffer.byteLength(answer.body));
    response.writeHead(answer.status, headers);
    response.end(answer.body ?? undefined);
  } catch (err) {
    logger('listener').error({ err, seller: target.sellerSlug, api: target.api }, 'listener call failed');
    if (!response.headersSent) {
      response.writeHead(500, { ...FIXED_HEADERS, 'content-type': 'application/json;charset=utf-8', 'retry-after': '5', connection: 'close' });
    }
    response.end(JSON.stringify({ code: 'internalError', reason: 'The event could not be stored; send it again later' }));
  }
}
