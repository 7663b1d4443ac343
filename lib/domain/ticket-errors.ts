/**
 * Maps a Seller's MEF 422 items (propertyPath as dotted path, e.g. "relatedEntity.0.id") onto the fields of our
 * ticket forms, so the operator sees the Seller's reason under the field to fix.
 */
export type TicketFormKind = 'create' | 'patch';

const SAME = new Set(['description', 'severity', 'priority', 'observedImpact', 'ticketType', 'issueStartDate']);

export function formFieldForMefPath(path: string, form: TicketFormKind): string {
  const [head = '', index, leaf] = path.split('.');
  if (SAME.has(head)) return head;
  if (head === 'relatedEntity') return form === 'create' ? 'productId' : '_form';
  if (head === 'note') return 'note';
  if (head === 'attachment') return form === 'create' && index !== undefined ? `attachments.${index}.url` : 'attachments';
  if (head === 'relatedIssue') {
    if (form === 'create' && index !== undefined) return `relatedIssues.${index}.${leaf === 'id' ? 'id' : leaf === 'relationshipType' ? 'relationshipType' : 'description'}`;
    return 'relatedIssues';
  }
  if (head === 'relatedContactInformation') {
    if (form === 'create' && index === '0' && leaf) return `reporter.${leaf}`;
    return 'technicalContactIds';
  }
  return '_form';
}

/** Seller field errors (already keyed by dotted path) and form-level messages → our form's errors. */
export function mapSellerErrors(
  fieldErrors: Record<string, string[]>,
  formErrors: readonly string[],
  form: TicketFormKind,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const field = formFieldForMefPath(path, form);
    (out[field] ??= []).push(...messages.map((m) => (field === '_form' ? `${path}: ${m}` : m)));
  }
  if (formErrors.length) (out._form ??= []).push(...formErrors);
  return out;
}
