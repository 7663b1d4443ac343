/**
 * Ticket templates and note snippets: their input rules (shared by the Settings form and the server actions), which
 * templates fit a Seller and product, and how a template fills the create form without overwriting the operator.
 * Pure: no database, no wire, no screen.
 */
import { z } from 'zod';
import { OBSERVED_IMPACTS, TICKET_PRIORITIES, TICKET_SEVERITIES, TICKET_TYPES } from './mef-labels';
import { contactSchema } from './ticket-forms';

// --- input rules ----------------------------------------------------------------------------------------------------

const trimmed = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .max(max, `At most ${max} characters`);

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => v ?? '');

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** An optional MEF value: '' or absent means the template leaves the field to the operator. */
const optionalMef = <const T extends string>(values: readonly T[], label: string) =>
  z.preprocess(emptyToUndefined, z.enum(values, { error: `Choose one of the MEF 113 ${label} values` }).optional());

/** A Buyer Technical Contact typed into a template (MEF 113 Table 27: name, phone and e-mail required). */
export const templateContactSchema = contactSchema
  .pick({ name: true, number: true, emailAddress: true, organization: true })
  .transform((c) => ({ name: c.name, number: c.number, emailAddress: c.emailAddress, organization: c.organization ?? '' }));
export type TemplateContactValue = z.output<typeof templateContactSchema>;

export const templateInputSchema = z
  .object({
    name: trimmed('template name', 80),
    /** Registry slug of the Seller the template is for; empty for every Seller. */
    seller: z.preprocess(emptyToUndefined, z.string().trim().max(40).optional()),
    /** The Seller's product identifier; empty for every product. */
    productId: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
    description: optionalText(2000),
    ticketType: optionalMef(TICKET_TYPES, 'Type'),
    severity: optionalMef(TICKET_SEVERITIES, 'Severity'),
    priority: optionalMef(TICKET_PRIORITIES, 'Priority'),
    observedImpact: optionalMef(OBSERVED_IMPACTS, 'Observed Impact'),
    note: optionalText(4000),
    contacts: z.array(templateContactSchema).max(20, 'At most 20 contacts').default([]),
  })
  .superRefine((t, ctx) => {
    if (t.productId && !t.seller) {
      ctx.addIssue({ code: 'custom', path: ['seller'], message: 'A product belongs to one Seller: choose the Seller too' });
    }
    const fills = t.description || t.ticketType || t.severity || t.priority || t.observedImpact || t.note || t.contacts.length;
    if (!fills) ctx.addIssue({ code: 'custom', path: ['_form'], message: 'A template needs at least one value to fill' });
  });
export type TemplateInput = z.output<typeof templateInputSchema>;

export const snippetInputSchema = z.object({
  name: trimmed('snippet name', 60),
  text: trimmed('snippet text', 2000),
});

export const recordRefSchema = z.object({ id: z.coerce.number({ error: 'Unknown entry' }).int().positive('Unknown entry') });

// --- which templates fit --------------------------------------------------------------------------------------------

export interface TemplateScope {
  /** Seller slug, or null for every Seller. */
  seller: string | null;
  /** Product identifier at that Seller, or null for every product. */
  productId: string | null;
}

/**
 * The templates to offer for the chosen Seller and product: unscoped ones always, a Seller's once that Seller is
 * chosen, a product's once that product is chosen. Most specific first, then by name.
 */
export function templatesFitting<T extends TemplateScope & { name: string }>(templates: readonly T[], seller: string, productId: string): T[] {
  const rank = (t: T) => (t.productId ? 2 : t.seller ? 1 : 0);
  return templates
    .filter((t) => (!t.seller || t.seller === seller) && (!t.productId || (t.seller === seller && t.productId === productId)))
    .sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name));
}

// --- filling the create form ----------------------------------------------------------------------------------------

export const TEMPLATE_FIELDS = ['description', 'ticketType', 'severity', 'priority', 'observedImpact', 'note', 'contacts'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** The create form's labels of the fields a template can fill. */
export const TEMPLATE_FIELD_LABELS: Record<TemplateField, string> = {
  description: 'Description',
  ticketType: 'Type',
  severity: 'Severity',
  priority: 'Priority',
  observedImpact: 'Observed Impact',
  note: 'Notes',
  contacts: 'Template contacts',
};

/** The fields of the create form a template can fill; '' (or no contacts) is an empty field. */
export interface TemplateValues {
  description: string;
  ticketType: string;
  severity: string;
  priority: string;
  observedImpact: string;
  note: string;
  contacts: TemplateContactValue[];
}

/** What the last chosen template put into the form, field by field. */
export type TemplateFill = Partial<TemplateValues>;

export const EMPTY_TEMPLATE_VALUES: TemplateValues = {
  description: '',
  ticketType: '',
  severity: '',
  priority: '',
  observedImpact: '',
  note: '',
  contacts: [],
};

function isEmpty(value: TemplateValues[TemplateField]): boolean {
  return Array.isArray(value) ? value.length === 0 : value.trim() === '';
}

function same(a: TemplateValues[TemplateField] | undefined, b: TemplateValues[TemplateField]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A field still holds exactly what the template put there: the operator has not changed it since. */
function ownedBy(fill: TemplateFill, form: TemplateValues, field: TemplateField): boolean {
  return field in fill && same(fill[field], form[field]);
}

export interface TemplateClearing {
  form: TemplateValues;
  /** Fields the template had filled that the operator changed since; they keep the operator's value. */
  kept: TemplateField[];
}

/** Takes back what a template filled, field by field, except where the operator has changed the value since. */
export function clearTemplate(form: TemplateValues, fill: TemplateFill): TemplateClearing {
  const next = { ...form };
  const kept: TemplateField[] = [];
  for (const field of TEMPLATE_FIELDS) {
    if (!(field in fill)) continue;
    if (ownedBy(fill, form, field)) (next as Record<TemplateField, unknown>)[field] = EMPTY_TEMPLATE_VALUES[field];
    else kept.push(field);
  }
  return { form: next, kept };
}

export interface TemplateApplication {
  form: TemplateValues;
  /** What this template put into the form (the undo record for the next choice or "clear template"). */
  fill: TemplateFill;
  /** Fields the template has a value for but the operator had already filled: left as the operator has them. */
  leftAlone: TemplateField[];
}

/**
 * Chooses `template` on the form. The previous template's fill is taken back first (where the operator has not
 * changed it); then each field the template has a value for is filled only when it is empty. A value the operator
 * typed or chose is never overwritten.
 */
export function applyTemplate(form: TemplateValues, previous: TemplateFill, template: TemplateValues): TemplateApplication {
  const { form: base } = clearTemplate(form, previous);
  const next = { ...base };
  const fill: TemplateFill = {};
  const leftAlone: TemplateField[] = [];
  for (const field of TEMPLATE_FIELDS) {
    const value = template[field];
    if (isEmpty(value)) continue;
    if (!isEmpty(base[field])) {
      if (!same(base[field], value)) leftAlone.push(field);
      continue;
    }
    (next as Record<TemplateField, unknown>)[field] = value;
    (fill as Record<TemplateField, unknown>)[field] = value;
  }
  return { form: next, fill, leftAlone };
}

// --- note snippets --------------------------------------------------------------------------------------------------

export interface SnippetInsertion {
  text: string;
  /** Where the caret goes: just after the inserted snippet. */
  caret: number;
}

/**
 * Puts `snippet` into the note at the caret (`at`, a position in `text`) or, without a caret, after what is there.
 * Nothing typed is removed, a selection included: the snippet goes after it. A space or line break keeps it apart
 * from the words around it.
 */
export function insertSnippet(text: string, snippet: string, at?: number | null): SnippetInsertion {
  if (text === '') return { text: snippet, caret: snippet.length };
  if (at === undefined || at === null || at >= text.length) {
    const joiner = /\s$/.test(text) ? '' : '\n';
    const next = `${text}${joiner}${snippet}`;
    return { text: next, caret: next.length };
  }
  const pos = Math.max(0, Math.floor(at));
  const before = text.slice(0, pos);
  const after = text.slice(pos);
  const lead = before === '' || /\s$/.test(before) ? '' : ' ';
  const trail = /^\s/.test(after) ? '' : ' ';
  const inserted = `${lead}${snippet}${trail}`;
  return { text: `${before}${inserted}${after}`, caret: pos + lead.length + snippet.length };
}
