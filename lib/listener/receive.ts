import 'server-only';
import { validateRequestBody } from '@/lib/sonata/openapi-validator';
import { enqueueInbox } from '@/lib/sync/inbox';
import { LISTENER_APIS, listenerOperation, type NotificationApi } from '@/lib/sync/listener-catalog';
import type { REFERENCE_POINTS } from '@/db/schema';
import { callLogger, logger, requestIdFrom } from '@/lib/observability/log';
import { recordListenerCall, type ListenerOutcome } from '@/lib/observability/metrics';
import { enabledSeller, listenerSellerLabel } from './listener-access';
import { authorizeListenerCall } from './listener-auth';
import { readCappedBody, type CappedBody } from './capped-body';

/**
 * The listener endpoint: a Seller's notification is checked (listener, token, body) and committed to the durable
 * inbox (lib/sync/inbox.ts) before it is acknowledged; fetching and applying happen elsewhere.
 */

export const LISTENER_BODY_MAX_BYTES = 64 * 1024;
/** Longest event.id we accept: it is opaque to us, but it ends up in a GET path. */
const RESOURCE_ID_MAX = 256;
const EVENT_ID_MAX = 256;
const MEF_JSON = 'application/json;charset=utf-8';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type ReferencePoint = (typeof REFERENCE_POINTS)[number];

/** What the listener answers, written out by whichever HTTP layer received the call (Next's route or the server's own path). */
export interface ListenerAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What the listener reads of a call: its headers (by lower-case name) and its body, read with a cap. */
export interface ListenerCall {
  header(name: string): string | null;
  readBody(maxBytes: number): Promise<CappedBody>;
}

function mefError(status: number, code: string, reason: string, message?: string, headers?: Record<string, string>): ListenerAnswer {
  return {
    status,
    headers: { 'content-type': MEF_JSON, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ code, reason: reason.slice(0, 255), ...(message ? { message } : {}) }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Per-process counters of refused calls, for the settings screen (they are about attackers and misconfigured
// Sellers, so they are not worth a write each).

interface RefusalStats {
  refused: number;
  lastRefusedAt?: string;
  lastReason?: string;
}
const STATS_KEY = Symbol.for('sonata-portal.listener-refusals');
const statsHolder = globalThis as unknown as { [STATS_KEY]?: Map<string, RefusalStats> };
function refusals(): Map<string, RefusalStats> {
  statsHolder[STATS_KEY] ??= new Map();
  return statsHolder[STATS_KEY];
}
const MAX_COUNTED_SLUGS = 500;
function countRefusal(slug: string, status: number, reason: string): void {
  // Anyone may call /sellers/<anything>/…: keep the table bounded.
  if (!refusals().has(slug) && refusals().size >= MAX_COUNTED_SLUGS) {
    const oldest = refusals().keys().next().value;
    if (oldest !== undefined) refusals().delete(oldest);
  }
  const stats = refusals().get(slug) ?? { refused: 0 };
  stats.refused += 1;
  stats.lastRefusedAt = new Date().toISOString();
  stats.lastReason = `${status}: ${reason}`;
  refusals().set(slug, stats);
}
export function listenerRefusals(slug: string): RefusalStats {
  return refusals().get(slug) ?? { refused: 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// The listener endpoint

export interface ListenerTarget {
  sellerSlug: string;
  /** The path's reference point: /sellers/<slug>/mefApi/<referencePoint>/… */
  referencePoint: ReferencePoint;
  api: NotificationApi;
  version: string;
  eventType: string;
}

/** event.id goes into a GET path (encoded): refuse what no encoding makes safe, such as '..' or control characters. */
export function isOpaqueId(value: string, max = RESOURCE_ID_MAX): boolean {
  return value.trim() !== '' && value.length <= max && !/[\u0000-\u001f\u007f]/.test(value) && !/^\.+$/.test(value);
}

/** Next's route handlers: the same answer as the server's own listener path (lib/listener/node-listener.ts). */
export async function receiveNotification(request: Request, target: ListenerTarget): Promise<Response> {
  const answer = await answerListenerCall({ header: (name) => request.headers.get(name), readBody: (max) => readCappedBody(request, max) }, target);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * Handles one notification POST. Order of checks: the listener exists (404), the caller is the Seller with the
 * scope (401/403), the body is a valid event for this listener (400); nothing is stored before all of them pass.
 * Each call is counted by outcome and logged as one line.
 */
export async function answerListenerCall(call: ListenerCall, target: ListenerTarget): Promise<ListenerAnswer> {
  const started = performance.now();
  const requestId = requestIdFrom(call.header('x-request-id'));
  const note: { outcome: ListenerOutcome } = { outcome: 'accepted' };
  const answer = await receive(call, target, note);
  const seconds = (performance.now() - started) / 1000;
  const seller = await listenerSellerLabel(target.sellerSlug);
  recordListenerCall({ seller, api: target.api, outcome: note.outcome, seconds });
  callLogger('listener').info(
    // The event type from the path only when it names a listener: anything else is caller-typed text.
    { requestId, seller, api: target.api, operation: note.outcome === 'noListener' ? null : target.eventType, outcome: note.outcome, status: answer.status, durationMs: Math.round(seconds * 1000) },
    'listener call',
  );
  answer.headers['x-request-id'] = requestId;
  return answer;
}

async function receive(call: ListenerCall, target: ListenerTarget, note: { outcome: ListenerOutcome }): Promise<ListenerAnswer> {
  const api = LISTENER_APIS[target.api];
  const op = api.versions.includes(target.version) ? listenerOperation(target.api, target.eventType) : undefined;
  if (!op) {
    // No such listener: the URL names no operation of the API, so no declared response applies; HTTP's own 404
    // says "wrong URL" better than a body error (400) would, and a Seller does not retry it.
    countRefusal(target.sellerSlug, 404, `no listener ${target.api}/${target.version}/${target.eventType}`);
    note.outcome = 'noListener';
    return mefError(404, 'notFound', `There is no listener for ${target.eventType} in ${api.segment}/${target.version}`);
  }
  const auth = await authorizeListenerCall(call.header('authorization'), target.sellerSlug, op.operationId);
  if (!auth.ok) {
    countRefusal(target.sellerSlug, auth.status, auth.reason);
    note.outcome = auth.status === 401 ? 'unauthorized' : 'forbidden';
    return mefError(auth.status, auth.code, auth.reason, undefined, auth.status === 401 ? { 'www-authenticate': 'Bearer' } : undefined);
  }
  const seller = await enabledSeller(target.sellerSlug);
  if (seller === undefined) {
    countRefusal(target.sellerSlug, 403, 'Seller unknown or disabled');
    note.outcome = 'sellerDisabled';
    return mefError(403, 'accessDenied', 'This Seller is not enabled on our side');
  }
  if (seller.referencePoint !== target.referencePoint) {
    // We serve this Seller's listeners on its own reference point only, so for it the other tree does not exist: the
    // same 404 as an unknown listener. Checked after the token, so that no one learns a Seller's reference point by
    // probing without credentials.
    countRefusal(target.sellerSlug, 404, `no listener on ${target.referencePoint} (the Seller uses ${seller.referencePoint})`);
    note.outcome = 'wrongReferencePoint';
    return mefError(404, 'notFound', `There is no listener for this Seller under /mefApi/${target.referencePoint}; it is on /mefApi/${seller.referencePoint}`);
  }
  const sellerId = seller.id;

  const invalid = (outcome: ListenerOutcome, reason: string, message?: string) => {
    note.outcome = outcome;
    countRefusal(target.sellerSlug, 400, reason);
    return mefError(400, 'invalidBody', reason, message);
  };
  const type = call.header('content-type');
  if (type !== null && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type.trim())) {
    return invalid('wrongMediaType', `The body must be ${MEF_JSON}`);
  }
  const raw = await call.readBody(LISTENER_BODY_MAX_BYTES);
  if (!raw.ok) {
    return raw.reason === 'tooLarge'
      ? invalid('bodyTooLarge', `The body is larger than ${LISTENER_BODY_MAX_BYTES} bytes`)
      : invalid('bodyUnreadable', 'The body could not be read');
  }
  let body: unknown;
  try {
    body = JSON.parse(UTF8.decode(raw.bytes));
  } catch {
    return invalid('notJson', 'The body is not JSON');
  }
  // Members we do not know are tolerated: a Seller on a later minor version must not lose its events.
  const violations = validateRequestBody(api.spec, op.operationId, body, { unknownProperties: 'allow' });
  if (violations.length > 0) {
    const detail = violations
      .slice(0, 5)
      .map((v) => `${v.path || '/'} ${v.message}`)
      .join('; ');
    return invalid('schemaInvalid', 'The body is not a valid event for this listener', detail);
  }
  const envelope = body as { eventId: string; eventTime: string; eventType: string; event: { id: string } };
  if (envelope.eventType !== target.eventType) {
    return invalid('eventTypeMismatch', `eventType ${envelope.eventType} was sent to the ${target.eventType} listener`);
  }
  if (!isOpaqueId(envelope.eventId, EVENT_ID_MAX)) {
    return invalid('badEventId', 'eventId must be a non-empty identifier');
  }
  const resourceId = envelope.event.id;
  if (!isOpaqueId(resourceId)) {
    return invalid('badResourceId', 'event.id must be a non-empty identifier');
  }

  try {
    const stored = await enqueueInbox({
      sellerId,
      api: target.api,
      eventId: envelope.eventId,
      eventType: envelope.eventType,
      eventTime: envelope.eventTime,
      resourceId,
      body: body as Record<string, unknown>,
    });
    if (stored === 'duplicate') note.outcome = 'duplicate';
  } catch (err) {
    note.outcome = 'storageFailed';
    logger('listener').error({ err, seller: target.sellerSlug, api: target.api }, 'could not store a notification');
    // 500 internalError, not 503: each listener operation of the MEF notification APIs declares 204, 400, 401, 403,
    // 408 and 500 only, so a Seller built from them knows 500 (and retries it) but may not know 503. Retry-After
    // says when to try again.
    return mefError(500, 'internalError', 'The event could not be stored; send it again later', undefined, { 'retry-after': '5' });
  }
  return { status: 204, headers: {}, body: null };
}
