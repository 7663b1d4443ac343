import { z } from 'zod';

/**
 * MEF 113 is used on two LSO reference points: Sonata (Buyer ↔ Seller) and Cantata (Customer ↔ Service Provider).
 * The APIs are the same; only the path segment after /mefApi/ differs, on the Seller's side and on our listeners.
 */
export const REFERENCE_POINT_VALUES = ['sonata', 'cantata'] as const;
export type ReferencePoint = (typeof REFERENCE_POINT_VALUES)[number];
export const DEFAULT_REFERENCE_POINT: ReferencePoint = 'sonata';

export const REFERENCE_POINT_LABELS: Record<ReferencePoint, string> = {
  sonata: 'Sonata (Buyer ↔ Seller)',
  cantata: 'Cantata (Customer ↔ Service Provider)',
};

/** What each Seller base URL usually ends with on a reference point; the form shows these as hints, the wire appends
 * resource paths. */
export function mefBasePaths(referencePoint: ReferencePoint) {
  return {
    troubleTicket: `/mefApi/${referencePoint}/troubleTicket/v4`,
    appointment: `/mefApi/${referencePoint}/appointment/v2`,
    workOrder: `/mefApi/${referencePoint}/workOrderManagement/v2`,
  } as const;
}

const BASE_URL_FIELDS = ['troubleTicketBaseUrl', 'appointmentBaseUrl', 'workOrderBaseUrl'] as const;

/** The reference point a base URL names after /mefApi/, or null when its path has no /mefApi/ segment. */
export function referencePointInUrl(value: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(value).pathname;
  } catch {
    return null;
  }
  const match = /\/mefApi\/([^/]*)/.exec(pathname);
  return match ? match[1]! : null;
}

export const SCOPE_MODE_VALUES = ['operation', 'fixed', 'none'] as const;
export type ScopeMode = (typeof SCOPE_MODE_VALUES)[number];

export const SCOPE_MODE_LABELS: Record<ScopeMode, string> = {
  operation: 'Per operation (scope = operationId, e.g. createTroubleTicket)',
  fixed: 'Fixed scope on every token request',
  none: 'No scope parameter',
};

export const TIMEOUT_MIN_MS = 1_000;
export const TIMEOUT_MAX_MS = 120_000;
export const TIMEOUT_DEFAULT_MS = 10_000;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const httpUrl = z
  .string({ error: 'Enter a URL' })
  .trim()
  .min(1, 'Enter a URL')
  .max(2000, 'At most 2000 characters')
  .refine((v) => parseHttpUrl(v) !== undefined, 'Enter a full URL starting with http:// or https://');

/** Clients append '/troubleTicket', '/hub', ... so a base URL must be a bare prefix. */
const baseUrl = httpUrl
  .refine((v) => !v.endsWith('/'), 'Remove the trailing slash')
  .refine((v) => !/[?#]/.test(v), 'A base URL cannot carry a query or a fragment');

/** Blank form fields arrive as ''; store them as null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

const timeoutMs = z.preprocess(
  (v) => (v === '' || v === undefined || v === null ? TIMEOUT_DEFAULT_MS : typeof v === 'string' ? Number(v) : v),
  z
    .number({ error: 'Enter a number of milliseconds' })
    .int('Enter a whole number of milliseconds')
    .min(TIMEOUT_MIN_MS, `At least ${TIMEOUT_MIN_MS} ms`)
    .max(TIMEOUT_MAX_MS, `At most ${TIMEOUT_MAX_MS} ms`),
);

export const slugSchema = z
  .string({ error: 'Enter a slug' })
  .trim()
  .min(1, 'Enter a slug')
  .max(40, 'At most 40 characters')
  .regex(SLUG_PATTERN, 'Use lowercase letters, digits and single hyphens (e.g. acme-fibre)');

const sellerFields = {
  name: z.string({ error: 'Enter a display name' }).trim().min(1, 'Enter a display name').max(100, 'At most 100 characters'),
  troubleTicketBaseUrl: baseUrl,
  appointmentBaseUrl: baseUrl,
  workOrderBaseUrl: baseUrl,
  tokenUrl: httpUrl,
  clientId: z.string({ error: 'Enter the client id' }).trim().min(1, 'Enter the client id').max(500, 'At most 500 characters'),
  scopeMode: z.enum(SCOPE_MODE_VALUES, { error: 'Choose operation, fixed or none' }),
  fixedScope: optionalText(500),
  buyerId: optionalText(200),
  sellerId: optionalText(200),
  timeoutMs,
  referencePoint: z.preprocess(
    (v) => (v === '' || v === undefined || v === null ? DEFAULT_REFERENCE_POINT : v),
    z.enum(REFERENCE_POINT_VALUES, { error: 'Choose sonata or cantata' }),
  ),
};

/**
 * A base URL that says which reference point it is on (…/mefApi/cantata/…) must say the Seller's: a Sonata Seller
 * with a Cantata URL would be called on one reference point and expected to notify on the other.
 */
function checkReferencePoint(v: Record<(typeof BASE_URL_FIELDS)[number], string> & { referencePoint: ReferencePoint }, ctx: z.RefinementCtx) {
  for (const field of BASE_URL_FIELDS) {
    const named = referencePointInUrl(v[field]);
    if (named === null || named === v.referencePoint) continue;
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message:
        `This URL is on /mefApi/${named}/ but the Seller's reference point is ${v.referencePoint}: ` +
        `use …/mefApi/${v.referencePoint}/… or choose ${named} as the reference point`,
    });
  }
}

function checkScope(v: { scopeMode: ScopeMode; fixedScope: string | null }, ctx: z.RefinementCtx) {
  if (v.scopeMode === 'fixed' && !v.fixedScope) {
    ctx.addIssue({ code: 'custom', path: ['fixedScope'], message: 'Enter the scope to request when the mode is fixed' });
  }
}

/** Only a fixed mode keeps its scope: a leftover value would be misleading on the next edit. */
function normaliseScope<T extends { scopeMode: ScopeMode; fixedScope: string | null }>(v: T): T {
  return v.scopeMode === 'fixed' ? v : { ...v, fixedScope: null };
}

const secretText = z.string().max(4000, 'At most 4000 characters');

/** A new Seller from the settings form: every credential is required. */
export const sellerCreateSchema = z
  .object({
    slug: slugSchema,
    ...sellerFields,
    clientSecret: secretText.min(1, 'Enter the client secret'),
  })
  .superRefine(checkScope)
  .superRefine(checkReferencePoint)
  .transform(normaliseScope);

/** An edit of an existing Seller (identified by slug, which never changes): a blank secret keeps the stored one. */
export const sellerUpdateSchema = z
  .object({
    slug: slugSchema,
    ...sellerFields,
    clientSecret: secretText.optional().transform((v) => (v ? v : undefined)),
  })
  .superRefine(checkScope)
  .superRefine(checkReferencePoint)
  .transform(normaliseScope);

export type SellerCreateInput = z.infer<typeof sellerCreateSchema>;
export type SellerUpdateInput = z.infer<typeof sellerUpdateSchema>;

export function isIanaTimeZone(value: string): boolean {
  // Offsets such as "+02:00" are accepted by some ICU builds but are not IANA zone names.
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const requiredText = (what: string, max: number) =>
  z.string({ error: `Enter ${what}` }).trim().min(1, `Enter ${what}`).max(max, `At most ${max} characters`);

const siteText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .nullish()
    .transform((v) => v ?? '');

/** One product of the Buyer's inventory at one Seller (the Seller's product identifier plus where it is). */
export const productFields = {
  productId: requiredText("the Seller's product id", 200),
  label: requiredText('a label', 200),
  siteId: siteText(200),
  siteName: siteText(200),
  siteAddress: siteText(500),
  siteTimeZone: z
    .string({ error: 'Enter an IANA time zone, e.g. Europe/Paris' })
    .trim()
    .min(1, 'Enter an IANA time zone, e.g. Europe/Paris')
    .refine(isIanaTimeZone, 'Not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)'),
};

export const productEntrySchema = z.object(productFields);
export type ProductEntry = z.infer<typeof productEntrySchema>;

const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Must be an environment variable name such as ACME_CLIENT_SECRET');

/** One entry of the sellers file: the form's fields, the secret inline or named in the environment, and products. */
export const sellerFileEntrySchema = z
  .strictObject({
    slug: slugSchema,
    ...sellerFields,
    enabled: z.boolean({ error: 'Must be true or false' }).default(true),
    clientSecret: secretText.min(1, 'Must not be empty').optional(),
    clientSecretEnv: envVarName.optional(),
    products: z.array(z.strictObject(productFields)).default([]),
    /** Deviations from the schema this Seller's answers may show: known defects by name, and allowances. */
    toleratedDeviations: z
      .strictObject({
        known: z.array(z.string()).default([]),
        allowed: z
          .array(
            z.strictObject({
              operationId: z.string().trim().min(1).optional(),
              path: z.string().trim().regex(/^(\/.*)?$/, 'A JSON Pointer such as /relatedEntity/*/role'),
              keyword: z.string().trim().min(1).optional(),
            }),
          )
          .default([]),
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    checkScope(v, ctx);
    checkReferencePoint(v, ctx);
    if (v.clientSecret === undefined && v.clientSecretEnv === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'Give clientSecret or clientSecretEnv' });
    }
    if (v.clientSecret !== undefined && v.clientSecretEnv !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecretEnv'], message: 'Give clientSecret or clientSecretEnv, not both' });
    }
    const seen = new Set<string>();
    v.products.forEach((p, i) => {
      if (seen.has(p.productId)) {
        ctx.addIssue({ code: 'custom', path: ['products', i, 'productId'], message: `Duplicate productId "${p.productId}"` });
      }
      seen.add(p.productId);
    });
  })
  .transform(normaliseScope);

export const sellersFileSchema = z
  .array(sellerFileEntrySchema, { error: 'The sellers file must hold a JSON array of Seller entries' })
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const first = seen.get(e.slug);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'slug'], message: `Duplicate slug "${e.slug}" (already used by entry ${first + 1})` });
      } else {
        seen.set(e.slug, i);
      }
    });
  });

export type SellerFileEntry = z.infer<typeof sellerFileEntrySchema>;

/**
 * Turns zod issues on the sellers file into lines naming the entry (1-based, with its slug when readable) and the
 * field, e.g. `entry 2 ("globex"), field troubleTicketBaseUrl: Remove the trailing slash`.
 */
export function describeSellersFileIssues(error: z.ZodError, raw: unknown): string[] {
  return error.issues.map((issue) => {
    const [index, ...field] = issue.path;
    if (typeof index !== 'number') return `${issue.message}`;
    const entry = Array.isArray(raw) ? (raw[index] as { slug?: unknown } | undefined) : undefined;
    const slug = typeof entry?.slug === 'string' ? ` ("${entry.slug}")` : '';
    const where = field.length ? `, field ${field.map(String).join('.')}` : '';
    return `entry ${index + 1}${slug}${where}: ${issue.message}`;
  });
}
