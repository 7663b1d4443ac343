/**
 * The revision of a ticket an operator works on: what the update form shows and changes (state, severity, priority,
 * dates, the Buyer's related objects and technical contacts, notes and attachments), as the Seller's latest document
 * has it with our queued patches applied. A form remembers the revision it was opened on; the patch action refuses a
 * change made against an older one, and the form shows the difference.
 */
import { buildPatchBody, mergePatch, type PatchIntent, type TroubleTicketDoc } from './ticket-patch';
import { TICKET_PRIORITY, TICKET_SEVERITY, TICKET_STATUS, labelOf, type MefLabel } from './mef-labels';

export interface RevisionNote {
  id: string;
  author: string;
  source: string;
  text: string;
}

export interface RevisionSnapshot {
  status: string | null;
  severity: string | null;
  priority: string | null;
  issueStartDate: string | null;
  expectedResolutionDate: string | null;
  relatedIssues: string[];
  technicalContacts: string[];
  notes: RevisionNote[];
  attachments: { id: string; name: string }[];
}

export interface TicketRevision {
  /** Short, stable fingerprint of the snapshot: what a form sends back as the revision it expects. */
  fingerprint: string;
  snapshot: RevisionSnapshot;
}

export const REVISION_PATTERN = /^[0-9a-z]{1,32}$/;

export const STALE_TICKET_MESSAGE = 'This ticket changed since you opened it. Nothing was sent: review the changes, then send again.';

const instant = (value: string | undefined | null): string | null => {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
};

type Doc = Partial<TroubleTicketDoc>;

/** The snapshot of `doc` with `pending` (our queued patches, oldest first) applied the way the Seller will. */
export function revisionSnapshot(doc: Doc, pending: readonly PatchIntent[] = []): RevisionSnapshot {
  let effective = doc;
  for (const intent of pending) effective = mergePatch(effective, buildPatchBody(effective as TroubleTicketDoc, intent));
  return {
    status: effective.status ?? null,
    severity: effective.severity ?? null,
    priority: effective.priority ?? null,
    issueStartDate: instant(effective.issueStartDate),
    expectedResolutionDate: instant(effective.expectedResolutionDate),
    relatedIssues: (effective.relatedIssue ?? [])
      .filter((r) => r.source === 'buyer')
      .map((r) => `${r['@referredType']} ${r.id} (${r.relationshipType}${r.description ? `: ${r.description}` : ''})`)
      .sort(),
    technicalContacts: (effective.relatedContactInformation ?? [])
      .filter((c) => c.role === 'buyerTechnicalContact')
      .map((c) => `${c.name} <${c.emailAddress}>`)
      .sort(),
    notes: (effective.note ?? []).map((n) => ({ id: n.id, author: n.author ?? '', source: n.source ?? '', text: n.text })),
    attachments: (effective.attachment ?? []).map((a) => ({ id: a.attachmentId ?? a.name, name: a.name })),
  };
}

/** cyrb53: a fast 53-bit string hash; the fingerprint tells revisions apart, it protects nothing. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function revisionOf(snapshot: RevisionSnapshot): TicketRevision {
  return { fingerprint: hash53(JSON.stringify(snapshot)), snapshot };
}

export interface FieldChange {
  field: keyof RevisionSnapshot;
  label: string;
  was: string;
  now: string;
}

export interface RevisionDifference {
  fields: FieldChange[];
  newNotes: RevisionNote[];
  newAttachments: string[];
}

const FIELD_LABELS: Array<[keyof RevisionSnapshot, string, Record<string, MefLabel> | null]> = [
  ['status', 'Status', TICKET_STATUS],
  ['severity', 'Severity', TICKET_SEVERITY],
  ['priority', 'Priority', TICKET_PRIORITY],
  ['issueStartDate', 'Issue Start Date', null],
  ['expectedResolutionDate', 'Expected Resolved Date', null],
];

const shown = (value: string | null, table: Record<string, MefLabel> | null): string => (value === null ? '—' : table ? labelOf(table, value) : value);
const list = (values: string[]): string => (values.length ? values.join(', ') : 'none');

/** What changed between the revision a form was opened on and the current one: field was → now, and what was added. */
export function revisionDifference(before: RevisionSnapshot, after: RevisionSnapshot): RevisionDifference {
  const fields: FieldChange[] = [];
  for (const [field, label, table] of FIELD_LABELS) {
    const was = before[field] as string | null;
    const now = after[field] as string | null;
    if (was !== now) fields.push({ field, label, was: shown(was, table), now: shown(now, table) });
  }
  if (before.relatedIssues.join('\n') !== after.relatedIssues.join('\n')) {
    fields.push({ field: 'relatedIssues', label: 'Our related objects', was: list(before.relatedIssues), now: list(after.relatedIssues) });
  }
  if (before.technicalContacts.join('\n') !== after.technicalContacts.join('\n')) {
    fields.push({ field: 'technicalContacts', label: 'Buyer Technical Contacts', was: list(before.technicalContacts), now: list(after.technicalContacts) });
  }
  const noteIds = new Set(before.notes.map((n) => n.id));
  const attachmentIds = new Set(before.attachments.map((a) => a.id));
  return {
    fields,
    newNotes: after.notes.filter((n) => !noteIds.has(n.id)),
    newAttachments: after.attachments.filter((a) => !attachmentIds.has(a.id)).map((a) => a.name),
  };
}

export function isEmptyDifference(d: RevisionDifference): boolean {
  return d.fields.length === 0 && d.newNotes.length === 0 && d.newAttachments.length === 0;
}
