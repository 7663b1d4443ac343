import { canWorkOrderMove, type WorkOrderState } from '@/lib/domain/work-order-state-machine';
import type { SandboxContext } from './context';
import { fail, problem } from './http';
import type { TroubleTicket, WorkOrder, WorkOrderFind } from './mef-types';
import { siteOf, type SellerConfig, type SellerSite } from './sellers';
import { newId, type StoredEntity } from './store';
import { publishTicketEvent } from './tickets';

export function workOrderHref(ctx: SandboxContext, seller: string, id: string): string {
  return `${ctx.urls(seller).workOrder}/workorder/${id}`;
}

export function loadWorkOrder(ctx: SandboxContext, seller: string, id: string): StoredEntity<WorkOrder> {
  const found = ctx.store.get<WorkOrder>(seller, 'workOrder', id);
  if (!found) throw fail.notFound(`No work order ${id}`);
  return found;
}

export function workOrderTicket(ctx: SandboxContext, seller: string, wo: StoredEntity<WorkOrder>): StoredEntity<TroubleTicket> | undefined {
  return wo.meta.ticketId ? ctx.store.get<TroubleTicket>(seller, 'troubleTicket', wo.meta.ticketId) : undefined;
}

export function workOrderSite(seller: SellerConfig, wo: StoredEntity<WorkOrder>): SellerSite | undefined {
  return wo.meta.productId ? siteOf(seller, wo.meta.productId) : undefined;
}

export function publishWorkOrderEvent(ctx: SandboxContext, seller: string, wo: StoredEntity<WorkOrder>, eventType: string): void {
  const ticket = workOrderTicket(ctx, seller, wo);
  ctx.publish({
    seller,
    api: 'workOrder',
    eventType,
    resourceId: wo.id,
    ...(ticket?.meta.buyerId !== undefined ? { buyerId: ticket.meta.buyerId } : {}),
    ...(ticket?.meta.sellerId !== undefined ? { sellerId: ticket.meta.sellerId } : {}),
  });
  // A change inside a work order the ticket refers to is a change of the ticket's attributes (TT-G).
  if (ticket) publishTicketEvent(ctx, seller, ticket, 'troubleTicketAttributeValueChangeEvent');
}

/**
 * The shared work order table less inProgress → open, which MEF 113 Table 43 (R154) does not have: work that
 * started and could not finish ends unableToComplete, and a new work order is opened.
 */
export function canSellerMoveWorkOrder(from: WorkOrderState, to: WorkOrderState): boolean {
  return canWorkOrderMove(from, to) && !(from === 'inProgress' && to === 'open');
}

export function setWorkOrderState(ctx: SandboxContext, seller: string, wo: StoredEntity<WorkOrder>, to: WorkOrderState): void {
  if (wo.doc.state === to) return;
  if (!canSellerMoveWorkOrder(wo.doc.state, to)) {
    const hint = wo.doc.state === 'inProgress' && to === 'open' ? '; mark it unableToComplete and open a new work order instead' : '';
    throw fail.unprocessable([problem('invalidValue', '/state', `A work order cannot move from ${wo.doc.state} to ${to}${hint}`)]);
  }
  wo.doc.state = to;
  ctx.store.update(seller, 'workOrder', wo.id, wo.doc);
  publishWorkOrderEvent(ctx, seller, wo, 'workOrderStateChangeEvent');
}

export function setAppointmentRequired(ctx: SandboxContext, seller: string, wo: StoredEntity<WorkOrder>, required: boolean): void {
  if (wo.doc.appointmentRequired === required) return;
  wo.doc.appointmentRequired = required;
  ctx.store.update(seller, 'workOrder', wo.id, wo.doc);
  if (required) publishWorkOrderEvent(ctx, seller, wo, 'workOrderAppointmentRequiredEvent');
}

export function buildWorkOrder(
  ctx: SandboxContext,
  seller: SellerConfig,
  ticket: StoredEntity<TroubleTicket>,
  options: { appointmentRequired: boolean; task: string[]; durationHours: number; note?: string },
): StoredEntity<WorkOrder> {
  const productId = ticket.doc.relatedEntity[0]?.id;
  const site = productId ? siteOf(seller, productId) : undefined;
  if (!productId || !site) throw fail.unprocessable([problem('referenceNotFound', '/relatedEntity/0/id', 'The ticket has no product of this Seller')]);
  const id = newId();
  const doc: WorkOrder = {
    id,
    href: workOrderHref(ctx, seller.slug, id),
    appointmentRequired: options.appointmentRequired,
    appointment: [],
    duration: { timeDurationValue: options.durationHours, timeDurationUnits: 'HOUR' },
    // The generated type only knows the place base; these are its GeographicSiteRef / GeographicAddressRef subtypes.
    place: [
      { '@type': 'GeographicSiteRef', role: 'serviceSite', id: site.id } as WorkOrder['place'][number],
      { '@type': 'GeographicAddressRef', role: 'serviceAddress', id: `${site.id}-address` } as WorkOrder['place'][number],
    ],
    relatedContactInformation: [{ ...seller.technicalContact, role: 'technicalContact' }],
    relatedEntity: [
      { '@referredType': 'TroubleTicket', id: ticket.id, role: 'troubleTicket', href: ticket.doc.href ?? '' },
      { '@referredType': 'Product', id: productId, role: 'affectedProduct' },
    ],
    state: 'open',
    task: options.task,
    ...(options.note
      ? { note: [{ id: newId(), author: seller.name, date: ctx.clock.nowIso(), source: 'seller' as const, text: options.note }] }
      : {}),
  };
  return { id, seq: 0, doc, meta: { ticketId: ticket.id, productId } };
}

type Query = Record<string, unknown>;

export function workOrderMatches(wo: WorkOrder, q: Query): boolean {
  if (q.state !== undefined && wo.state !== q.state) return false;
  if (q.appointmentRequired !== undefined && wo.appointmentRequired !== q.appointmentRequired) return false;
  if (q.geographicalSiteId !== undefined && !wo.place.some((p) => p['@type'] === 'GeographicSiteRef' && (p as { id?: string }).id === q.geographicalSiteId)) return false;
  if (q.geographicalAddressId !== undefined && !wo.place.some((p) => p['@type'] === 'GeographicAddressRef' && (p as { id?: string }).id === q.geographicalAddressId)) return false;
  if (q.relatedEntityId !== undefined || q.relatedEntityType !== undefined) {
    const id = q.relatedEntityId;
    const type = q.relatedEntityType;
    if (!wo.relatedEntity.some((e) => (id === undefined || e.id === id) && (type === undefined || e['@referredType'] === type))) return false;
  }
  return true;
}

export function toWorkOrderFind(wo: WorkOrder): WorkOrderFind {
  return { id: wo.id, appointmentRequired: wo.appointmentRequired, place: wo.place, relatedEntity: wo.relatedEntity, state: wo.state };
}
