import type { IncomingMessage, ServerResponse } from 'node:http';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { workOrderSpec } from '@/lib/sonata/generated/work-order.spec';
import { parseQuery, validateRequestBody, type OpenApiDocument } from '@/lib/sonata/openapi-validator';
import {
  appointmentMatches,
  cancelAppointment,
  createAppointment,
  loadAppointment,
  patchAppointment,
  searchTimeSlot,
  toAppointmentFind,
} from './appointments';
import { authorize } from './auth';
import { answersBareList, IMPERFECT_MEDIA_TYPE, imperfectBody } from './imperfections';
import type { SandboxContext } from './context';
import { decodeSegment, fail, MefError, parseJson, readBody, sendEmpty, sendJson, violationsToProblems } from './http';
import { findHub, registerHub, unregisterHub } from './hubs';
import { incidentMatches, loadIncident, requireIncidents, toIncidentFind } from './incidents';
import type {
  Appointment,
  AppointmentCreate,
  AppointmentUpdate,
  EventSubscriptionInput,
  Incident,
  SearchTimeSlotCreate,
  TroubleTicket,
  TroubleTicketCreate,
  TroubleTicketUpdate,
  WorkOrder,
} from './mef-types';
import type { SellerConfig } from './sellers';
import type { NotifiedApi } from './store';
import {
  cancelTicket,
  closeTicket,
  createTicket,
  loadTicket,
  patchTicket,
  reopenTicket,
  ticketMatches,
  toTicketFind,
  type PartyIds,
} from './tickets';
import { loadWorkOrder, toWorkOrderFind, workOrderMatches } from './work-orders';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface MefCall {
  ctx: SandboxContext;
  seller: SellerConfig;
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
  query: Record<string, Json>;
  ids: PartyIds;
  body: unknown;
}

interface MefRoute {
  method: string;
  pattern: RegExp;
  operationId: string;
  run(call: MefCall): { status: number; body?: unknown; headers?: Record<string, string> };
}

/** Each API's base path after /mefApi/<reference point> (the Seller's: sonata or cantata). */
export const API_BASES: Record<NotifiedApi, { path: string; spec: OpenApiDocument }> = {
  troubleTicket: { path: '/troubleTicket/v4', spec: troubleTicketSpec },
  appointment: { path: '/appointment/v2', spec: appointmentSpec },
  workOrder: { path: '/workOrderManagement/v2', spec: workOrderSpec },
};

const DEFAULT_PAGE = 100;
const MAX_PAGE = 100;

function page<T>(items: T[], query: Record<string, Json>) {
  const offset = typeof query.offset === 'number' ? query.offset : 0;
  const requested = typeof query.limit === 'number' ? query.limit : undefined;
  if (offset < 0) throw fail.badRequest('invalidQuery', 'offset must not be negative');
  if (requested !== undefined && requested < 1) throw fail.badRequest('invalidQuery', 'limit must be at least 1');
  const limit = Math.min(requested ?? DEFAULT_PAGE, MAX_PAGE);
  const slice = items.slice(offset, offset + limit);
  const throttled = (requested !== undefined && requested > MAX_PAGE) || (requested === undefined && items.length - offset > DEFAULT_PAGE);
  return {
    status: 200,
    body: slice,
    headers: {
      'X-Total-Count': String(items.length),
      'X-Result-Count': String(slice.length),
      'X-Pagination-Throttled': String(throttled),
    },
  };
}

function newestFirst<T>(list: Array<{ seq: number; doc: T }>): T[] {
  return [...list].sort((a, b) => b.seq - a.seq).map((e) => e.doc);
}

const id = (call: MefCall): string => call.params[0] ?? '';

function hubRoutes(api: NotifiedApi): MefRoute[] {
  return [
    { method: 'POST', pattern: /^\/hub$/, operationId: 'registerListener', run: (c) => ({ status: 201, body: registerHub(c.ctx, c.seller.slug, api, c.body as EventSubscriptionInput) }) },
    { method: 'GET', pattern: /^\/hub\/([^/]+)$/, operationId: 'retrieveHub', run: (c) => ({ status: 200, body: findHub(c.ctx, c.seller.slug, api, id(c)) }) },
    {
      method: 'DELETE',
      pattern: /^\/hub\/([^/]+)$/,
      operationId: 'unregisterListener',
      run: (c) => {
        unregisterHub(c.ctx, c.seller.slug, api, id(c));
        return { status: 204 };
      },
    },
  ];
}

const ROUTES: Record<NotifiedApi, MefRoute[]> = {
  troubleTicket: [
    {
      method: 'GET',
      pattern: /^\/troubleTicket$/,
      operationId: 'listTroubleTicket',
      run: (c) => page(newestFirst(c.ctx.store.list<TroubleTicket>(c.seller.slug, 'troubleTicket')).filter((t) => ticketMatches(t, c.query)).map(toTicketFind), c.query),
    },
    { method: 'POST', pattern: /^\/troubleTicket$/, operationId: 'createTroubleTicket', run: (c) => ({ status: 201, body: createTicket(c.ctx, c.seller, c.body as TroubleTicketCreate, c.ids) }) },
    { method: 'GET', pattern: /^\/troubleTicket\/([^/]+)$/, operationId: 'retrieveTroubleTicket', run: (c) => ({ status: 200, body: loadTicket(c.ctx, c.seller.slug, id(c)).doc }) },
    { method: 'PATCH', pattern: /^\/troubleTicket\/([^/]+)$/, operationId: 'patchTroubleTicket', run: (c) => ({ status: 200, body: patchTicket(c.ctx, c.seller, id(c), c.body as TroubleTicketUpdate) }) },
    {
      method: 'POST',
      pattern: /^\/troubleTicket\/([^/]+)\/cancel$/,
      operationId: 'cancelTroubleTicket',
      run: (c) => {
        cancelTicket(c.ctx, c.seller, id(c));
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: /^\/troubleTicket\/([^/]+)\/close$/,
      operationId: 'closeTroubleTicket',
      run: (c) => {
        closeTicket(c.ctx, c.seller, id(c));
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: /^\/troubleTicket\/([^/]+)\/reopen$/,
      operationId: 'reopenTroubleTicket',
      run: (c) => {
        reopenTicket(c.ctx, c.seller, id(c), (c.body as { reason: string }).reason);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      pattern: /^\/incident$/,
      operationId: 'listIncident',
      run: (c) => page(newestFirst(c.ctx.store.list<Incident>(c.seller.slug, 'incident')).filter((i) => incidentMatches(i, c.query)).map(toIncidentFind), c.query),
    },
    { method: 'GET', pattern: /^\/incident\/([^/]+)$/, operationId: 'retrieveIncident', run: (c) => ({ status: 200, body: loadIncident(c.ctx, c.seller.slug, id(c)).doc }) },
    ...hubRoutes('troubleTicket'),
  ],
  appointment: [
    {
      method: 'GET',
      pattern: /^\/appointment$/,
      operationId: 'listAppointment',
      run: (c) =>
        page(
          newestFirst(c.ctx.store.list<Appointment>(c.seller.slug, 'appointment'))
            .filter((a) => appointmentMatches(c.ctx, c.seller.slug, a, c.query))
            .map(toAppointmentFind),
          c.query,
        ),
    },
    { method: 'POST', pattern: /^\/appointment$/, operationId: 'createAppointment', run: (c) => ({ status: 201, body: createAppointment(c.ctx, c.seller, c.body as AppointmentCreate, c.ids) }) },
    { method: 'GET', pattern: /^\/appointment\/([^/]+)$/, operationId: 'retrieveAppointment', run: (c) => ({ status: 200, body: loadAppointment(c.ctx, c.seller.slug, id(c)).doc }) },
    { method: 'PATCH', pattern: /^\/appointment\/([^/]+)$/, operationId: 'patchAppointment', run: (c) => ({ status: 200, body: patchAppointment(c.ctx, c.seller, id(c), c.body as AppointmentUpdate) }) },
    {
      method: 'POST',
      pattern: /^\/appointment\/([^/]+)\/cancel$/,
      operationId: 'cancelAppointment',
      run: (c) => {
        cancelAppointment(c.ctx, c.seller, id(c));
        return { status: 204 };
      },
    },
    { method: 'POST', pattern: /^\/searchTimeSlot$/, operationId: 'createSearchTimeSlot', run: (c) => ({ status: 201, body: searchTimeSlot(c.ctx, c.seller, c.body as SearchTimeSlotCreate) }) },
    ...hubRoutes('appointment'),
  ],
  workOrder: [
    { method: 'GET', pattern: /^\/workorder\/([^/]+)$/, operationId: 'retrieveWorkOrder', run: (c) => ({ status: 200, body: loadWorkOrder(c.ctx, c.seller.slug, id(c)).doc }) },
    {
      method: 'GET',
      pattern: /^\/workorder$/,
      operationId: 'listWorkOrder',
      run: (c) => {
        const found = newestFirst(c.ctx.store.list<WorkOrder>(c.seller.slug, 'workOrder')).filter((w) => workOrderMatches(w, c.query)).map(toWorkOrderFind);
        return c.seller.imperfect && answersBareList('listWorkOrder') ? { status: 200, body: found } : page(found, c.query);
      },
    },
    ...hubRoutes('workOrder'),
  ],
};

const INCIDENT_OPERATIONS = new Set(['listIncident', 'retrieveIncident']);

function operationHasBody(spec: OpenApiDocument, operationId: string): boolean {
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item as Record<string, { operationId?: string; requestBody?: unknown }>)) {
      if (op.operationId === operationId) return op.requestBody !== undefined;
    }
  }
  return false;
}

/**
 * Request bodies are `application/json;charset=utf-8` in every MEF YAML; plain `application/json` (UTF-8 by
 * RFC 8259) is accepted too. Anything else is 415 with a MEF error body.
 */
function requireJsonMediaType(req: IncomingMessage): void {
  const header = req.headers['content-type'] ?? '';
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (type === 'application/json' && (charset === undefined || charset === 'utf-8')) return;
  throw new MefError(415, {
    code: 'invalidBody',
    reason: header ? `The request body must be application/json;charset=utf-8, not ${header}` : 'The request body must be application/json;charset=utf-8; no Content-Type was given',
  });
}

function isBodyShapeError(violations: ReturnType<typeof validateRequestBody>): boolean {
  return violations.some((v) => v.path === '' && v.keyword === 'type');
}

/** Serves one MEF call; `rest` is the path after the API base. Errors come back as MefError. */
export async function serveMef(ctx: SandboxContext, seller: SellerConfig, api: NotifiedApi, rest: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!seller.imperfect) return serveStrictly(ctx, seller, api, rest, req, res, url);
  try {
    await serveStrictly(ctx, seller, api, rest, req, res, url);
  } catch (err) {
    if (err instanceof MefError) throw new MefError(err.status, err.body, { ...err.headers, 'Content-Type': IMPERFECT_MEDIA_TYPE });
    throw err;
  }
}

async function serveStrictly(ctx: SandboxContext, seller: SellerConfig, api: NotifiedApi, rest: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const spec = API_BASES[api].spec;
  const candidates = ROUTES[api].filter((r) => r.pattern.test(rest));
  const route = candidates.find((r) => r.method === req.method);
  if (!route) {
    if (candidates.length) {
      const allowed = candidates.map((c) => c.method).join(', ');
      // The YAML declares no 405; the body follows its Error schema (reason, message) with a code naming the status.
      throw new MefError(
        405,
        { code: 'methodNotAllowed', reason: `${req.method} is not supported on this resource`, message: `Use ${allowed}` },
        { Allow: allowed },
      );
    }
    throw fail.notFound(`No such resource: ${rest || '/'}`);
  }
  authorize(ctx.store, seller.slug, req, route.operationId);
  if (api === 'troubleTicket' && INCIDENT_OPERATIONS.has(route.operationId)) requireIncidents(seller);
  const parsed = parseQuery(spec, route.operationId, url.searchParams);
  if (parsed.violations.length) {
    const first = parsed.violations[0];
    throw fail.badRequest('invalidQuery', parsed.violations.map((v) => `${v.path.slice(1)}: ${v.message}`).join('; '), first?.message);
  }
  let body: unknown;
  if (operationHasBody(spec, route.operationId)) {
    const text = await readBody(req);
    if (text.trim() !== '') requireJsonMediaType(req);
    body = parseJson(text);
    if (body === undefined) throw fail.badRequest('invalidBody', 'A JSON request body is required');
    const violations = validateRequestBody(spec, route.operationId, body);
    if (violations.length) {
      if (isBodyShapeError(violations)) throw fail.badRequest('invalidBody', 'The request body must be a JSON object');
      if (route.operationId === 'registerListener') throw fail.badRequest('invalidBody', violations.map((v) => `${v.path} ${v.message}`).join('; '));
      throw fail.unprocessable(violationsToProblems(violations));
    }
  } else {
    req.resume();
  }
  const ids: PartyIds = {
    ...(typeof parsed.values.buyerId === 'string' ? { buyerId: parsed.values.buyerId } : {}),
    ...(typeof parsed.values.sellerId === 'string' ? { sellerId: parsed.values.sellerId } : {}),
  };
  const [, ...params] = route.pattern.exec(rest) ?? [];
  const decoded = params.map(decodeSegment);
  if (api === 'troubleTicket') ctx.refusals.check(seller.slug, route.operationId, decoded[0]);
  const result = route.run({ ctx, seller, req, res, params: decoded, query: parsed.values, ids, body });
  if (result.body === undefined) sendEmpty(res, result.status, result.headers);
  else if (seller.imperfect) {
    const answer = imperfectBody(route.operationId, result.body, ctx.clock.nowIso());
    sendJson(res, result.status, answer, { ...result.headers, 'Content-Type': IMPERFECT_MEDIA_TYPE });
  } else sendJson(res, result.status, result.body, result.headers);
}
