import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { TICKET_STATUSES } from '@/lib/domain/ticket-state-machine';
import type { SandboxContext } from './context';
import { decodeSegment, fail, parseJson, problem, readBody, sendEmpty, sendJson, type Problem422 } from './http';
import { OPERATION_SCOPES } from './auth';
import type { Incident, TroubleTicket, WorkOrder, Appointment } from './mef-types';
import { refusalSchema } from './refusals';
import { referencePointOf } from './sellers';
import { loadTicket } from './tickets';

const priority = z.enum(['low', 'medium', 'high', 'critical']);
const severity = z.enum(['minor', 'moderate', 'significant', 'extensive']);
const isoDate = z.iso.datetime({ offset: true });
const optionalNote = z.object({ note: z.string().min(1).optional() }).strict();

const schemas = {
  status: z.object({ status: z.enum(TICKET_STATUSES as [string, ...string[]]), note: z.string().min(1).optional() }).strict(),
  expected: z.object({ expectedResolutionDate: isoDate, note: z.string().min(1).optional() }).strict(),
  ticketAttributes: z
    .object({ sellerPriority: priority.optional(), sellerSeverity: severity.optional(), expectedResolutionDate: isoDate.optional(), note: z.string().min(1).optional() })
    .strict(),
  text: z.object({ text: z.string().min(1), author: z.string().min(1).optional() }).strict(),
  attachment: z
    .object({
      name: z.string().min(1),
      url: z.string().url().optional(),
      content: z.string().optional(),
      mimeType: z.string().optional(),
      description: z.string().optional(),
      author: z.string().optional(),
    })
    .strict(),
  relatedIssue: z
    .object({
      referredType: z.enum(['Incident', 'TroubleTicket']),
      id: z.string().min(1),
      relationshipType: z.string().optional(),
      description: z.string().optional(),
      note: z.string().min(1).optional(),
    })
    .strict(),
  workOrder: z
    .object({
      appointmentRequired: z.boolean().optional(),
      task: z.array(z.string().min(1)).optional(),
      durationHours: z.number().int().positive().optional(),
      note: z.string().min(1).optional(),
    })
    .strict(),
  workOrderState: z.object({ state: z.enum(['cancelled', 'completed', 'inProgress', 'open', 'planned', 'unableToComplete']) }).strict(),
  incident: z
    .object({
      description: z.string().min(1),
      productIds: z.array(z.string().min(1)).min(1),
      impact: z.enum(['degraded', 'intermittent', 'down']),
      incidentType: z.enum(['maintenance', 'repair', 'installation']),
      priority,
      severity,
      situationStartDate: isoDate.optional(),
      expectedClosedDate: isoDate.optional(),
      note: z.string().min(1).optional(),
    })
    .strict(),
  incidentChange: z
    .object({
      description: z.string().min(1).optional(),
      productIds: z.array(z.string().min(1)).min(1).optional(),
      impact: z.enum(['degraded', 'intermittent', 'down']).optional(),
      incidentType: z.enum(['maintenance', 'repair', 'installation']).optional(),
      priority: priority.optional(),
      severity: severity.optional(),
      situationStartDate: isoDate.optional(),
      expectedClosedDate: isoDate.optional(),
      note: z.string().min(1).optional(),
    })
    .strict(),
  incidentStatus: z.object({ status: z.enum(['created', 'inProgress', 'closed']), note: z.string().min(1).optional() }).strict(),
  buyerAuth: z.object({ tokenUrl: z.string().url(), clientId: z.string().min(1), clientSecret: z.string().min(1) }).strict(),
  client: z.object({ scopes: z.array(z.string().min(1)).nullable() }).strict(),
  advance: z.object({ ms: z.number().int().nonnegative() }).strict(),
  note: optionalNote,
};

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems: Problem422[] = result.error.issues.map((issue) =>
    problem(
      issue.code === 'invalid_type' && issue.input === undefined ? 'missingProperty' : issue.code === 'unrecognized_keys' ? 'unexpectedProperty' : 'invalidValue',
      '/' + issue.path.map(String).join('/'),
      issue.message,
    ),
  );
  throw fail.unprocessable(problems);
}

interface ControlCall {
  ctx: SandboxContext;
  slug: string;
  params: string[];
  body: unknown;
  url: URL;
}

type Handler = (call: ControlCall) => unknown;

interface ControlRoute {
  method: string;
  pattern: RegExp;
  run: Handler;
  /** 201 when the route creates something. */
  created?: boolean;
}

const p = (call: ControlCall, i = 0): string => call.params[i] ?? '';

export const CONTROL_ROUTES: ControlRoute[] = [
  { method: 'GET', pattern: /^\/tickets$/, run: (c) => c.ctx.store.list<TroubleTicket>(c.slug, 'troubleTicket').map((e) => e.doc) },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/status$/, run: (c) => { const b = parse(schemas.status, c.body); return c.ctx.actions.moveTicket(c.slug, p(c), b.status as TroubleTicket['status'], b.note); } },
  { method: 'PUT', pattern: /^\/tickets\/([^/]+)\/expected-resolution-date$/, run: (c) => { const b = parse(schemas.expected, c.body); return c.ctx.actions.setExpectedResolutionDate(c.slug, p(c), b.expectedResolutionDate, b.note); } },
  { method: 'PATCH', pattern: /^\/tickets\/([^/]+)$/, run: (c) => c.ctx.actions.updateTicketAttributes(c.slug, p(c), parse(schemas.ticketAttributes, c.body)) },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/request-information$/, run: (c) => c.ctx.actions.requestInformation(c.slug, p(c), parse(schemas.text, c.body).text) },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/resolve$/, run: (c) => c.ctx.actions.resolveTicket(c.slug, p(c), parse(schemas.text, c.body).text) },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/notes$/, created: true, run: (c) => { const b = parse(schemas.text, c.body); return c.ctx.actions.addTicketNote(c.slug, p(c), b.text, b.author); } },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/attachments$/, created: true, run: (c) => c.ctx.actions.addTicketAttachment(c.slug, p(c), parse(schemas.attachment, c.body)) },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/related-issues$/, created: true, run: (c) => c.ctx.actions.relateTicket(c.slug, p(c), parse(schemas.relatedIssue, c.body)) },
  { method: 'POST', pattern: /^\/tickets\/([^/]+)\/work-orders$/, created: true, run: (c) => c.ctx.actions.createWorkOrder(c.slug, p(c), parse(schemas.workOrder, c.body)) },
  {
    method: 'PUT',
    pattern: /^\/tickets\/([^/]+)\/refusal$/,
    run: (c) => {
      loadTicket(c.ctx, c.slug, p(c));
      return c.ctx.refusals.set(c.slug, p(c), parse(refusalSchema, c.body));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/tickets\/([^/]+)\/refusal$/,
    run: (c) => {
      if (!c.ctx.refusals.clear(c.slug, p(c))) throw fail.notFound(`No refusal set for ticket ${p(c)}`);
      return undefined;
    },
  },
  { method: 'GET', pattern: /^\/refusals$/, run: (c) => c.ctx.refusals.list(c.slug) },
  { method: 'GET', pattern: /^\/work-orders$/, run: (c) => c.ctx.store.list<WorkOrder>(c.slug, 'workOrder').map((e) => e.doc) },
  { method: 'POST', pattern: /^\/work-orders\/([^/]+)\/state$/, run: (c) => c.ctx.actions.setWorkOrderState(c.slug, p(c), parse(schemas.workOrderState, c.body).state) },
  { method: 'POST', pattern: /^\/work-orders\/([^/]+)\/require-appointment$/, run: (c) => c.ctx.actions.requireAppointment(c.slug, p(c)) },
  { method: 'GET', pattern: /^\/incidents$/, run: (c) => c.ctx.store.list<Incident>(c.slug, 'incident').map((e) => e.doc) },
  { method: 'POST', pattern: /^\/incidents$/, created: true, run: (c) => c.ctx.actions.createIncident(c.slug, parse(schemas.incident, c.body)) },
  { method: 'PATCH', pattern: /^\/incidents\/([^/]+)$/, run: (c) => c.ctx.actions.updateIncident(c.slug, p(c), parse(schemas.incidentChange, c.body)) },
  { method: 'POST', pattern: /^\/incidents\/([^/]+)\/status$/, run: (c) => { const b = parse(schemas.incidentStatus, c.body); return c.ctx.actions.setIncidentStatus(c.slug, p(c), b.status, b.note); } },
  { method: 'POST', pattern: /^\/incidents\/([^/]+)\/close$/, run: (c) => c.ctx.actions.setIncidentStatus(c.slug, p(c), 'closed', parse(schemas.note, c.body).note) },
  { method: 'GET', pattern: /^\/appointments$/, run: (c) => c.ctx.store.list<Appointment>(c.slug, 'appointment').map((e) => e.doc) },
  { method: 'POST', pattern: /^\/appointments\/([^/]+)\/start$/, run: (c) => c.ctx.actions.startAppointment(c.slug, p(c)) },
  { method: 'POST', pattern: /^\/appointments\/([^/]+)\/complete$/, run: (c) => c.ctx.actions.completeAppointment(c.slug, p(c), parse(schemas.note, c.body).note) },
  { method: 'POST', pattern: /^\/appointments\/([^/]+)\/miss$/, run: (c) => c.ctx.actions.endAppointmentUnsuccessfully(c.slug, p(c), 'missed', parse(schemas.note, c.body).note) },
  { method: 'POST', pattern: /^\/appointments\/([^/]+)\/fail$/, run: (c) => c.ctx.actions.endAppointmentUnsuccessfully(c.slug, p(c), 'failed', parse(schemas.note, c.body).note) },
  { method: 'POST', pattern: /^\/appointments\/([^/]+)\/cancel$/, run: (c) => c.ctx.actions.cancelAppointment(c.slug, p(c), parse(schemas.note, c.body).note) },
  { method: 'POST', pattern: /^\/appointments\/([^/]+)\/notes$/, created: true, run: (c) => c.ctx.actions.addAppointmentNote(c.slug, p(c), parse(schemas.text, c.body).text) },
  {
    method: 'PUT',
    pattern: /^\/buyer-auth$/,
    run: (c) => {
      const auth = parse(schemas.buyerAuth, c.body);
      c.ctx.actions.setBuyerAuth(c.slug, auth);
      return { tokenUrl: auth.tokenUrl, clientId: auth.clientId };
    },
  },
  {
    method: 'GET',
    pattern: /^\/buyer-auth$/,
    run: (c) => {
      const auth = c.ctx.store.buyerAuth(c.slug);
      return auth ? { tokenUrl: auth.tokenUrl, clientId: auth.clientId } : {};
    },
  },
  {
    method: 'GET',
    pattern: /^\/deliveries$/,
    run: (c) => {
      const limit = Number(c.url.searchParams.get('limit') ?? '100');
      return c.ctx.notifier.deliveries(c.slug, Number.isFinite(limit) && limit > 0 ? limit : 100);
    },
  },
  { method: 'GET', pattern: /^\/events$/, run: (c) => c.ctx.events(c.slug) },
  {
    method: 'POST',
    pattern: /^\/clients$/,
    created: true,
    run: (c) => {
      const { scopes } = parse(schemas.client, c.body);
      const unknown = (scopes ?? []).filter((s) => !OPERATION_SCOPES.includes(s));
      if (unknown.length) throw fail.unprocessable([problem('invalidValue', '/scopes', `Unknown scopes: ${unknown.join(', ')}`)]);
      const client = c.ctx.store.createClient(c.slug, scopes);
      return { clientId: client.clientId, clientSecret: client.secret, scopes: client.scopes };
    },
  },
];

export function discovery(ctx: SandboxContext) {
  return {
    sellers: ctx.sellers.map((seller) => {
      const urls = ctx.urls(seller.slug);
      const client = ctx.store.primaryClient(seller.slug);
      return {
        slug: seller.slug,
        name: seller.name,
        referencePoint: referencePointOf(seller),
        personality: seller.personality,
        baseUrls: { troubleTicket: urls.troubleTicket, appointment: urls.appointment, workOrder: urls.workOrder },
        tokenUrl: urls.tokenUrl,
        clientId: client.clientId,
        clientSecret: client.secret,
        offersIncidents: seller.offersIncidents,
        products: seller.products.map((product) => {
          const site = seller.sites.find((s) => s.id === product.siteId);
          return {
            id: product.id,
            name: product.name,
            site: site ? { id: site.id, name: site.name, address: site.address, timeZone: site.timeZone } : undefined,
          };
        }),
      };
    }),
  };
}

/** Serves /_sandbox/...; `rest` is the path after /_sandbox. */
export async function serveControl(ctx: SandboxContext, rest: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = req.method === 'GET' || req.method === 'DELETE' ? (req.resume(), undefined) : parseJson(await readBody(req));
  if (rest === '/sellers' && req.method === 'GET') return sendJson(res, 200, discovery(ctx));
  if (rest === '/clock' && req.method === 'GET') return sendJson(res, 200, { now: ctx.clock.nowIso(), speed: ctx.clock.speed });
  if (rest === '/clock/advance' && req.method === 'POST') {
    const { ms } = parse(schemas.advance, body);
    const { now, ran } = ctx.clock.advance(ms);
    return sendJson(res, 200, { now: now.toISOString(), ran });
  }
  const match = /^\/([^/]+)(\/.*)$/.exec(rest);
  const slug = match?.[1];
  if (!match || !slug || !ctx.seller(slug)) throw fail.notFound(`No control resource ${rest}`);
  const sub = match[2] ?? '';
  const route = CONTROL_ROUTES.find((r) => r.method === req.method && r.pattern.test(sub));
  if (!route) throw fail.notFound(`No control resource ${req.method} ${rest}`);
  const params = (route.pattern.exec(sub) ?? []).slice(1).map(decodeSegment);
  const result = route.run({ ctx, slug, params, body, url });
  if (result === undefined) return sendEmpty(res, 204);
  sendJson(res, route.created ? 201 : 200, result);
}
