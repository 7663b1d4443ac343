/**
 * Linking a ticket to a Seller's incident: the ticket's Buyer relatedIssue list, resent whole (merge-patch replaces
 * lists), gains the incident. Shared by the single link and the bulk one.
 */
import type { TroubleTicketDoc as TroubleTicket } from './ticket-patch';
import { RELATED_OBJECT_TYPES, type RelatedIssueInput } from './ticket-forms';

type RelatedItem = NonNullable<TroubleTicket['relatedIssue']>[number];

function asInput(r: RelatedItem): RelatedIssueInput | null {
  if (!(RELATED_OBJECT_TYPES as readonly string[]).includes(r['@referredType'])) return null;
  if (!r.id || !r.relationshipType || !r.description) return null;
  return { referredType: r['@referredType'] as RelatedIssueInput['referredType'], id: r.id, relationshipType: r.relationshipType, description: r.description };
}

/**
 * The Buyer related issues to send with the incident added, or null when one of the existing ones cannot be resent
 * unchanged by this portal.
 */
export function relatedIssuesWithIncident(
  doc: Pick<TroubleTicket, 'relatedIssue'>,
  incident: { id: string; relationshipType: string; description: string },
): RelatedIssueInput[] | null {
  const kept = (doc.relatedIssue ?? []).filter((r) => r.source === 'buyer').map(asInput);
  if (kept.some((k) => k === null)) return null;
  return [...(kept as RelatedIssueInput[]), { referredType: 'Incident', ...incident }];
}
