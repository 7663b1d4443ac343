import { canIncidentMove, type IncidentStatus } from '@/lib/domain/incident-state-machine';
import type { SandboxContext } from './context';
import { fail, problem } from './http';
import type { ImpactType, Incident, IncidentFind, IncidentType, PriorityType, SeverityType } from './mef-types';
import type { SellerConfig } from './sellers';
import { newId, type StoredEntity } from './store';
import { dateFilter, relatedEntityFilter } from './tickets';

export interface IncidentInput {
  description: string;
  productIds: string[];
  impact: ImpactType;
  incidentType: IncidentType;
  priority: PriorityType;
  severity: SeverityType;
  situationStartDate?: string;
  expectedClosedDate?: string;
  note?: string;
}

export type IncidentChange = Partial<Omit<IncidentInput, 'note'>> & { note?: string };

export function requireIncidents(seller: SellerConfig): void {
  if (!seller.offersIncidents) throw fail.notImplemented(`${seller.name} does not report incidents`);
}

export function loadIncident(ctx: SandboxContext, seller: string, id: string): StoredEntity<Incident> {
  const found = ctx.store.get<Incident>(seller, 'incident', id);
  if (!found) throw fail.notFound(`No incident ${id}`);
  return found;
}

function publish(ctx: SandboxContext, seller: string, id: string, eventType: string): void {
  ctx.publish({ seller, api: 'troubleTicket', eventType, resourceId: id });
}

function productEntities(seller: SellerConfig, productIds: readonly string[]): Incident['relatedEntity'] {
  const unknown = productIds.filter((id) => !seller.products.some((p) => p.id === id));
  if (productIds.length === 0 || unknown.length) {
    throw fail.unprocessable([problem('referenceNotFound', '/productIds', `Unknown products: ${unknown.join(', ') || '(none given)'}`)]);
  }
  return productIds.map((id) => ({ '@referredType': 'Product', id, role: 'affectedProduct' }));
}

export function createIncident(ctx: SandboxContext, seller: SellerConfig, input: IncidentInput): Incident {
  requireIncidents(seller);
  const relatedEntity = productEntities(seller, input.productIds);
  const now = ctx.clock.nowIso();
  const id = newId();
  const incident: Incident = {
    id,
    href: `${ctx.urls(seller.slug).troubleTicket}/incident/${id}`,
    creationDate: now,
    status: 'created',
    description: input.description,
    priority: input.priority,
    severity: input.severity,
    impact: input.impact,
    incidentType: input.incidentType,
    situationStartDate: input.situationStartDate ?? now,
    ...(input.expectedClosedDate ? { expectedClosedDate: input.expectedClosedDate } : {}),
    relatedEntity,
    relatedContactInformation: [{ ...seller.ticketContact, role: 'incidentContact' }],
    statusChange: [{ changeDate: now, changeReason: 'Incident detected', status: 'created' }],
    ...(input.note ? { note: [{ id: newId(), author: seller.name, date: now, source: 'seller' as const, text: input.note }] } : {}),
  };
  ctx.atomically(() => {
    ctx.store.insert(seller.slug, 'incident', id, incident);
    publish(ctx, seller.slug, id, 'incidentCreateEvent');
  });
  return incident;
}

export function updateIncident(ctx: SandboxContext, seller: SellerConfig, id: string, change: IncidentChange): Incident {
  requireIncidents(seller);
  return ctx.atomically(() => {
    const incident = loadIncident(ctx, seller.slug, id);
    if (incident.doc.status === 'closed') throw fail.unprocessable([problem('invalidValue', '/status', 'A closed incident cannot change')]);
    const doc = incident.doc;
    for (const key of ['description', 'impact', 'incidentType', 'priority', 'severity', 'situationStartDate', 'expectedClosedDate'] as const) {
      if (change[key] !== undefined) (doc as Record<string, unknown>)[key] = change[key];
    }
    if (change.productIds) doc.relatedEntity = productEntities(seller, change.productIds);
    if (change.note) doc.note = [...(doc.note ?? []), { id: newId(), author: seller.name, date: ctx.clock.nowIso(), source: 'seller', text: change.note }];
    ctx.store.update(seller.slug, 'incident', id, doc);
    publish(ctx, seller.slug, id, 'incidentAttributeValueChangeEvent');
    return doc;
  });
}

export function setIncidentStatus(ctx: SandboxContext, seller: SellerConfig, id: string, to: IncidentStatus, reason?: string): Incident {
  requireIncidents(seller);
  return ctx.atomically(() => {
    const incident = loadIncident(ctx, seller.slug, id);
    const doc = incident.doc;
    if (!canIncidentMove(doc.status, to)) {
      throw fail.unprocessable([problem('invalidValue', '/status', `An incident cannot move from ${doc.status} to ${to}`)]);
    }
    const now = ctx.clock.now();
    let attributesChanged = false;
    if (to === 'inProgress' && !doc.expectedClosedDate) {
      doc.expectedClosedDate = new Date(now.getTime() + 4 * 3_600_000).toISOString();
      attributesChanged = true;
    }
    if (to === 'closed') doc.closedDate = now.toISOString();
    if (reason) {
      doc.note = [...(doc.note ?? []), { id: newId(), author: seller.name, date: now.toISOString(), source: 'seller', text: reason }];
      attributesChanged = true;
    }
    const statusChanged = doc.status !== to;
    doc.status = to;
    doc.statusChange = [...(doc.statusChange ?? []), { changeDate: now.toISOString(), changeReason: reason ?? `Incident ${to}`, status: to }];
    ctx.store.update(seller.slug, 'incident', id, doc);
    if (statusChanged) publish(ctx, seller.slug, id, 'incidentStatusChangeEvent');
    if (attributesChanged || !statusChanged) publish(ctx, seller.slug, id, 'incidentAttributeValueChangeEvent');
    return doc;
  });
}

type Query = Record<string, unknown>;

export function incidentMatches(i: Incident, q: Query): boolean {
  for (const field of ['priority', 'severity', 'impact', 'incidentType', 'status'] as const) {
    if (q[field] !== undefined && i[field] !== q[field]) return false;
  }
  return (
    relatedEntityFilter(i.relatedEntity, q) &&
    dateFilter(i.creationDate, q['creationDate.gt'], q['creationDate.lt']) &&
    dateFilter(i.situationStartDate, q['situationStartDate.gt'], q['situationStartDate.lt']) &&
    dateFilter(i.expectedClosedDate, q['expectedClosedDate.gt'], q['expectedClosedDate.lt']) &&
    dateFilter(i.closedDate, q['closedDate.gt'], q['closedDate.lt'])
  );
}

export function toIncidentFind(i: Incident): IncidentFind {
  const out: Record<string, unknown> = {};
  const keys = [
    'id', 'href', 'creationDate', 'status', 'description', 'priority', 'severity', 'impact', 'incidentType',
    'relatedEntity', 'closedDate', 'expectedClosedDate', 'situationStartDate',
  ] as const;
  for (const key of keys) if (i[key] !== undefined) out[key] = i[key];
  return out as unknown as IncidentFind;
}
