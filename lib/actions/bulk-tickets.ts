'use server';

import { randomUUID } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actorOfTx, recordAuditTx } from '@/db/audit-log';
import { transaction } from '@/db/transaction';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { can, whyNot } from '@/lib/auth/permissions';
import type { SessionUser } from '@/lib/auth/session';
import { bulkProgress, bulkTickets, cachedIncident, ticketIdsMatching, type BulkProgressItem, type BulkTicket } from '@/lib/data/bulk-tickets';
import { DEFAULT_INCIDENT_RELATIONSHIP, incidentReferences } from '@/lib/data/incidents';
import {
  BULK_ACTIONS,
  BULK_MAX_TICKETS,
  BULK_OPERATION,
  bulkSummary,
  planBulkAction,
  tooManyTicketsMessage,
  type BulkAction,
  type BulkPlan,
  type BulkSkip,
} from '@/lib/domain/bulk-actions';
import { relatedIssuesWithIncident } from '@/lib/domain/incident-link';
import type { PatchIntent, TroubleTicketDoc } from '@/lib/domain/ticket-patch';
import { enqueueTx, type OutboxPayload } from '@/lib/sync/outbox';
import { wakeOutboxWorker } from '@/lib/sync/outbox-worker';

const ticketIds = z
  .array(z.coerce.number({ error: 'Ticket ids are numbers' }).int().positive())
  .transform((ids) => [...new Set(ids)])
  .refine((ids) => ids.length <= BULK_MAX_TICKETS, { error: (issue) => tooManyTicketsMessage((issue.input as unknown[]).length) })
  .optional();

const selectionShape = {
  action: z.enum(BULK_ACTIONS, { error: 'Choose what to do with the tickets' }),
  /** `selected`: the ticket ids given; `filter`: every ticket the queue shows for `filter`, read when the action runs. */
  scope: z.enum(['selected', 'filter'], { error: 'Choose the selected tickets or all tickets matching the filter' }),
  ticketIds,
  filter: z.string().max(4000, 'The filter is too long').optional().default(''),
  incidentSeller: z.string().trim().max(40).optional(),
  incidentId: z.string().trim().max(200).optional(),
};

const requireIds = (value: { scope: string; ticketIds?: number[] }, ctx: z.RefinementCtx) => {
  if (value.scope === 'selected' && !value.ticketIds?.length) ctx.addIssue({ code: 'custom', path: ['ticketIds'], message: 'Select at least one ticket' });
};

const previewSchema = z.object(selectionShape).superRefine(requireIds);

const NOTE_MAX = 1000;
const runSchema = z
  .object({
    ...selectionShape,
    note: z.string().trim().max(NOTE_MAX, `At most ${NOTE_MAX} characters`).optional(),
    relationshipType: z.string().trim().max(100, 'At most 100 characters').optional(),
  })
  .superRefine((value, ctx) => {
    requireIds(value, ctx);
    if ((value.action === 'note' || value.action === 'link') && !value.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: value.action === 'note' ? 'Write the note to add' : 'Say why the tickets are linked (MEF 113 R42)' });
    }
    if (value.action === 'link') {
      if (!value.incidentSeller) ctx.addIssue({ code: 'custom', path: ['incidentSeller'], message: 'Choose the Seller of the incident' });
      if (!value.incidentId) ctx.addIssue({ code: 'custom', path: ['incidentId'], message: 'Enter the Seller’s incident id' });
    }
  });

export interface BulkPreview {
  summary: string;
  /** How many tickets the selection or filter resolved to. */
  total: number;
  targets: { ticketId: number; externalId: string; sellerName: string }[];
  skipped: BulkSkip[];
  bySeller: BulkPlan['bySeller'];
}

export interface BulkRunItem {
  ticketId: number;
  externalId: string;
  sellerName: string;
  outboxId: number;
}

export interface BulkRun extends BulkPreview {
  action: BulkAction;
  items: BulkRunItem[];
}

type Selection = z.infer<typeof previewSchema>;
type LinkTarget = { sellerSlug: string; sellerName: string; incidentId: string };

function refreshPages() {
  try {
    revalidatePath('/tickets');
  } catch {
    // Outside a request (scripts, tests) there is no page cache to refresh.
  }
}

const refuse = (status: 400 | 403 | 404 | 409 | 422, message: string, errors: Record<string, string[]> = { _form: [message] }): ActionState<never> => ({
  ok: false,
  status,
  message,
  errors,
});

/** The tickets the selection names now: the ids given, or the queue's filter resolved at this moment. */
async function resolveSelection(selection: Selection, user: SessionUser): Promise<BulkTicket[] | ActionState<never>> {
  let ids = selection.ticketIds ?? [];
  if (selection.scope === 'filter') {
    const matching = await ticketIdsMatching(selection.filter, user.id, BULK_MAX_TICKETS);
    if (matching.total > BULK_MAX_TICKETS) return refuse(422, tooManyTicketsMessage(matching.total));
    ids = matching.ids;
  }
  const found = await bulkTickets(ids);
  if (found.length === 0) return refuse(404, selection.scope === 'filter' ? 'No ticket matches this filter.' : 'None of the selected tickets exists.');
  return found;
}

function linkCheck(target: LinkTarget, incidentId: string) {
  return (candidate: BulkTicket) => {
    if (candidate.sellerSlug !== target.sellerSlug) return `The incident is at ${target.sellerName}; this ticket is at ${candidate.sellerName}.`;
    if (incidentReferences(candidate.document).some((r) => r.id === incidentId)) return 'Already linked to this incident.';
    if (!relatedIssuesWithIncident(candidate.document as TroubleTicketDoc, { id: incidentId, relationshipType: 'x', description: 'x' })) {
      return 'It has a related object this portal cannot resend unchanged; link it from the ticket page.';
    }
    return null;
  };
}

function plan(action: BulkAction, found: BulkTicket[], link?: LinkTarget): { plan: BulkPlan; preview: BulkPreview } {
  const result = planBulkAction(action, found, link ? (c) => linkCheck(link, link.incidentId)(c as BulkTicket) : undefined);
  return {
    plan: result,
    preview: {
      summary: bulkSummary(action, result),
      total: found.length,
      targets: result.targets.map((t) => ({ ticketId: t.ticketId, externalId: t.externalId, sellerName: t.sellerName })),
      skipped: result.skipped,
      bySeller: result.bySeller,
    },
  };
}

async function linkTarget(sellerSlug: string | undefined, incidentId: string | undefined): Promise<LinkTarget | ActionState<never>> {
  const incident = sellerSlug && incidentId ? await cachedIncident(sellerSlug, incidentId) : undefined;
  if (!incident) return refuse(404, 'This Seller has not reported that incident to us.', { incidentId: ['This Seller has not reported that incident to us'] });
  return { sellerSlug: incident.sellerSlug, sellerName: incident.sellerName, incidentId: incidentId! };
}

/** What the action would do now, for the confirmation: how many tickets at which Sellers, and which are skipped and why. */
export const previewBulkTicketAction = authorizedAction(
  'tickets.write',
  previewSchema,
  async (input, user): Promise<ActionState<BulkPreview>> => {
    if (input.action === 'link' && !can(user.role, 'incidents.link')) return refuse(403, whyNot(user.role, 'incidents.link')!);
    let link: LinkTarget | undefined;
    if (input.action === 'link') {
      const target = await linkTarget(input.incidentSeller, input.incidentId);
      if ('ok' in target) return target;
      link = target;
    }
    const found = await resolveSelection(input, user);
    if (!Array.isArray(found)) return found;
    const { preview } = plan(input.action, found, link);
    return { ok: true, message: preview.summary, data: preview };
  },
);

function payloadFor(action: BulkAction, user: SessionUser, note: string | undefined, link: LinkTarget | undefined, ticket: BulkTicket, relationshipType: string): OutboxPayload {
  const now = new Date().toISOString();
  if (action === 'accept' || action === 'cancel') return {};
  if (action === 'note') return { patch: { notes: [{ id: randomUUID(), author: user.name, date: now, source: 'buyer', text: note! }] } };
  const related = relatedIssuesWithIncident(ticket.document as TroubleTicketDoc, { id: link!.incidentId, relationshipType, description: note! })!;
  const intent: PatchIntent = {
    relatedIssues: related.map((r) => ({ '@referredType': r.referredType, id: r.id, relationshipType: r.relationshipType, description: r.description, creationDate: now, source: 'buyer' })),
    notes: [{ id: randomUUID(), author: user.name, date: now, source: 'buyer', text: `Linked to ${link!.sellerName} incident ${link!.incidentId}: ${note}` }],
  };
  return { patch: intent };
}

/**
 * Runs one action over many tickets: the selection is resolved again now, each ticket is checked against the state
 * table (and, for a link, the incident's Seller), and each allowed ticket gets its own outbox operation, queued in one
 * transaction. Delivery, retries and refusals then go ticket by ticket as for a single action; the answer carries the
 * outbox ids whose progress the screen follows.
 */
export const runBulkTicketAction = authorizedAction('tickets.write', runSchema, async (input, user): Promise<ActionState<BulkRun>> => {
  if (input.action === 'link' && !can(user.role, 'incidents.link')) return refuse(403, whyNot(user.role, 'incidents.link')!);
  let link: LinkTarget | undefined;
  if (input.action === 'link') {
    const target = await linkTarget(input.incidentSeller, input.incidentId);
    if ('ok' in target) return target;
    link = target;
  }
  const found = await resolveSelection(input, user);
  if (!Array.isArray(found)) return found;
  const { plan: result, preview } = plan(input.action, found, link);
  if (result.targets.length === 0) {
    return { ok: false, status: 409, message: preview.summary, errors: { _form: [preview.summary] }, data: { ...preview, action: input.action, items: [] } };
  }
  const relationshipType = input.relationshipType || DEFAULT_INCIDENT_RELATIONSHIP;
  const operation = BULK_OPERATION[input.action] as 'patch' | 'cancel' | 'close';
  const targets = result.targets as BulkTicket[];
  const items = await transaction(async (tx) => {
    const actor = await actorOfTx(tx, user.id);
    const items: BulkRunItem[] = [];
    for (const t of targets) {
      const item = await enqueueTx(tx, {
        sellerId: t.sellerId,
        ticketId: t.ticketId,
        operation,
        payload: payloadFor(input.action, user, input.note, link, t, relationshipType),
        userId: user.id,
      });
      await recordAuditTx(tx, {
        ...actor,
        action: `ticket.${operation}`,
        entityType: 'ticket',
        entityId: t.externalId,
        detail: { bulk: input.action, ...(link ? { incident: `${link.sellerSlug}/${link.incidentId}` } : {}) },
      });
      items.push({ ticketId: t.ticketId, externalId: t.externalId, sellerName: t.sellerName, outboxId: item.id });
    }
    return items;
  });
  wakeOutboxWorker();
  refreshPages();
  return { ok: true, message: `${preview.summary}. Queued; each ticket's progress shows below.`, data: { ...preview, action: input.action, items } };
});

const progressSchema = z.object({
  outboxIds: z.array(z.coerce.number().int().positive()).min(1, 'No operation to follow').max(BULK_MAX_TICKETS, `At most ${BULK_MAX_TICKETS} operations`),
});

/** Where each operation of one's own bulk run stands (queued, sending, done, refused with the Seller's reason). */
export const bulkTicketProgress = authorizedAction('tickets.write', progressSchema, async (input, user): Promise<ActionState<BulkProgressItem[]>> => ({
  ok: true,
  data: await bulkProgress(input.outboxIds, user.id),
}));
