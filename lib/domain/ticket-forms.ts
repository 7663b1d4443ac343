/**
 * The ticket forms' input rules (MEF 113 §9.2.1, §9.5.1, §9.7.1), shared by the browser (early feedback) and the
 * server actions (the real check). Field names follow the MEF attributes; messages name the MEF 113 attribute.
 */
import { z } from 'zod';
import { OBSERVED_IMPACTS, TICKET_PRIORITIES, TICKET_SEVERITIES, TICKET_TYPES } from './mef-labels';
import { REVISION_PATTERN } from './ticket-revision';

const trimmed = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .max(max, `At most ${max} characters`);

const optionalTrimmed = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

const httpUrl = z
  .string()
  .trim()
  .max(2000, 'At most 2000 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Enter a full URL starting with http:// or https://');

/** MEF 113 Table 27 / R10: name, phone number and e-mail are required. */
export const contactSchema = z.object({
  name: trimmed('Contact Name', 200),
  number: trimmed('Contact Phone Number', 50),
  numberExtension: optionalTrimmed(20),
  emailAddress: z.string().trim().pipe(z.email('Enter a valid Contact Email Address')),
  organization: optionalTrimmed(200),
});
export type ContactInput = z.infer<typeof contactSchema>;

/** MEF 113 R20/R43: a URL, or content (an uploaded file) with its mime type. */
export const attachmentInputSchema = z
  .object({
    name: trimmed('Attachment Name', 255),
    description: optionalTrimmed(1000),
    url: z.union([httpUrl, z.literal('')]).optional(),
    /** An upload staged with POST /api/tickets/attachments. */
    uploadId: z.string().trim().max(64).optional(),
  })
  .superRefine((a, ctx) => {
    const hasUrl = !!a.url;
    const hasUpload = !!a.uploadId;
    if (!hasUrl && !hasUpload) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'An attachment needs a URL or a file (MEF 113 R20)' });
    }
    if (hasUrl && hasUpload) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'Give either a URL or a file, not both' });
    }
  });
export type AttachmentInput = z.infer<typeof attachmentInputSchema>;

export const RELATED_OBJECT_TYPES = ['TroubleTicket', 'Incident'] as const;
export const RELATED_OBJECT_LABELS: Record<(typeof RELATED_OBJECT_TYPES)[number], string> = {
  TroubleTicket: 'Ticket',
  Incident: 'Incident',
};

/** MEF 113 Table 28 / R15. */
export const relatedIssueInputSchema = z.object({
  referredType: z.enum(RELATED_OBJECT_TYPES, { error: 'Choose Ticket or Incident' }),
  id: trimmed('Related Object Identifier', 200),
  relationshipType: trimmed('Relation Type', 100),
  description: trimmed('Relation Description', 1000),
});
export type RelatedIssueInput = z.infer<typeof relatedIssueInputSchema>;

/** A date-time from an <input type="datetime-local"> (local wall time of the browser, sent with its offset) or ISO. */
const pastDateTime = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'Enter a valid date and time')
  .refine((v) => Date.parse(v) <= Date.now() + 5 * 60_000, 'The Issue Start Date cannot be in the future')
  .transform((v) => new Date(Date.parse(v)).toISOString());

const optionalDateTime = z
  .union([pastDateTime, z.literal('')])
  .optional()
  .transform((v) => (v ? v : undefined));

const ids = z.array(z.coerce.number().int().positive()).max(20, 'At most 20 contacts');

export const createTicketSchema = z.object({
  seller: trimmed('Seller', 40),
  productId: trimmed('Product Identifier', 200),
  description: trimmed('Description', 2000),
  severity: z.enum(TICKET_SEVERITIES, { error: 'Choose a Severity' }),
  priority: z.enum(TICKET_PRIORITIES, { error: 'Choose a Priority' }),
  observedImpact: z.enum(OBSERVED_IMPACTS, { error: 'Choose an Observed Impact' }),
  ticketType: z.enum(TICKET_TYPES, { error: 'Choose a Type' }),
  issueStartDate: optionalDateTime,
  reporter: contactSchema,
  technicalContactIds: ids.default([]),
  /** Buyer Technical Contacts typed rather than taken from the contact book (a ticket template's). */
  technicalContacts: z.array(contactSchema).max(20, 'At most 20 contacts').default([]),
  note: optionalTrimmed(4000),
  attachments: z.array(attachmentInputSchema).max(10, 'At most 10 attachments').default([]),
  relatedIssues: z.array(relatedIssueInputSchema).max(20, 'At most 20 related objects').default([]),
  /** Resending a draft the Seller rejected: the local ticket (keeps our ticket id). */
  draftTicketId: z.coerce.number().int().positive().optional(),
});
export type CreateTicketInput = z.input<typeof createTicketSchema>;

export const REPORTER_NOT_REPLACEABLE =
  'The Reporter Contact cannot be changed after the ticket is opened; only the Buyer Technical Contacts can be replaced (MEF 113 R41, R52)';

const notReplaceable = z.never({ error: REPORTER_NOT_REPLACEABLE }).optional();

export const patchTicketSchema = z
  .object({
    ticketId: z.coerce.number().int().positive(),
    note: optionalTrimmed(4000),
    attachments: z.array(attachmentInputSchema).max(10, 'At most 10 attachments').default([]),
    severity: z.enum(TICKET_SEVERITIES).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    issueStartDate: optionalDateTime,
    /** When present, the Buyer's related objects are replaced by this list (MEF 113 R51). */
    relatedIssues: z.array(relatedIssueInputSchema).max(20, 'At most 20 related objects').optional(),
    /** When present, the Buyer Technical Contacts are replaced by these contact-book entries (MEF 113 R52). */
    technicalContactIds: ids.optional(),
    /** The ticket revision the form was opened on; a patch against an older one is refused (see ticket-revision.ts). */
    expectedRevision: z.string().trim().regex(REVISION_PATTERN, 'The ticket revision is not one the portal gave out').optional(),
    /** The Reporter Contact is set when the ticket is opened; a patch can never replace it (MEF 113 R41, O14, R52). */
    reporter: notReplaceable,
    reporterContact: notReplaceable,
    relatedContactInformation: notReplaceable,
  });
export type PatchTicketInput = z.input<typeof patchTicketSchema>;

/** A note and photos from the field, added to the ticket a work order serves (MEF 113 R41: a note or an attachment). */
export const workOrderTicketNoteSchema = z
  .object({
    seller: trimmed('Seller', 100),
    workOrderId: trimmed('Work Order Identifier', 200),
    note: optionalTrimmed(4000),
    attachments: z.array(attachmentInputSchema).max(5, 'At most 5 attachments').default([]),
  })
  .refine((v) => !!v.note || v.attachments.length > 0, { path: ['note'], message: 'Add a note or a photo' });
export type WorkOrderTicketNoteInput = z.input<typeof workOrderTicketNoteSchema>;

export const ticketRefSchema = z.object({ ticketId: z.coerce.number().int().positive() });

export const reopenTicketSchema = z.object({
  ticketId: z.coerce.number().int().positive(),
  reason: trimmed('Closure Rejection Reason', 255),
  alsoAsNote: z
    .union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('')])
    .optional()
    .transform((v) => v === true || v === 'on' || v === 'true'),
});
export type ReopenTicketInput = z.input<typeof reopenTicketSchema>;

export const outboxItemRefSchema = z.object({ outboxId: z.coerce.number().int().positive() });

export const saveViewSchema = z.object({
  name: trimmed('view name', 60),
  search: z.string().max(2000).default(''),
});
export const viewRefSchema = z.object({ viewId: z.coerce.number().int().positive() });

export const contactBookEntrySchema = contactSchema;
export const contactRefSchema = z.object({ contactId: z.coerce.number().int().positive() });
export const updateContactSchema = contactSchema.extend({ contactId: z.coerce.number().int().positive() });

/** The Buyer attributes whose change needs a new Buyer note (MEF 113 R42). */
export const NOTE_REQUIRED_FOR = ['severity', 'priority', 'issueStartDate', 'relatedIssue'] as const;
