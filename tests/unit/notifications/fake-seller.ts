import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Collection = 'troubleTicket' | 'incident' | 'appointment' | 'workorder';

/**
 * A Seller on 127.0.0.1 that serves GET of tickets, incidents, appointments and work orders from in-memory documents,
 * plus a token endpoint and a hub; answers can be slowed or failed per request.
 */
export async function startDocumentSeller(slug = 'acme') {
  const docs: Record<Collection, Map<string, Record<string, unknown>>> = {
    troubleTicket: new Map(),
    incident: new Map(),
    appointment: new Map(),
    workorder: new Map(),
  };
  const gets: string[] = [];
  const hubs: Array<{ api: string; id: string; callback: string }> = [];
  let hubCounter = 0;
  const state = {
    /** Answer the next N GETs with this status. */
    failNext: 0,
    failStatus: 500,
    delayMs: 0,
    /** Single-resource GETs being answered now, and the most seen at once (overall and per resource path). */
    inFlight: 0,
    maxInFlight: 0,
    maxInFlightPerPath: 0,
  };
  const inFlightPaths = new Map<string, number>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks).toString('utf8');
        if (url.pathname === `/${slug}/oauth2/token`) {
          return json(res, 200, { access_token: 'seller-token', token_type: 'Bearer', expires_in: 3600 });
        }
        const hub = /^\/[^/]+\/mefApi\/sonata\/(troubleTicket|appointment|workOrderManagement)\/v\d\/hub(?:\/([^/]+))?$/.exec(url.pathname);
        if (hub) {
          if (req.method === 'POST') {
            const id = `hub-${++hubCounter}`;
            const { callback } = JSON.parse(body) as { callback: string };
            hubs.push({ api: hub[1]!, id, callback });
            return json(res, 201, { id, callback });
          }
          if (req.method === 'DELETE') {
            const i = hubs.findIndex((h) => h.id === decodeURIComponent(hub[2] ?? ''));
            if (i < 0) return json(res, 404, { code: 'notFound', reason: 'no hub' });
            hubs.splice(i, 1);
            res.writeHead(204).end();
            return;
          }
        }
        const m = /^\/[^/]+\/mefApi\/sonata\/[^/]+\/v\d\/(troubleTicket|incident|appointment|workorder)(?:\/([^/]+))?$/.exec(url.pathname);
        if (!m || req.method !== 'GET') return json(res, 404, { code: 'notFound', reason: 'no route' });
        const collection = m[1] as Collection;
        gets.push(url.pathname);
        const single = Boolean(m[2]);
        if (single) {
          state.inFlight += 1;
          state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
          inFlightPaths.set(url.pathname, (inFlightPaths.get(url.pathname) ?? 0) + 1);
          state.maxInFlightPerPath = Math.max(state.maxInFlightPerPath, inFlightPaths.get(url.pathname)!);
          res.once('finish', () => {
            state.inFlight -= 1;
            inFlightPaths.set(url.pathname, inFlightPaths.get(url.pathname)! - 1);
          });
        }
        if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.failNext > 0) {
          state.failNext -= 1;
          return json(res, state.failStatus, { code: 'internalError', reason: 'try later' });
        }
        if (!m[2]) {
          let list = [...docs[collection].values()];
          const status = url.searchParams.get('status');
          if (status) list = list.filter((d) => d.status === status);
          const gt = url.searchParams.get('creationDate.gt');
          if (gt) list = list.filter((d) => Date.parse(String(d.creationDate)) > Date.parse(gt));
          const offset = Number(url.searchParams.get('offset') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 100);
          res.setHeader('X-Total-Count', String(list.length));
          return json(res, 200, list.slice(offset, offset + limit));
        }
        const doc = docs[collection].get(decodeURIComponent(m[2]));
        if (!doc) return json(res, 404, { code: 'notFound', reason: 'unknown id' });
        return json(res, 200, doc);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    docs,
    gets,
    hubs,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type DocumentSeller = Awaited<ReturnType<typeof startDocumentSeller>>;

let n = 0;
export function ticketDoc(id: string, status: string, changedAt: string, extra: Record<string, unknown> = {}) {
  n += 1;
  return {
    id,
    externalId: `NOC-2026-${String(n).padStart(6, '0')}`,
    description: 'Link down',
    severity: 'extensive',
    sellerSeverity: 'extensive',
    priority: 'high',
    sellerPriority: 'high',
    ticketType: 'assistance',
    observedImpact: 'down',
    status,
    creationDate: '2026-11-27T09:00:00.000Z',
    relatedEntity: [{ id: 'PROD-1', role: 'affectedProduct', '@referredType': 'Product' }],
    relatedContactInformation: [{ name: 'NOC', number: '+1', emailAddress: 'noc@example.com', organization: 'Buyer', role: 'reporterContact' }],
    statusChange: [{ status, changeDate: changedAt, changeReason: 'Seller update' }],
    ...extra,
  };
}

export function incidentDoc(id: string, status: string, productId: string, changedAt = '2026-11-27T09:00:00.000Z') {
  return {
    id,
    creationDate: '2026-11-27T09:00:00.000Z',
    description: 'Fibre cut on the ring',
    impact: 'down',
    incidentType: 'repair',
    priority: 'high',
    severity: 'extensive',
    situationStartDate: '2026-11-27T08:55:00.000Z',
    status,
    relatedContactInformation: [{ name: 'Desk', number: '+1', emailAddress: 'desk@seller.example', role: 'incidentContact' }],
    relatedEntity: [{ id: productId, role: 'affectedProduct', '@referredType': 'Product' }],
    statusChange: [{ status, changeDate: changedAt, changeReason: 'Seller update' }],
  };
}

export function workOrderDoc(id: string, state: string, appointmentRequired: boolean) {
  return {
    id,
    appointmentRequired,
    duration: { timeDurationValue: 2, timeDurationUnits: 'HOUR' },
    place: [{ '@type': 'GeographicSiteRef', id: 'SITE-1', role: 'installation' }],
    relatedContactInformation: [{ name: 'Tech', number: '+1', emailAddress: 'tech@seller.example', role: 'technicalContact' }],
    relatedEntity: [{ id: 'TT-1', role: 'troubleTicket', '@referredType': 'TroubleTicket' }],
    state,
    task: ['Replace the CPE'],
  };
}

export function appointmentDoc(id: string, status: string, workOrderId: string, start = '2026-11-28T09:00:00.000Z') {
  return {
    id,
    status,
    relatedContactInformation: [{ name: 'Tech', number: '+1', emailAddress: 'tech@seller.example', role: 'sellerAppointmentContact' }],
    relatedPlace: { '@type': 'GeographicSiteRef', id: 'SITE-1', role: 'installation' },
    validFor: { startDateTime: start, endDateTime: '2026-11-28T11:00:00.000Z' },
    workOrder: { id: workOrderId },
  };
}
