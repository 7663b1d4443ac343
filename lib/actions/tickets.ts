'use server';

import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db';
import {
  outbox,
  sellers,
  workOrders,
  ticketAttachmentUploads,
  tickets,
  ticketViews,
  type OutboxOperation,
  type Ticket,
  type TicketAttachmentUpload,
} from '@/db/schema';
import { stagedUploadsOf, stagingPolicyFrom } from '@/db/attachment-uploads';
import { transaction, type Tx, write } from '@/db/transaction';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import type { SessionUser } from '@/lib/auth/session';
import { audit } from '@/lib/data/audit';
import { contactsByIds, type Contact } from '@/lib/data/contacts';
import { findProduct } from '@/lib/data/products';
import { getSellerById, getSellerBySlug } from '@/lib/sellers/registry';
import { getOwnView } from '@/lib/data/saved-views';
import { ticketRevision, ticketRevisionTx } from '@/lib/data/ticket-revision';
import { derivedWorkOrderColumns } from '@/lib/data/work-orders';
import { ticketPath } from '@/lib/data/tickets';
import { env } from '@/lib/env';
import { operationAvailability, type QueuedOperation } from '@/lib/domain/ticket-actions';
import { mapSellerErrors, type TicketFormKind } from '@/lib/domain/ticket-errors';
import { feedPosition } from '@/lib/sync/change-feed';
import { nextExternalIdTx } from '@/lib/sync/external-ids';
import {
  createTicketSchema,
  outboxItemRefSchema,
  patchTicketSchema,
  reopenTicketSchema,
  saveViewSchema,
  ticketRefSchema,
  viewRefSchema,
  workOrderTicketNoteSchema,
  type AttachmentInput,
  type RelatedIssueInput,
} from '@/lib/domain/ticket-forms';
import {
  BUYER_TECHNICAL_CONTACT,
  REPORTER_CONTACT,
  changedNoteRequiredFields,
  isPatchApplied,
  type PatchIntent,
  type TicketAttachment,
  type TicketContact,
  type TicketRelatedIssue,
  type TroubleTicketDoc,
} from '@/lib/domain/ticket-patch';
import { normaliseViewSearch } from '@/lib/domain/ticket-queue';
import { STALE_TICKET_MESSAGE, type TicketRevision } from '@/lib/domain/ticket-revision';
import type { TicketBuyerOperation } from '@/lib/domain/ticket-state-machine';
import type { TroubleTicketCreate } from '@/lib/sonata/schemas';
import {
  deliverTicket,
  discardRejectedTx,
  enqueueTx,
  makeDueNow,
  requeueCreateTx,
  type DeliveryReport,
  type OutboxPayload,
} from '@/lib/sync/outbox';
import { wakeOutboxWorker } from '@/lib/sync/outbox-worker';
import { refreshTicket } from '@/lib/sync/seller-refresh';
import { coolingDownMessage, ITEM_COOLDOWN_MS, refreshGate } from '@/lib/sync/refresh-gate';
import { SonataError, SonataHttpError } from '@/lib/sonata/errors';

/** What a ticket action tells its form. */
export interface TicketActionResult {
  ticketId: number;
  externalId: string;
  path: string;
  /** sent: the Seller answered; queued: it will be retried; rejected: refused, by the Seller or as stale (see errors). */
  delivery: 'sent' | 'queued' | 'rejected';
}

/** How long an action waits for the Seller before answering "queued — will be sent". */
const FAST_ANSWER_MS = 8_000;

function refreshPages(path?: string) {
  try {
    revalidatePath('/tickets');
    if (path) revalidatePath(path);
  } catch {
    // Outside a request (scripts, tests) there is no page cache to refresh.
  }
}

const invalid = (errors: Record<string, string[]>, message = 'Some fields need your attention.', status: 400 | 409 | 422 = 400): ActionState<never> => ({
  ok: false,
  status,
  message,
  errors,
});

async function deliverFast(ticketId: number): Promise<DeliveryReport[] | 'pending'> {
  wakeOutboxWorker();
  const delivery = deliverTicket(ticketId).catch((err: unknown) => [{ outcome: 'retry', error: err } as DeliveryReport]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), FAST_ANSWER_MS);
  });
  try {
    return await Promise.race([delivery, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function rowOf(ticketId: number): Promise<(Ticket & { sellerSlug: string }) | undefined> {
  const db = getDb();
  const ticket = (await db.select().from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  if (!ticket) return undefined;
  const seller = (await db.select({ slug: sellers.slug }).from(sellers).where(eq(sellers.id, ticket.sellerId)).limit(1))[0];
  return { ...ticket, sellerSlug: seller?.slug ?? '' };
}

/** Turns what happened to the queued operation `outboxId` into the form's answer. */
async function answer(
  ticketId: number,
  outboxId: number,
  reports: DeliveryReport[] | 'pending',
  form: TicketFormKind,
  sentMessage: string,
): Promise<ActionState<TicketActionResult>> {
  const row = await rowOf(ticketId);
  const data: TicketActionResult = {
    ticketId,
    externalId: row?.externalId ?? '',
    path: row ? ticketPath(row) : '/tickets',
    delivery: 'queued',
  };
  refreshPages(data.path);
  const mine = reports === 'pending' ? undefined : reports.find((r) => r.item?.id === outboxId);
  if (mine?.outcome === 'done') return { ok: true, message: sentMessage, data: { ...data, delivery: 'sent' } };
  if (mine?.outcome === 'rejected') {
    const detail = (mine.item?.lastErrorDetail ?? {}) as { fieldErrors?: Record<string, string[]>; formErrors?: string[] };
    const errors = mapSellerErrors(detail.fieldErrors ?? {}, detail.formErrors ?? [], form);
    return {
      ok: false,
      status: 422,
      message: mine.item?.lastError ?? 'The Seller refused the request.',
      errors,
      data: { ...data, delivery: 'rejected' },
    };
  }
  const reason = mine?.error instanceof SonataError ? ` (${mine.error.message})` : '';
  return {
    ok: true,
    message: `Queued — will be sent: the Seller has not answered yet${reason}. It is retried automatically.`,
    data,
  };
}

async function queuedOperations(ticketId: number): Promise<QueuedOperation[]> {
  const rows = await getDb()
    .select({ operation: outbox.operation })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.state, 'pending')))
    .orderBy(outbox.id);
  return rows.map((r) => r.operation);
}

async function checkOperation(ticket: Ticket, operation: TicketBuyerOperation): Promise<ActionState<never> | undefined> {
  const availability = operationAvailability(operation, ticket.status, await queuedOperations(ticket.id));
  if (!availability.allowed) return invalid({ _form: [availability.reason] }, availability.reason, 409);
  return undefined;
}

// --- attachments ------------------------------------------------------------------------------------------------

async function stagedUploads(user: SessionUser, inputs: readonly AttachmentInput[]): Promise<Map<string, TicketAttachmentUpload>> {
  const ids = inputs.map((a) => a.uploadId).filter((id): id is string => !!id);
  const rows = await stagedUploadsOf(user.id, ids, stagingPolicyFrom(env()));
  return new Map(rows.map((r) => [r.id, r]));
}

function attachmentErrors(inputs: readonly AttachmentInput[], uploads: Map<string, TicketAttachmentUpload>): Record<string, string[]> {
  const max = env().ATTACHMENT_MAX_BYTES;
  const errors: Record<string, string[]> = {};
  inputs.forEach((a, i) => {
    if (!a.uploadId) return;
    const upload = uploads.get(a.uploadId);
    if (!upload) errors[`attachments.${i}.url`] = ['This file upload is no longer available; attach the file again'];
    else if (upload.size > max) errors[`attachments.${i}.url`] = [`The file is larger than the limit of ${max} bytes`];
  });
  return errors;
}

function toAttachments(user: SessionUser, inputs: readonly AttachmentInput[], uploads: Map<string, TicketAttachmentUpload>, now: string): TicketAttachment[] {
  return inputs.map((a) => {
    const upload = a.uploadId ? uploads.get(a.uploadId) : undefined;
    const base: TicketAttachment = {
      attachmentId: randomUUID(),
      author: user.name,
      creationDate: now,
      name: a.name,
      source: 'buyer',
      ...(a.description ? { description: a.description } : {}),
    };
    if (upload) {
      return { ...base, content: upload.content.toString('base64'), mimeType: upload.mimeType, size: { amount: upload.size, units: 'BYTES' } };
    }
    return { ...base, url: a.url! };
  });
}

function toRelatedIssues(inputs: readonly RelatedIssueInput[], now: string): TicketRelatedIssue[] {
  return inputs.map((r) => ({
    '@referredType': r.referredType,
    id: r.id,
    relationshipType: r.relationshipType,
    description: r.description,
    creationDate: now,
    source: 'buyer',
  }));
}

function toContact(c: Pick<Contact, 'name' | 'number' | 'numberExtension' | 'emailAddress' | 'organization'>, role: string): TicketContact {
  return {
    name: c.name,
    number: c.number,
    emailAddress: c.emailAddress,
    role,
    ...(c.numberExtension ? { numberExtension: c.numberExtension } : {}),
    ...(c.organization ? { organization: c.organization } : {}),
  };
}

async function dropUploadsTx(tx: Tx, user: SessionUser, uploads: Map<string, TicketAttachmentUpload>): Promise<void> {
  const ids = [...uploads.keys()];
  if (ids.length) await tx.delete(ticketAttachmentUploads).where(and(eq(ticketAttachmentUploads.userId, user.id), inArray(ticketAttachmentUploads.id, ids)));
}

// --- UC1 create ---------------------------------------------------------------------------------------------------

export const createTicket = authorizedAction('tickets.write', createTicketSchema, async (input, user) => {
  const errors: Record<string, string[]> = {};
  const seller = await getSellerBySlug(input.seller);
  if (!seller) return invalid({ seller: ['Choose one of the configured Sellers'] });
  if (!seller.enabled) return invalid({ seller: [`${seller.name} is disabled in Settings`] });
  const product = await findProduct(seller.slug, input.productId);
  if (!product) errors.productId = [`Choose one of our products at ${seller.name}`];
  const technical = await contactsByIds(input.technicalContactIds);
  if (technical.length !== new Set(input.technicalContactIds).size) errors.technicalContactIds = ['A chosen contact is no longer in the contact book'];
  const uploads = await stagedUploads(user, input.attachments);
  Object.assign(errors, attachmentErrors(input.attachments, uploads));

  let draft: Ticket | undefined;
  let draftOutboxId: number | undefined;
  if (input.draftTicketId) {
    draft = (await getDb().select().from(tickets).where(eq(tickets.id, input.draftTicketId)).limit(1))[0];
    const rejectedCreate = draft
      ? (await getDb()
          .select()
          .from(outbox)
          .where(and(eq(outbox.ticketId, draft.id), eq(outbox.operation, 'create'), eq(outbox.state, 'rejected')))
          .limit(1))[0]
      : undefined;
    if (!draft || draft.sellerTicketId || !rejectedCreate) {
      errors._form = ['This draft was already accepted by the Seller or no longer exists'];
    } else if (draft.sellerId !== seller.id) {
      errors.seller = ['A draft stays with the Seller it was written for'];
    } else {
      draftOutboxId = rejectedCreate.id;
    }
  }
  if (Object.keys(errors).length) return invalid(errors);

  const now = new Date();
  const nowIso = now.toISOString();
  const buildBody = (externalId: string): TroubleTicketCreate => ({
    externalId,
    description: input.description,
    severity: input.severity,
    priority: input.priority,
    observedImpact: input.observedImpact,
    ticketType: input.ticketType,
    ...(input.issueStartDate ? { issueStartDate: input.issueStartDate } : {}),
    relatedEntity: [{ '@referredType': 'Product', id: input.productId, role: 'impactedProduct' }],
    relatedContactInformation: [
      toContact({ ...input.reporter, numberExtension: input.reporter.numberExtension ?? null, organization: input.reporter.organization ?? null }, REPORTER_CONTACT),
      ...technical.map((c) => toContact(c, BUYER_TECHNICAL_CONTACT)),
      ...input.technicalContacts
        .filter((c) => !technical.some((t) => t.emailAddress === c.emailAddress && t.name === c.name))
        .map((c) => toContact({ ...c, numberExtension: c.numberExtension ?? null, organization: c.organization ?? null }, BUYER_TECHNICAL_CONTACT)),
    ],
    ...(input.note ? { note: [{ id: randomUUID(), author: user.name, date: nowIso, source: 'buyer' as const, text: input.note }] } : {}),
    ...(input.attachments.length ? { attachment: toAttachments(user, input.attachments, uploads, nowIso) } : {}),
    ...(input.relatedIssues.length ? { relatedIssue: toRelatedIssues(input.relatedIssues, nowIso) } : {}),
  });

  const { ticketId, outboxId, externalId } = await transaction(async (tx) => {
    const columns = (body: TroubleTicketCreate) => ({
      productId: input.productId,
      description: body.description,
      severity: body.severity,
      priority: body.priority,
      ticketType: body.ticketType,
      observedImpact: body.observedImpact,
      issueStartDate: body.issueStartDate ?? null,
      document: body as unknown as Record<string, unknown>,
      documentHash: '',
      updatedAt: nowIso,
    });
    await dropUploadsTx(tx, user, uploads);
    if (draft && draftOutboxId) {
      const body = buildBody(draft.externalId);
      await tx.update(tickets).set(columns(body)).where(eq(tickets.id, draft.id));
      await requeueCreateTx(tx, draftOutboxId, body);
      await tx.update(tickets).set({ syncState: 'queued', syncError: null }).where(eq(tickets.id, draft.id));
      return { ticketId: draft.id, outboxId: draftOutboxId, externalId: draft.externalId };
    }
    const id = await nextExternalIdTx(tx, now);
    const body = buildBody(id);
    const row = (await tx
      .insert(tickets)
      .values({ sellerId: seller.id, sellerTicketId: null, externalId: id, status: null, syncState: 'queued', createdByUserId: user.id, ...columns(body) })
      .returning({ id: tickets.id }))[0]!;
    const item = await enqueueTx(tx, { sellerId: seller.id, ticketId: row.id, operation: 'create', payload: { create: body }, userId: user.id });
    return { ticketId: row.id, outboxId: item.id, externalId: id };
  });
  await audit(user, draft ? 'ticket.resend' : 'ticket.create', 'ticket', externalId, { seller: seller.slug, productId: input.productId });

  const reports = await deliverFast(ticketId);
  return answer(ticketId, outboxId, reports, 'create', `Ticket ${externalId} created at ${seller.name}.`);
});

// --- UC4 patch ------------------------------------------------------------------------------------------------------

/**
 * What the patch form learns: the delivery, and the ticket's revision with this update in it (the form's new base).
 * `stale`: the ticket changed since the revision the form sent, nothing was queued, and `revision` is the current one.
 */
export interface PatchTicketResult extends TicketActionResult {
  revision?: TicketRevision;
  /** The change-feed position `revision` is as new as: a page rendered from an older position shows an older one. */
  revisionSeq?: number;
  stale?: boolean;
}

async function staleAnswer(ticket: Ticket, revision: TicketRevision): Promise<ActionState<PatchTicketResult>> {
  const revisionSeq = await feedPosition();
  return {
    ok: false,
    status: 409,
    message: STALE_TICKET_MESSAGE,
    errors: { expectedRevision: ['The ticket changed since you opened it (see the changes above)'] },
    data: { ticketId: ticket.id, externalId: ticket.externalId, path: '', delivery: 'rejected', stale: true, revision, revisionSeq },
  };
}

class StaleRevision extends Error {
  constructor(readonly revision: TicketRevision) {
    super('stale ticket revision');
  }
}

export const patchTicket = authorizedAction('tickets.write', patchTicketSchema, async (input, user): Promise<ActionState<PatchTicketResult>> => {
  const ticket = (await getDb().select().from(tickets).where(eq(tickets.id, input.ticketId)).limit(1))[0];
  if (!ticket) return invalid({ _form: ['This ticket does not exist'] }, 'This ticket does not exist', 422);
  if (input.expectedRevision) {
    const revision = await ticketRevision(ticket.id);
    if (revision && revision.fingerprint !== input.expectedRevision) return staleAnswer(ticket, revision);
  }
  const refused = await checkOperation(ticket, 'patch');
  if (refused) return refused;

  const current = ticket.document as unknown as TroubleTicketDoc;
  const now = new Date().toISOString();
  const uploads = await stagedUploads(user, input.attachments);
  const errors: Record<string, string[]> = attachmentErrors(input.attachments, uploads);
  const intent: PatchIntent = {};
  if (input.severity && input.severity !== current.severity) intent.severity = input.severity;
  if (input.priority && input.priority !== current.priority) intent.priority = input.priority;
  if (input.issueStartDate && (!current.issueStartDate || Date.parse(current.issueStartDate) !== Date.parse(input.issueStartDate))) {
    intent.issueStartDate = input.issueStartDate;
  }
  if (input.relatedIssues) intent.relatedIssues = toRelatedIssues(input.relatedIssues, now);
  if (input.technicalContactIds) {
    const chosen = await contactsByIds(input.technicalContactIds);
    if (chosen.length !== new Set(input.technicalContactIds).size) errors.technicalContactIds = ['A chosen contact is no longer in the contact book'];
    intent.buyerTechnicalContacts = chosen.map((c) => toContact(c, BUYER_TECHNICAL_CONTACT));
  }
  // Lists that would not change are left out, so they neither need a note nor travel.
  if (intent.relatedIssues && !changedNoteRequiredFields(current, { relatedIssues: intent.relatedIssues }).length) delete intent.relatedIssues;
  if (intent.buyerTechnicalContacts && isPatchApplied({ ...current, note: current.note ?? [] }, { buyerTechnicalContacts: intent.buyerTechnicalContacts })) {
    delete intent.buyerTechnicalContacts;
  }
  const needNote = changedNoteRequiredFields(current, intent);
  if (needNote.length && !input.note) {
    errors.note = [`Add a note explaining the change of ${needNote.join(', ')} (MEF 113 R42)`];
  }
  if (input.note) intent.notes = [{ id: randomUUID(), author: user.name, date: now, source: 'buyer', text: input.note }];
  if (input.attachments.length) intent.attachments = toAttachments(user, input.attachments, uploads, now);
  if (Object.keys(errors).length) return invalid(errors);
  if (Object.keys(intent).length === 0) {
    return invalid({ _form: ['Nothing to send: add a note or an attachment, or change an attribute (MEF 113 R41)'] });
  }

  let queued: { outboxId: number; revision: TicketRevision | undefined };
  try {
    queued = await transaction(async (tx) => {
      // Checked again where the update is queued: another update in between makes this one stale too.
      if (input.expectedRevision) {
        const now = await ticketRevisionTx(tx, ticket.id);
        if (now && now.fingerprint !== input.expectedRevision) throw new StaleRevision(now);
      }
      await dropUploadsTx(tx, user, uploads);
      const outboxId = (await enqueueTx(tx, { sellerId: ticket.sellerId, ticketId: ticket.id, operation: 'patch', payload: { patch: intent }, userId: user.id })).id;
      return { outboxId, revision: await ticketRevisionTx(tx, ticket.id) };
    });
  } catch (err) {
    if (err instanceof StaleRevision) return staleAnswer(ticket, err.revision);
    throw err;
  }
  await audit(user, 'ticket.patch', 'ticket', ticket.externalId, { fields: Object.keys(intent) });
  const revisionSeq = await feedPosition();
  const reports = await deliverFast(ticket.id);
  const result: ActionState<PatchTicketResult> = await answer(ticket.id, queued.outboxId, reports, 'patch', `Ticket ${ticket.externalId} updated.`);
  return result.data && queued.revision ? { ...result, data: { ...result.data, revision: queued.revision, revisionSeq } } : result;
});

/**
 * A note and photos from the field, on the ticket a work order serves: all that a field coordinator may change on a
 * ticket. The ticket is found from the work order, never named by the form.
 */
export const addWorkOrderTicketNote = authorizedAction('workOrders.ticketNote', workOrderTicketNoteSchema, async (input, user) => {
  const db = getDb();
  const found = (await db
    .select({ row: workOrders })
    .from(workOrders)
    .innerJoin(sellers, eq(workOrders.sellerId, sellers.id))
    .where(and(eq(sellers.slug, input.seller), eq(workOrders.sellerResourceId, input.workOrderId)))
    .limit(1))[0];
  if (!found) return invalid({ _form: ['This work order does not exist'] }, 'This work order does not exist', 422);
  const sellerTicketId = derivedWorkOrderColumns(found.row).ticketId;
  const ticket = sellerTicketId
    ? (await db.select().from(tickets).where(and(eq(tickets.sellerId, found.row.sellerId), eq(tickets.sellerTicketId, sellerTicketId))).limit(1))[0]
    : undefined;
  if (!ticket) {
    const why = sellerTicketId
      ? `Ticket ${sellerTicketId} of this work order is not in the portal yet; refresh the work order from the Seller`
      : 'This work order names no ticket';
    return invalid({ _form: [why] }, why, 422);
  }
  const refused = await checkOperation(ticket, 'patch');
  if (refused) return refused;

  const now = new Date().toISOString();
  const uploads = await stagedUploads(user, input.attachments);
  const errors = attachmentErrors(input.attachments, uploads);
  if (Object.keys(errors).length) return invalid(errors);
  const intent: PatchIntent = {};
  if (input.note) intent.notes = [{ id: randomUUID(), author: user.name, date: now, source: 'buyer', text: input.note }];
  if (input.attachments.length) intent.attachments = toAttachments(user, input.attachments, uploads, now);

  const outboxId = await transaction(async (tx) => {
    await dropUploadsTx(tx, user, uploads);
    return (await enqueueTx(tx, { sellerId: ticket.sellerId, ticketId: ticket.id, operation: 'patch', payload: { patch: intent }, userId: user.id })).id;
  });
  await audit(user, 'ticket.patch', 'ticket', ticket.externalId, { fields: Object.keys(intent), workOrder: input.workOrderId });
  const reports = await deliverFast(ticket.id);
  const result = await answer(ticket.id, outboxId, reports, 'patch', `Added to ticket ${ticket.externalId}.`);
  try {
    revalidatePath(`/work-orders/${input.seller}/${input.workOrderId}`);
  } catch {
    // Outside a request there is no page cache to refresh.
  }
  return result;
});

// --- UC5 cancel, UC6 close / reopen -----------------------------------------------------------------------------------

async function simpleOperation(
  user: SessionUser,
  ticketId: number,
  operation: Extract<OutboxOperation, 'cancel' | 'close' | 'reopen'>,
  payload: OutboxPayload,
  sentMessage: (externalId: string) => string,
  alsoNote?: string,
): Promise<ActionState<TicketActionResult>> {
  const ticket = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  if (!ticket) return invalid({ _form: ['This ticket does not exist'] }, 'This ticket does not exist', 422);
  const refused = await checkOperation(ticket, operation);
  if (refused) return refused;
  const outboxId = await transaction(async (tx) => {
    const item = await enqueueTx(tx, { sellerId: ticket.sellerId, ticketId: ticket.id, operation, payload, userId: user.id });
    if (alsoNote) {
      const note = { id: randomUUID(), author: user.name, date: new Date().toISOString(), source: 'buyer' as const, text: alsoNote };
      await enqueueTx(tx, { sellerId: ticket.sellerId, ticketId: ticket.id, operation: 'patch', payload: { patch: { notes: [note] } }, userId: user.id });
    }
    return item.id;
  });
  await audit(user, `ticket.${operation}`, 'ticket', ticket.externalId, 'reopen' in payload ? { reason: (payload as { reopen: { reason: string } }).reopen.reason } : undefined);
  const reports = await deliverFast(ticket.id);
  return answer(ticket.id, outboxId, reports, 'patch', sentMessage(ticket.externalId));
}

export const cancelTicket = authorizedAction('tickets.write', ticketRefSchema, async (input, user) =>
  simpleOperation(user, input.ticketId, 'cancel', {}, (id) => `Cancellation of ${id} requested; the Seller is assessing it.`),
);

export const closeTicket = authorizedAction('tickets.write', ticketRefSchema, async (input, user) =>
  simpleOperation(user, input.ticketId, 'close', {}, (id) => `Resolution of ${id} accepted; the ticket is closed.`),
);

export const reopenTicket = authorizedAction('tickets.write', reopenTicketSchema, async (input, user) =>
  simpleOperation(
    user,
    input.ticketId,
    'reopen',
    { reopen: { reason: input.reason } },
    (id) => `Resolution of ${id} rejected; the ticket is reopened.`,
    input.alsoAsNote ? `Resolution rejected: ${input.reason}` : undefined,
  ),
);

// --- delivery controls ----------------------------------------------------------------------------------------------

/** MEF 113 UC 3 on demand, for roles that act: single-flight per ticket. */
export const refreshTicketFromSeller = authorizedAction('sellers.refresh', ticketRefSchema, async (input) => {
  const ticket = (await getDb().select().from(tickets).where(eq(tickets.id, input.ticketId)).limit(1))[0];
  if (!ticket) return invalid({ _form: ['This ticket does not exist'] }, 'This ticket does not exist', 422);
  const sellerTicketId = ticket.sellerTicketId;
  if (!sellerTicketId) return { ok: false, status: 409, message: 'The Seller has not acknowledged this ticket yet: nothing to refresh.' };
  const gated = await refreshGate().run(`ticket:${ticket.id}`, ITEM_COOLDOWN_MS, async (): Promise<ActionState<{ outcome: string }>> => {
    try {
      const seller = await getSellerById(ticket.sellerId);
      if (!seller) return { ok: false, status: 409, message: 'This Seller is no longer configured.' };
      const result = await refreshTicket(seller, sellerTicketId);
      refreshPages();
      return { ok: true, message: result.outcome === 'stale' ? 'Already up to date.' : 'Refreshed from the Seller.', data: { outcome: result.outcome } };
    } catch (err) {
      const status = err instanceof SonataHttpError && err.status < 500 ? 422 : 502;
      return { ok: false, status, message: `The Seller could not be read: ${err instanceof Error ? err.message : String(err)}` };
    }
  });
  if (!gated.ran) return { ok: false, status: 429, message: coolingDownMessage(gated.retryAfterSeconds) };
  return gated.result;
});

export const sendTicketNow = authorizedAction('tickets.write', ticketRefSchema, async (input, user) => {
  const ticket = (await getDb().select().from(tickets).where(eq(tickets.id, input.ticketId)).limit(1))[0];
  if (!ticket) return invalid({ _form: ['This ticket does not exist'] }, 'This ticket does not exist', 422);
  await makeDueNow(ticket.id);
  await audit(user, 'ticket.send-now', 'ticket', ticket.externalId);
  const reports = await deliverFast(ticket.id);
  refreshPages();
  const last = reports === 'pending' ? undefined : reports[reports.length - 1];
  if (!last || last.outcome === 'retry' || last.outcome === 'blocked') return { ok: true, message: 'Still queued — will be sent when the Seller answers.' };
  if (last.outcome === 'rejected') return { ok: false, status: 422, message: last.item?.lastError ?? 'The Seller refused the request.' };
  return { ok: true, message: 'Sent to the Seller.' };
});

export const discardRejectedOperation = authorizedAction('tickets.write', outboxItemRefSchema, async (input, user) => {
  const item = await transaction(async (tx) => await discardRejectedTx(tx, input.outboxId));
  if (!item) return { ok: false, status: 404, message: 'There is no refused operation to discard.' };
  await audit(user, 'ticket.discard-operation', 'outbox', item.id, { operation: item.operation, ticketId: item.ticketId, lastError: item.lastError });
  refreshPages();
  return { ok: true, message: 'The refused operation was discarded.' };
});

// --- saved views ----------------------------------------------------------------------------------------------------

export const saveTicketView = authorizedAction('tickets.view', saveViewSchema, async (input, user) => {
  const search = normaliseViewSearch(input.search);
  const db = getDb();
  const existing = (await db.select().from(ticketViews).where(and(eq(ticketViews.userId, user.id), eq(ticketViews.name, input.name))).limit(1))[0];
  if (existing) {
    await write(() => db.update(ticketViews).set({ search, updatedAt: new Date().toISOString() }).where(eq(ticketViews.id, existing.id)), db);
  } else {
    await write(() => db.insert(ticketViews).values({ userId: user.id, name: input.name, search }), db);
  }
  refreshPages();
  return { ok: true, message: `View "${input.name}" saved.`, data: { search } };
});

export const deleteTicketView = authorizedAction('tickets.view', viewRefSchema, async (input, user) => {
  const view = await getOwnView(user.id, input.viewId);
  if (!view) return { ok: false, status: 404, message: 'No such view.' };
  await write(() => getDb().delete(ticketViews).where(eq(ticketViews.id, view.id)));
  refreshPages();
  return { ok: true, message: `View "${view.name}" deleted.` };
});
