import { z } from 'zod';
import { csvCell } from './csv-cell';

/** The audit screen's vocabulary: what can be filtered on, how actions read, and the CSV layout. */

export const AUDIT_PAGE_SIZE = 50;
/** Most rows one CSV export holds; narrow the filter for more. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export const AUDIT_CATEGORIES = [
  { value: 'auth', label: 'Sign-ins and slow-downs', prefixes: ['auth.'] },
  { value: 'tickets', label: 'Ticket operations', prefixes: ['ticket.'] },
  { value: 'deliveries', label: 'Outcomes at the Seller', prefixes: ['delivery.'] },
  { value: 'appointments', label: 'Appointments', prefixes: ['appointment.'] },
  { value: 'credentials', label: 'Listener credentials', prefixes: ['listenerCredentials.'] },
  { value: 'sellers', label: 'Seller settings', prefixes: ['seller.', 'hubs.', 'sync.'] },
  { value: 'users', label: 'Users', prefixes: ['user.'] },
  { value: 'products', label: 'Products', prefixes: ['product.'] },
  { value: 'contacts', label: 'Contacts', prefixes: ['contact.'] },
  { value: 'templates', label: 'Templates and snippets', prefixes: ['template.', 'snippet.'] },
  { value: 'incidents', label: 'Incidents', prefixes: ['incident.'] },
  { value: 'audit', label: 'Audit exports', prefixes: ['audit.'] },
] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number]['value'];

export const AUDIT_ENTITY_TYPES = ['ticket', 'appointment', 'seller', 'user', 'product', 'contact', 'incident', 'outbox', 'audit', 'template', 'snippet'] as const;

const LABELS: Record<string, string> = {
  'auth.sign-in': 'Signed in',
  'auth.sign-in.failed': 'Sign-in failed',
  'auth.sign-in.refused-slowed': 'Sign-in refused while slowed down after failures',
  'ticket.create': 'Opened a ticket',
  'ticket.resend': 'Sent a corrected ticket again',
  'ticket.patch': 'Updated a ticket',
  'ticket.cancel': 'Cancelled a ticket',
  'ticket.close': 'Accepted the resolution (close)',
  'ticket.reopen': 'Rejected the resolution (reopen)',
  'ticket.send-now': 'Asked to send now',
  'ticket.discard-operation': 'Discarded a refused operation',
  'listenerCredentials.issue': 'Rotated listener credentials',
  'listenerCredentials.revoke': 'Revoked listener credentials',
  'seller.create': 'Added a Seller',
  'seller.update': 'Changed a Seller',
  'seller.enable': 'Enabled a Seller',
  'seller.disable': 'Disabled a Seller',
  'seller.deviations': 'Changed tolerated deviations',
  'seller.file-create': 'Seller added from the sellers file',
  'seller.file-update': 'Seller changed by the sellers file',
  'hubs.reregister': 'Registered notification hubs again',
  'sync.reconcile': 'Reconciled with the Seller',
  'user.create': 'Added a user',
  'user.role': 'Changed a role',
  'user.deactivate': 'Deactivated a user',
  'user.reactivate': 'Reactivated a user',
  'user.password-reset': 'Reset a password',
  'appointment.book': 'Booked an appointment',
  'appointment.reschedule': 'Rescheduled an appointment',
  'appointment.update': 'Updated an appointment',
  'appointment.cancel': 'Cancelled an appointment',
  'product.create': 'Added a product',
  'product.update': 'Changed a product',
  'product.delete': 'Removed a product',
  'product.import': 'Imported products',
  'contact.create': 'Added a contact',
  'contact.update': 'Changed a contact',
  'contact.delete': 'Removed a contact',
  'incident.link': 'Linked an incident to a ticket',
  'template.create': 'Added a ticket template',
  'template.update': 'Changed a ticket template',
  'template.delete': 'Removed a ticket template',
  'snippet.create': 'Added a note snippet',
  'snippet.update': 'Changed a note snippet',
  'snippet.delete': 'Removed a note snippet',
  'audit.export': 'Exported the audit trail',
};

const OPERATIONS: Record<string, string> = {
  create: 'ticket creation',
  patch: 'ticket update',
  cancel: 'cancellation',
  close: 'resolution acceptance (close)',
  reopen: 'resolution rejection (reopen)',
};

/** How an action reads on screen; an action without a label shows as recorded. */
export function auditActionLabel(action: string): string {
  const delivery = /^delivery\.(\w+)\.(accepted|refused)$/.exec(action);
  if (delivery) return `Seller ${delivery[2]} the ${OPERATIONS[delivery[1]!] ?? delivery[1]}`;
  return LABELS[action] ?? action;
}

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'Enter a real date');

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const auditFilterSchema = z
  .object({
    user: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^(system|\d{1,10})$/, 'Choose a user from the list')
        .transform((v): number | 'system' => (v === 'system' ? 'system' : Number(v)))
        .optional(),
    ),
    category: z.preprocess(emptyToUndefined, z.enum(AUDIT_CATEGORIES.map((c) => c.value) as [AuditCategory, ...AuditCategory[]], 'Choose a kind of action from the list').optional()),
    entityType: z.preprocess(emptyToUndefined, z.enum(AUDIT_ENTITY_TYPES, 'Choose a target type from the list').optional()),
    entity: z.preprocess(emptyToUndefined, z.string().trim().max(200, 'At most 200 characters').optional()),
    from: z.preprocess(emptyToUndefined, day.optional()),
    to: z.preprocess(emptyToUndefined, day.optional()),
    page: z.preprocess(emptyToUndefined, z.coerce.number().int('Pages are whole numbers').min(1, 'Pages start at 1').max(100_000).default(1)),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date is before the start date' });
  });

export type AuditFilter = z.output<typeof auditFilterSchema>;
export type AuditFilterErrors = Partial<Record<keyof AuditFilter, string>>;

/** The filter of a query string; a wrong value is reported under its field and left out of the filter. */
export function parseAuditFilter(params: URLSearchParams): { filter: AuditFilter; errors: AuditFilterErrors; raw: Record<string, string> } {
  const raw: Record<string, string> = {};
  for (const key of ['user', 'category', 'entityType', 'entity', 'from', 'to', 'page']) {
    const value = params.get(key);
    if (value !== null) raw[key] = value.slice(0, 300);
  }
  const parsed = auditFilterSchema.safeParse(raw);
  if (parsed.success) return { filter: parsed.data, errors: {}, raw };
  const errors: AuditFilterErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as keyof AuditFilter;
    errors[key] ??= issue.message;
  }
  const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !(key in errors)));
  const retry = auditFilterSchema.safeParse(kept);
  return { filter: retry.success ? retry.data : { page: 1 }, errors, raw };
}

/** The query string of a filter (without the page unless asked). */
export function auditFilterQuery(filter: AuditFilter, page?: number): string {
  const params = new URLSearchParams();
  if (filter.user !== undefined) params.set('user', String(filter.user));
  if (filter.category) params.set('category', filter.category);
  if (filter.entityType) params.set('entityType', filter.entityType);
  if (filter.entity) params.set('entity', filter.entity);
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  userId: number | null;
  userName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  detail: Record<string, unknown> | null;
}

const CSV_COLUMNS: Array<[string, (row: AuditRow) => unknown]> = [
  ['When (UTC)', (r) => r.at],
  ['Who', (r) => r.actor],
  ['User id', (r) => r.userId],
  ['Action', (r) => r.action],
  ['What', (r) => auditActionLabel(r.action)],
  ['Target type', (r) => r.entityType],
  ['Target', (r) => r.entityId],
  ['Details', (r) => (r.detail ? JSON.stringify(r.detail) : '')],
];

export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [CSV_COLUMNS.map(([label]) => csvCell(label)).join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map(([, cell]) => csvCell(cell(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
