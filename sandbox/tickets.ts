import { isDeepStrictEqual } from 'node:util';
import {
  canTicketMove,
  ticketOperationPermission,
  type TicketBuyerOperation,
  type TicketStatus,
} from '@/lib/domain/ticket-state-machine';
import { WORK_ORDER_OPEN_STATES } from '@/lib/domain/work-order-state-machine';
import type { SandboxContext } from './context';
import { fail, problem, type Problem422 } from './http';
import type {
  IssueRelationship,
  PriorityType,
  TicketAttachment,
  TicketContact,
  TicketNote,
  TroubleTicket,
  TroubleTicketCreate,
  TroubleTicketFind,
  TroubleTicketUpdate,
  WorkOrder,
} from './mef-types';
import type { SellerConfig } from './sellers';
import { newId, type EntityMeta, type StoredEntity } from './store';

export const SELLER_CONTACT_ROLES = ['sellerTicketContact', 'sellerTechnicalContact'];

const RESOLUTION_HOURS: Record<PriorityType, number> = { critical: 4, high: 8, medium: 24, low: 72 };

export interface PartyIds {
  buyerId?: string;
  sellerId?: string;
}

export function ticketHref(ctx: SandboxContext, seller: string, id: string): string {
  return `${ctx.urls(seller).troubleTicket}/troubleTicket/${id}`;
}

export function loadTicket(ctx: SandboxContext, seller: string, id: string): StoredEntity<TroubleTicket> {
  const found = ctx.store.get<TroubleTicket>(seller, 'troubleTicket', id);
  if (!found) throw fail.notFound(`No trouble ticket ${id}`);
  return found;
}

function partyIds(meta: EntityMeta): PartyIds {
  return {
    ...(meta.buyerId !== undefined ? { buyerId: meta.buyerId } : {}),
    ...(meta.sellerId !== undefined ? { sellerId: meta.sellerId } : {}),
  };
}

export function publishTicketEvent(ctx: SandboxContext, seller: string, ticket: StoredEntity<TroubleTicket>, eventType: string): void {
  ctx.publish({ seller, api: 'troubleTicket', eventType, resourceId: ticket.id, ...partyIds(ticket.meta) });
}

function ticketWorkOrders(ctx: SandboxContext, seller: string, ticket: TroubleTicket): WorkOrder[] {
  return (ticket.workOrder ?? [])
    .map((ref) => ctx.store.get<WorkOrder>(seller, 'workOrder', ref.id)?.doc)
    .filter((wo): wo is WorkOrder => wo !== undefined);
}

function openWorkOrders(ctx: SandboxContext, seller: string, ticket: TroubleTicket): WorkOrder[] {
  return ticketWorkOrders(ctx, seller, ticket).filter((wo) => WORK_ORDER_OPEN_STATES.includes(wo.state));
}

export function hasOpenWorkOrder(ctx: SandboxContext, seller: string, ticket: TroubleTicket, exceptId?: string): boolean {
  return openWorkOrders(ctx, seller, ticket).some((wo) => wo.id !== exceptId);
}

/** Appends a Seller note and raises the attribute change it is. The caller stores the document. */
export function addSellerTicketNote(ctx: SandboxContext, seller: string, ticket: StoredEntity<TroubleTicket>, text: string, author?: string): TicketNote {
  const note: TicketNote = {
    id: newId(),
    author: author ?? ctx.seller(seller)?.name ?? seller,
    date: ctx.clock.nowIso(),
    source: 'seller',
    text,
  };
  ticket.doc.note = [...(ticket.doc.note ?? []), note];
  publishTicketEvent(ctx, seller, ticket, 'troubleTicketAttributeValueChangeEvent');
  return note;
}

/**
 * Applies one status transition from the shared table, records it in statusChange and raises the events the
 * standard ties to it. The caller stores the document.
 */
export function applyTicketStatus(
  ctx: SandboxContext,
  seller: string,
  ticket: StoredEntity<TroubleTicket>,
  to: TicketStatus,
  changeReason: string,
  by?: 'buyer' | 'seller',
): void {
  const from = ticket.doc.status;
  if (!canTicketMove(from, to, by)) {
    throw fail.unprocessable([problem('invalidValue', '/status', `A ticket cannot move from ${from} to ${to}`)]);
  }
  if (to === 'pending' || to === 'resolved') {
    // R135 / TT-G R63: pending comes with a Seller note saying what is needed; resolved with a resolution note.
    const last = ticket.doc.note?.at(-1);
    if (last?.source !== 'seller') {
      const what = to === 'pending' ? 'a Seller note saying what the Seller needs' : 'a resolution note';
      throw fail.unprocessable([problem('missingProperty', '/note', `A ticket moves to ${to} only with ${what}`)]);
    }
  }
  if (to === 'resolved') {
    const open = openWorkOrders(ctx, seller, ticket.doc);
    if (open.length > 0) {
      throw fail.unprocessable([
        problem('invalidValue', '/workOrder', `The ticket still has open work orders (${open.map((wo) => `${wo.id}: ${wo.state}`).join(', ')}); complete or cancel them first`),
      ]);
    }
  }
  const now = ctx.clock.nowIso();
  ticket.doc.status = to;
  ticket.doc.statusChange = [...(ticket.doc.statusChange ?? []), { changeDate: now, changeReason, status: to }];
  if (to === 'resolved') ticket.doc.resolutionDate = now;
  if (to === 'reopened' || to === 'inProgress') delete ticket.doc.resolutionDate;
  publishTicketEvent(ctx, seller, ticket, 'troubleTicketStatusChangeEvent');
  if (to === 'resolved') publishTicketEvent(ctx, seller, ticket, 'troubleTicketResolvedEvent');
  if (to === 'pending') {
    const needsAppointment = ticketWorkOrders(ctx, seller, ticket.doc).some((wo) => wo.appointmentRequired);
    if (!needsAppointment) publishTicketEvent(ctx, seller, ticket, 'troubleTicketInformationRequiredEvent');
  }
}

const SELLER_PATHS: Partial<Record<TicketStatus, Partial<Record<TicketStatus, TicketStatus[]>>>> = {
  acknowledged: { pending: ['inProgress', 'pending'], resolved: ['inProgress', 'resolved'] },
  reopened: { pending: ['inProgress', 'pending'], resolved: ['inProgress', 'resolved'] },
  pending: { resolved: ['inProgress', 'resolved'] },
};

/**
 * Moves the ticket along Seller transitions (through inProgress when needed); no-op if already there. For
 * pending, `changeReason` says what the Seller needs and is also added as a Seller note first (R135).
 */
export function driveTicketTo(
  ctx: SandboxContext,
  seller: string,
  ticket: StoredEntity<TroubleTicket>,
  target: TicketStatus,
  changeReason: string,
): boolean {
  if (ticket.doc.status === target) return false;
  const path = canTicketMove(ticket.doc.status, target, 'seller') ? [target] : SELLER_PATHS[ticket.doc.status]?.[target];
  if (!path) return false;
  if (target === 'pending') addSellerTicketNote(ctx, seller, ticket, changeReason);
  for (const step of path) applyTicketStatus(ctx, seller, ticket, step, changeReason, 'seller');
  return true;
}

/**
 * The Buyer has to act (answer, book an appointment): a Seller note says what is needed and the ticket goes to
 * pending; if it is pending already, the note is added all the same. False when the ticket cannot wait.
 */
export function awaitBuyer(ctx: SandboxContext, seller: string, ticket: StoredEntity<TroubleTicket>, whatIsNeeded: string): boolean {
  if (ticket.doc.status === 'pending') {
    addSellerTicketNote(ctx, seller, ticket, whatIsNeeded);
    return true;
  }
  return driveTicketTo(ctx, seller, ticket, 'pending', whatIsNeeded);
}

function requirePermission(operation: TicketBuyerOperation, status: TicketStatus): void {
  const permission = ticketOperationPermission(operation, status);
  if (!permission.allowed) throw fail.unprocessable([problem('invalidValue', '/status', permission.reason)]);
}

// --- creation ------------------------------------------------------------------------------------------------

function buyerItemProblems(
  list: ReadonlyArray<{ source?: string }> | undefined,
  field: string,
  skip: (index: number) => boolean = () => false,
): Problem422[] {
  const out: Problem422[] = [];
  (list ?? []).forEach((item, index) => {
    if (!skip(index) && item.source !== 'buyer') {
      out.push(problem('invalidValue', `/${field}/${index}/source`, `A ${field} added by the Buyer must have source buyer`));
    }
  });
  return out;
}

function attachmentContentProblems(list: readonly TicketAttachment[] | undefined, isNew: (index: number) => boolean): Problem422[] {
  const out: Problem422[] = [];
  (list ?? []).forEach((a, index) => {
    if (isNew(index) && !a.url && !(a.content && a.mimeType)) {
      out.push(problem('missingProperty', `/attachment/${index}/url`, 'An attachment needs a url, or content with a mimeType'));
    }
  });
  return out;
}

function relatedIssueProblems(ctx: SandboxContext, seller: string, list: readonly IssueRelationship[] | undefined, isNew: (i: number) => boolean): Problem422[] {
  const out: Problem422[] = [];
  (list ?? []).forEach((issue, index) => {
    if (!isNew(index)) return;
    const kind = issue['@referredType'] === 'TroubleTicket' ? 'troubleTicket' : issue['@referredType'] === 'Incident' ? 'incident' : undefined;
    if (kind && !ctx.store.get(seller, kind, issue.id)) {
      out.push(problem('referenceNotFound', `/relatedIssue/${index}/id`, `No ${issue['@referredType']} ${issue.id} at this Seller`));
    }
  });
  return out;
}

function noteIdProblems(notes: readonly TicketNote[] | undefined): Problem422[] {
  const seen = new Set<string>();
  const out: Problem422[] = [];
  (notes ?? []).forEach((n, index) => {
    if (seen.has(n.id)) out.push(problem('invalidValue', `/note/${index}/id`, `Note id ${n.id} is used twice`));
    seen.add(n.id);
  });
  return out;
}

function contactProblems(contacts: readonly TicketContact[], isBuyerItem: (index: number) => boolean): Problem422[] {
  const out: Problem422[] = [];
  if (!contacts.some((c) => c.role === 'reporterContact')) {
    out.push(problem('missingProperty', '/relatedContactInformation', 'A contact with role reporterContact is required'));
  }
  contacts.forEach((c, index) => {
    if (isBuyerItem(index) && SELLER_CONTACT_ROLES.includes(c.role)) {
      out.push(problem('invalidValue', `/relatedContactInformation/${index}/role`, `The Buyer cannot provide a ${c.role}`));
    }
  });
  return out;
}

export function productProblems(seller: SellerConfig, entities: TroubleTicketCreate['relatedEntity']): Problem422[] {
  const out: Problem422[] = [];
  entities.forEach((entity, index) => {
    const type = entity['@referredType'] ?? 'Product';
    if (type !== 'Product') {
      out.push(problem('invalidValue', `/relatedEntity/${index}/@referredType`, 'A ticket must relate to a Product'));
    } else if (!seller.products.some((p) => p.id === entity.id)) {
      out.push(problem('referenceNotFound', `/relatedEntity/${index}/id`, `Product ${entity.id} was not sold to this Buyer by ${seller.name}`));
    }
  });
  return out;
}

function sellerContact(seller: SellerConfig): TicketContact {
  return { ...seller.ticketContact, role: 'sellerTicketContact' };
}

export function createTicket(ctx: SandboxContext, seller: SellerConfig, body: TroubleTicketCreate, ids: PartyIds): TroubleTicket {
  const problems = [
    ...productProblems(seller, body.relatedEntity),
    ...contactProblems(body.relatedContactInformation, () => true),
    ...buyerItemProblems(body.note, 'note'),
    ...noteIdProblems(body.note),
    ...buyerItemProblems(body.attachment, 'attachment'),
    ...attachmentContentProblems(body.attachment, () => true),
    ...buyerItemProblems(body.relatedIssue, 'relatedIssue'),
    ...relatedIssueProblems(ctx, seller.slug, body.relatedIssue, () => true),
  ];
  if (problems.length) throw fail.unprocessable(problems);
  const id = newId();
  const now = ctx.clock.now();
  const ticket: TroubleTicket = {
    ...body,
    id,
    href: ticketHref(ctx, seller.slug, id),
    creationDate: now.toISOString(),
    status: 'acknowledged',
    sellerPriority: body.priority,
    sellerSeverity: body.severity,
    expectedResolutionDate: new Date(now.getTime() + RESOLUTION_HOURS[body.priority] * 3_600_000).toISOString(),
    relatedContactInformation: [...body.relatedContactInformation, sellerContact(seller)],
    statusChange: [{ changeDate: now.toISOString(), changeReason: 'Ticket received and acknowledged', status: 'acknowledged' }],
  };
  ctx.atomically(() => ctx.store.insert(seller.slug, 'troubleTicket', id, ticket, { ...ids }));
  return ticket;
}

// --- patch ---------------------------------------------------------------------------------------------------

function appendOnlyProblems<T>(field: 'note' | 'attachment', existing: readonly T[], next: readonly T[], key: (item: T) => string | undefined): {
  problems: Problem422[];
  isNew: (index: number) => boolean;
} {
  const problems: Problem422[] = [];
  const matched = new Set<number>();
  for (const old of existing) {
    const oldKey = key(old);
    const index = next.findIndex((item, i) => !matched.has(i) && (oldKey !== undefined ? key(item) === oldKey : isDeepStrictEqual(item, old)));
    if (index < 0) {
      problems.push(problem('invalidValue', `/${field}`, `An existing ${field}${oldKey ? ` (${oldKey})` : ''} was removed; ${field}s are append-only`));
      continue;
    }
    matched.add(index);
    if (!isDeepStrictEqual(next[index], old)) {
      problems.push(problem('invalidValue', `/${field}/${index}`, `An existing ${field} was changed; ${field}s are append-only`));
    }
  }
  return { problems, isNew: (index) => !matched.has(index) };
}

/** Seller-owned items (by predicate) must come back unchanged; Buyer items may be replaced. */
function sellerItemsKeptProblems<T>(field: string, existing: readonly T[], next: readonly T[], isSellers: (item: T) => boolean): {
  problems: Problem422[];
  isKept: (index: number) => boolean;
} {
  const problems: Problem422[] = [];
  const kept = new Set<number>();
  for (const old of existing.filter(isSellers)) {
    const index = next.findIndex((item, i) => !kept.has(i) && isDeepStrictEqual(item, old));
    if (index < 0) problems.push(problem('invalidValue', `/${field}`, `A Seller-provided ${field} item was removed or changed; the Buyer may not touch it`));
    else kept.add(index);
  }
  return { problems, isKept: (index) => kept.has(index) };
}

export function patchTicket(ctx: SandboxContext, seller: SellerConfig, id: string, body: TroubleTicketUpdate): TroubleTicket {
  return ctx.atomically(() => {
    const ticket = loadTicket(ctx, seller.slug, id);
    requirePermission('patch', ticket.doc.status);
    if (Object.keys(body).length === 0) {
      throw fail.unprocessable([problem('missingProperty', '', 'A patch must change at least one attribute')]);
    }
    const current = ticket.doc;
    const problems: Problem422[] = [];
    let newBuyerNote = false;
    if (body.note !== undefined) {
      const check = appendOnlyProblems('note', current.note ?? [], body.note, (n) => n.id);
      problems.push(...check.problems, ...buyerItemProblems(body.note, 'note', (i) => !check.isNew(i)), ...noteIdProblems(body.note));
      newBuyerNote = body.note.some((n, i) => check.isNew(i) && n.source === 'buyer');
    }
    if (body.attachment !== undefined) {
      const check = appendOnlyProblems('attachment', current.attachment ?? [], body.attachment, (a) => a.attachmentId);
      problems.push(
        ...check.problems,
        ...buyerItemProblems(body.attachment, 'attachment', (i) => !check.isNew(i)),
        ...attachmentContentProblems(body.attachment, check.isNew),
      );
    }
    if (body.relatedIssue !== undefined) {
      const check = sellerItemsKeptProblems('relatedIssue', current.relatedIssue ?? [], body.relatedIssue, (r) => r.source === 'seller');
      problems.push(
        ...check.problems,
        ...buyerItemProblems(body.relatedIssue, 'relatedIssue', check.isKept),
        ...relatedIssueProblems(ctx, seller.slug, body.relatedIssue, (i) => !check.isKept(i)),
      );
    }
    if (body.relatedContactInformation !== undefined) {
      const check = sellerItemsKeptProblems('relatedContactInformation', current.relatedContactInformation, body.relatedContactInformation, (c) =>
        SELLER_CONTACT_ROLES.includes(c.role),
      );
      problems.push(...check.problems, ...contactProblems(body.relatedContactInformation, (i) => !check.isKept(i)));
    }
    const needsNote = (['priority', 'severity', 'issueStartDate', 'relatedIssue'] as const).filter(
      (field) => body[field] !== undefined && !isDeepStrictEqual(body[field], current[field]),
    );
    if (needsNote.length > 0 && !newBuyerNote) {
      problems.push(problem('missingProperty', '/note', `Changing ${needsNote.join(', ')} requires a new Buyer note explaining why`));
    }
    if (problems.length) throw fail.unprocessable(problems);

    Object.assign(current, body);
    if (current.status === 'pending') applyTicketStatus(ctx, seller.slug, ticket, 'inProgress', 'Buyer updated the ticket', 'buyer');
    ctx.store.update(seller.slug, 'troubleTicket', id, current);
    return current;
  });
}

// --- cancel / close / reopen ---------------------------------------------------------------------------------

export const CANCELLATION_JOB = 'ticket.completeCancellation';
export const RESUME_JOB = 'ticket.resumeAfterReopen';

export function cancelTicket(ctx: SandboxContext, seller: SellerConfig, id: string): void {
  ctx.atomically(() => {
    const ticket = loadTicket(ctx, seller.slug, id);
    requirePermission('cancel', ticket.doc.status);
    applyTicketStatus(ctx, seller.slug, ticket, 'assessingCancellation', 'Buyer requested cancellation', 'buyer');
    ctx.store.update(seller.slug, 'troubleTicket', id, ticket.doc);
    ctx.clock.schedule(seller.slug, CANCELLATION_JOB, seller.delays.cancellationAssessmentMs, { ticketId: id });
  });
}

export function closeTicket(ctx: SandboxContext, seller: SellerConfig, id: string): void {
  ctx.atomically(() => {
    const ticket = loadTicket(ctx, seller.slug, id);
    requirePermission('close', ticket.doc.status);
    applyTicketStatus(ctx, seller.slug, ticket, 'closed', 'Buyer accepted the resolution', 'buyer');
    ctx.store.update(seller.slug, 'troubleTicket', id, ticket.doc);
  });
}

export function reopenTicket(ctx: SandboxContext, seller: SellerConfig, id: string, reason: string): void {
  ctx.atomically(() => {
    const ticket = loadTicket(ctx, seller.slug, id);
    requirePermission('reopen', ticket.doc.status);
    const note: TicketNote = { id: newId(), author: 'closureRejection', date: ctx.clock.nowIso(), source: 'buyer', text: reason };
    ticket.doc.note = [...(ticket.doc.note ?? []), note];
    applyTicketStatus(ctx, seller.slug, ticket, 'reopened', 'Buyer rejected the resolution', 'buyer');
    ctx.store.update(seller.slug, 'troubleTicket', id, ticket.doc);
    ctx.clock.schedule(seller.slug, RESUME_JOB, seller.delays.resumeAfterReopenMs, { ticketId: id });
  });
}

// --- list ----------------------------------------------------------------------------------------------------

type Query = Record<string, unknown>;

export function dateFilter(value: string | undefined, gt: unknown, lt: unknown): boolean {
  if (gt === undefined && lt === undefined) return true;
  if (value === undefined) return false;
  const t = Date.parse(value);
  if (typeof gt === 'string' && !(t > Date.parse(gt))) return false;
  if (typeof lt === 'string' && !(t < Date.parse(lt))) return false;
  return true;
}

export function relatedEntityFilter(entities: ReadonlyArray<{ id: string; '@referredType'?: string }>, q: Query): boolean {
  const id = q.relatedEntityId;
  const type = q.relatedEntityType;
  if (id === undefined && type === undefined) return true;
  const wantedType = typeof type === 'string' ? type : 'Product';
  return entities.some((e) => (id === undefined || e.id === id) && (e['@referredType'] ?? 'Product') === wantedType);
}

export function ticketMatches(t: TroubleTicket, q: Query): boolean {
  for (const field of ['externalId', 'priority', 'sellerPriority', 'severity', 'sellerSeverity', 'ticketType', 'status', 'observedImpact'] as const) {
    if (q[field] !== undefined && t[field] !== q[field]) return false;
  }
  return (
    relatedEntityFilter(t.relatedEntity, q) &&
    dateFilter(t.creationDate, q['creationDate.gt'], q['creationDate.lt']) &&
    dateFilter(t.expectedResolutionDate, q['expectedResolutionDate.gt'], q['expectedResolutionDate.lt']) &&
    dateFilter(t.resolutionDate, q['resolutionDate.gt'], q['resolutionDate.lt'])
  );
}

export function toTicketFind(t: TroubleTicket): TroubleTicketFind {
  const find: Partial<TroubleTicketFind> = {};
  const keys = [
    'id', 'externalId', 'description', 'relatedEntity', 'observedImpact', 'priority', 'sellerPriority', 'severity',
    'sellerSeverity', 'ticketType', 'status', 'creationDate', 'expectedResolutionDate', 'resolutionDate',
  ] as const;
  for (const key of keys) {
    if (t[key] !== undefined) (find as Record<string, unknown>)[key] = t[key];
  }
  return find as TroubleTicketFind;
}
