/**
 * Turns what the operator asked for (a patch intent) into a MEF merge-patch body against the Seller's latest
 * document: lists go whole, Seller items untouched, new Buyer notes and attachments appended (MEF 113 §9.5.1).
 * Computed at send time, so a note the Seller added in between is never dropped.
 */
import type { components } from '@/lib/sonata/generated/trouble-ticket';

type S = components['schemas'];
export type TroubleTicketDoc = S['TroubleTicket'];
export type TroubleTicketUpdateBody = S['TroubleTicket_Update'];
export type TicketNote = S['Note'];
export type TicketAttachment = S['AttachmentValue'];
export type TicketContact = S['RelatedContactInformation'];
export type TicketRelatedIssue = S['IssueRelationship'];

export const BUYER_TECHNICAL_CONTACT = 'buyerTechnicalContact';
export const REPORTER_CONTACT = 'reporterContact';

export interface PatchIntent {
  notes?: TicketNote[];
  attachments?: TicketAttachment[];
  severity?: S['TroubleTicketSeverityType'];
  priority?: S['TroubleTicketPriorityType'];
  issueStartDate?: string;
  /** The complete new list of the Buyer's related objects. */
  relatedIssues?: TicketRelatedIssue[];
  /** The complete new list of Buyer Technical Contacts. */
  buyerTechnicalContacts?: TicketContact[];
}

type Current = Pick<TroubleTicketDoc, 'note' | 'attachment' | 'relatedIssue' | 'relatedContactInformation' | 'severity' | 'priority' | 'issueStartDate'>;

const sameInstant = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b);

/** Which R42 attributes the intent really changes. */
export function changedNoteRequiredFields(current: Current, intent: PatchIntent): string[] {
  const out: string[] = [];
  if (intent.severity !== undefined && intent.severity !== current.severity) out.push('severity');
  if (intent.priority !== undefined && intent.priority !== current.priority) out.push('priority');
  if (intent.issueStartDate !== undefined && !sameInstant(intent.issueStartDate, current.issueStartDate)) out.push('issueStartDate');
  if (intent.relatedIssues !== undefined) {
    const buyers = (current.relatedIssue ?? []).filter((r) => r.source === 'buyer');
    const key = (r: TicketRelatedIssue) => `${r['@referredType']}|${r.id}|${r.relationshipType}|${r.description}`;
    const before = buyers.map(key).sort().join('\n');
    const after = intent.relatedIssues.map(key).sort().join('\n');
    if (before !== after) out.push('relatedIssue');
  }
  return out;
}

export function buyerTechnicalContacts(doc: Pick<TroubleTicketDoc, 'relatedContactInformation'>): TicketContact[] {
  return (doc.relatedContactInformation ?? []).filter((c) => c.role === BUYER_TECHNICAL_CONTACT);
}

/** True when the Seller's document already shows everything the intent asks for (a resend would change nothing). */
export function isPatchApplied(current: Current, intent: PatchIntent): boolean {
  const noteIds = new Set((current.note ?? []).map((n) => n.id));
  const attachmentIds = new Set((current.attachment ?? []).map((a) => a.attachmentId));
  if ((intent.notes ?? []).some((n) => !noteIds.has(n.id))) return false;
  if ((intent.attachments ?? []).some((a) => !attachmentIds.has(a.attachmentId))) return false;
  if (changedNoteRequiredFields(current, intent).length > 0) return false;
  if (intent.buyerTechnicalContacts !== undefined) {
    const key = (c: TicketContact) => `${c.name}|${c.emailAddress}|${c.number}|${c.numberExtension ?? ''}|${c.organization ?? ''}`;
    const before = buyerTechnicalContacts(current as TroubleTicketDoc).map(key).sort().join('\n');
    const after = intent.buyerTechnicalContacts.map(key).sort().join('\n');
    if (before !== after) return false;
  }
  return true;
}

/** The merge-patch body for `intent` against the Seller's `current` document. */
export function buildPatchBody(current: Current, intent: PatchIntent): TroubleTicketUpdateBody {
  const body: TroubleTicketUpdateBody = {};
  if (intent.notes?.length) {
    const existing = current.note ?? [];
    const ids = new Set(existing.map((n) => n.id));
    body.note = [...existing, ...intent.notes.filter((n) => !ids.has(n.id))];
  }
  if (intent.attachments?.length) {
    const existing = current.attachment ?? [];
    const ids = new Set(existing.map((a) => a.attachmentId));
    body.attachment = [...existing, ...intent.attachments.filter((a) => !ids.has(a.attachmentId))];
  }
  if (intent.severity !== undefined) body.severity = intent.severity;
  if (intent.priority !== undefined) body.priority = intent.priority;
  if (intent.issueStartDate !== undefined) body.issueStartDate = intent.issueStartDate;
  if (intent.relatedIssues !== undefined) {
    const sellers = (current.relatedIssue ?? []).filter((r) => r.source !== 'buyer');
    const buyersNow = (current.relatedIssue ?? []).filter((r) => r.source === 'buyer');
    // Keep an unchanged Buyer item exactly as the Seller echoes it (its creationDate included).
    const kept = intent.relatedIssues.map(
      (r) =>
        buyersNow.find(
          (b) => b['@referredType'] === r['@referredType'] && b.id === r.id && b.relationshipType === r.relationshipType && b.description === r.description,
        ) ?? r,
    );
    body.relatedIssue = [...sellers, ...kept];
  }
  if (intent.buyerTechnicalContacts !== undefined) {
    const others = (current.relatedContactInformation ?? []).filter((c) => c.role !== BUYER_TECHNICAL_CONTACT);
    body.relatedContactInformation = [...others, ...intent.buyerTechnicalContacts.map((c) => ({ ...c, role: BUYER_TECHNICAL_CONTACT }))];
  }
  return body;
}

const INTENT_KEYS: ReadonlySet<string> = new Set(['notes', 'attachments', 'severity', 'priority', 'issueStartDate', 'relatedIssues', 'buyerTechnicalContacts']);

/**
 * Why a queued patch intent must not go out: it names something the Buyer may not replace (the Reporter Contact, a
 * Seller contact, any attribute beyond MEF 113 O14), or its contact list carries a role other than Buyer Technical
 * Contact (R41, O14, R52). Empty when the intent is sendable.
 */
export function patchIntentProblems(intent: unknown): string[] {
  if (!intent || typeof intent !== 'object' || Array.isArray(intent)) return ['The change is not a patch'];
  const problems: string[] = [];
  for (const key of Object.keys(intent)) {
    if (!INTENT_KEYS.has(key)) problems.push(`${key} cannot be replaced by the Buyer (MEF 113 O14)`);
  }
  const contacts = (intent as PatchIntent).buyerTechnicalContacts;
  if (contacts !== undefined) {
    if (!Array.isArray(contacts)) problems.push('buyerTechnicalContacts must be a list');
    else if (contacts.some((c) => c?.role !== undefined && c.role !== BUYER_TECHNICAL_CONTACT)) {
      problems.push(`Only Buyer Technical Contacts can be replaced; the ${REPORTER_CONTACT} and the Seller's contacts stay as they are (MEF 113 R52)`);
    }
  }
  return problems;
}

/**
 * Contacts the body would drop, change or add outside the Buyer Technical Contacts, compared with the Seller's
 * current document. Empty when the body replaces only what the Buyer may replace.
 */
export function protectedContactChanges(current: Pick<TroubleTicketDoc, 'relatedContactInformation'>, body: TroubleTicketUpdateBody): string[] {
  if (body.relatedContactInformation === undefined) return [];
  const key = (c: TicketContact) =>
    JSON.stringify([c.role, c.name, c.number, c.numberExtension ?? null, c.emailAddress, c.organization ?? null, c.postalAddress ?? null]);
  const protectedBefore = (current.relatedContactInformation ?? []).filter((c) => c.role !== BUYER_TECHNICAL_CONTACT).map(key).sort();
  const protectedAfter = body.relatedContactInformation.filter((c) => c.role !== BUYER_TECHNICAL_CONTACT).map(key).sort();
  if (protectedBefore.join('\n') === protectedAfter.join('\n')) return [];
  const roles = new Set(
    [...protectedBefore.filter((k) => !protectedAfter.includes(k)), ...protectedAfter.filter((k) => !protectedBefore.includes(k))].map(
      (k) => (JSON.parse(k) as string[])[0],
    ),
  );
  return [...roles].map((role) => `The ${role} cannot be replaced by the Buyer (MEF 113 R41, R52)`);
}

/** Applies a patch body locally the way the Seller will (merge-patch), for showing a queued change. */
export function mergePatch<T extends object>(doc: T, body: TroubleTicketUpdateBody): T {
  const out = { ...doc } as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k] = v;
  return out as T;
}
