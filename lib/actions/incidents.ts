'use server';

import { and, eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { incidents, sellers, tickets } from '@/db/schema';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { patchTicket, type TicketActionResult } from '@/lib/actions/tickets';
import { audit } from '@/lib/data/audit';
import { DEFAULT_INCIDENT_RELATIONSHIP, incidentPath, incidentReferences, isTicketOpen, openIncidentsForProduct, type OpenIncidentSummary } from '@/lib/data/incidents';
import { relatedIssuesWithIncident } from '@/lib/domain/incident-link';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { refreshAllIncidents, refreshOneIncident } from '@/lib/sync/incident-refresh';
import { coolingDownMessage, ITEM_COOLDOWN_MS, listCooldownMs, refreshGate } from '@/lib/sync/refresh-gate';

const slug = z.string().trim().min(1, 'Choose a Seller').max(40);
const resourceId = z.string().trim().min(1).max(200);

function refreshPages(...paths: string[]) {
  try {
    revalidatePath('/incidents');
    for (const p of paths) revalidatePath(p);
  } catch {
    // Outside a request there is no page cache to refresh.
  }
}

const refreshSchema = z.object({ seller: slug.optional() });

/** MEF 113 UC 13 on demand: every enabled Seller's incident list (or one Seller's); single-flight with a cooldown. */
export const refreshIncidents = authorizedAction('sellers.refresh', refreshSchema, async (input) => {
  const gated = await refreshGate().run(`incidents:${input.seller ?? '*'}:list`, listCooldownMs(), () =>
    refreshAllIncidents(input.seller ? { sellerSlug: input.seller } : {}),
  );
  if (!gated.ran) return { ok: false, status: 429, message: coolingDownMessage(gated.retryAfterSeconds) };
  const results = gated.result;
  refreshPages();
  const failed = results.filter((r) => r.error);
  const notOffered = results.filter((r) => !r.offered).map((r) => r.seller);
  const listed = results.reduce((n, r) => n + r.listed, 0);
  const fetched = results.reduce((n, r) => n + r.fetched, 0);
  const summary = `${listed} incident(s) listed, ${fetched} new or changed${notOffered.length ? `; not offered by ${notOffered.join(', ')}` : ''}.`;
  if (failed.length) {
    return { ok: false, status: 502, message: `${summary} ${failed.map((f) => `${f.seller}: ${f.error}`).join(' ')}`, data: { results } };
  }
  return { ok: true, message: summary, data: { results } };
});

const incidentRefSchema = z.object({ seller: slug, id: resourceId });

/** MEF 113 UC 14 on demand: one incident fetched again (single-flight). */
export const refreshIncident = authorizedAction('sellers.refresh', incidentRefSchema, async (input) => {
  const seller = (await getDb().select().from(sellers).where(eq(sellers.slug, input.seller)).limit(1))[0];
  if (!seller) return { ok: false, status: 404, message: 'No such Seller.' };
  const gated = await refreshGate().run(`incidents:${seller.slug}:${input.id}`, ITEM_COOLDOWN_MS, () => refreshOneIncident(seller, input.id));
  if (!gated.ran) return { ok: false, status: 429, message: coolingDownMessage(gated.retryAfterSeconds) };
  const outcome = gated.result;
  refreshPages(incidentPath(seller.slug, input.id));
  if (outcome.ok) return { ok: true, message: 'Refreshed from the Seller.' };
  return { ok: false, status: outcome.notFound ? 404 : outcome.notOffered ? 422 : 502, message: outcome.message };
});

const productRefSchema = z.object({ seller: slug, productId: resourceId });

/** For the ticket create form: open incidents at the Seller on the chosen product. */
export const findOpenIncidentsForProduct = authorizedAction(
  'incidents.view',
  productRefSchema,
  async (input): Promise<ActionState<OpenIncidentSummary[]>> => ({ ok: true, data: await openIncidentsForProduct(input.seller, input.productId) }),
);

const linkSchema = z.object({
  seller: slug,
  incidentId: resourceId,
  ticketId: z.coerce.number({ error: 'Choose one of our tickets' }).int().positive('Choose one of our tickets'),
  relationshipType: z
    .string()
    .trim()
    .max(100, 'At most 100 characters')
    .optional()
    .transform((v) => v || DEFAULT_INCIDENT_RELATIONSHIP),
  note: z.string({ error: 'Say why the ticket is linked (MEF 113 R42)' }).trim().min(1, 'Say why the ticket is linked (MEF 113 R42)').max(1000, 'At most 1000 characters'),
});
export type LinkIncidentInput = z.input<typeof linkSchema>;

/**
 * Ties one of our existing tickets to a Seller's incident: the ticket's Buyer relatedIssue list gains
 * {@referredType: Incident, id, relationshipType, description} with the required note, sent as a ticket patch
 * through the durable outbox (queued and retried when the Seller does not answer).
 */
export const linkIncidentToTicket = authorizedAction('incidents.link', linkSchema, async (input, user): Promise<ActionState<TicketActionResult>> => {
  const db = getDb();
  const seller = (await db.select().from(sellers).where(eq(sellers.slug, input.seller)).limit(1))[0];
  if (!seller) return { ok: false, status: 404, message: 'No such Seller.', errors: { seller: ['No such Seller'] } };
  const incident = (await db
    .select({ id: incidents.sellerResourceId })
    .from(incidents)
    .where(and(eq(incidents.sellerId, seller.id), eq(incidents.sellerResourceId, input.incidentId)))
    .limit(1))[0];
  if (!incident) return { ok: false, status: 404, message: `${seller.name} has not reported incident ${input.incidentId} to us.` };
  const ticket = (await db.select().from(tickets).where(eq(tickets.id, input.ticketId)).limit(1))[0];
  if (!ticket || ticket.sellerId !== seller.id) {
    return { ok: false, status: 422, message: `Choose one of our tickets at ${seller.name}.`, errors: { ticketId: [`Choose one of our tickets at ${seller.name}`] } };
  }
  if (!isTicketOpen(ticket.status)) {
    return { ok: false, status: 409, message: `Ticket ${ticket.externalId} is ${ticket.status}: it can no longer change.`, errors: { ticketId: ['This ticket is no longer open'] } };
  }
  const doc = ticket.document as unknown as TroubleTicket;
  if (incidentReferences(doc).some((r) => r.id === input.incidentId)) {
    return { ok: false, status: 409, message: `Ticket ${ticket.externalId} is already linked to this incident.`, errors: { ticketId: ['Already linked to this incident'] } };
  }
  const relatedIssues = relatedIssuesWithIncident(doc, { id: input.incidentId, relationshipType: input.relationshipType, description: input.note });
  if (!relatedIssues) {
    return { ok: false, status: 422, message: `Ticket ${ticket.externalId} has a related object this portal cannot resend unchanged; link it from the ticket page.` };
  }
  const state = await patchTicket({ ticketId: ticket.id, note: `Linked to ${seller.name} incident ${input.incidentId}: ${input.note}`, relatedIssues });
  if (state.ok || state.data?.delivery === 'queued') {
    await audit(user, 'incident.link', 'incident', `${seller.slug}/${input.incidentId}`, { ticket: ticket.externalId, relationshipType: input.relationshipType });
  }
  refreshPages(incidentPath(seller.slug, input.incidentId));
  return state;
});
