/**
 * What a Seller's answer may get away with. Every 2xx body is checked against the operation's response schema in the
 * generated spec, read the way the guides read it (KNOWN_SPEC_DEFECTS in openapi-validator.ts: TT-G R23's
 * only-when-set members of a ticket list item, a work order list as an array). What else breaks the schema is a
 * violation, unless the Seller's list of tolerated deviations names it: one of the known defects real Sellers copy
 * from the sources, or an allowance an administrator made for that Seller.
 */
import { appointmentSpec } from './generated/appointment.spec';
import { troubleTicketSpec } from './generated/trouble-ticket.spec';
import { workOrderSpec } from './generated/work-order.spec';
import { validateResponse, type OpenApiDocument, type SchemaViolation } from './openapi-validator';
import type { SonataApi } from './seller-connection';

export const KNOWN_DEVIATIONS = {
  listItemsMissingRequired: {
    label: 'List items without required members',
    description: 'Items of a list answer leave out members the YAML marks required (the item is read again by id before it is used).',
  },
  mediaTypeWithoutCharset: {
    label: 'application/json without charset',
    description: 'Answers say Content-Type application/json instead of application/json;charset=utf-8.',
  },
  unknownMembers: {
    label: 'Unknown members',
    description: 'Answers carry members the YAML does not declare; they are kept as received and never shown.',
  },
  bareWorkOrderList: {
    label: 'GET /workorder as a bare array',
    description: 'The work order list comes as one array without paging headers, offset and limit ignored; it is read as the whole list.',
  },
} as const;

export type KnownDeviation = keyof typeof KNOWN_DEVIATIONS;
export const KNOWN_DEVIATION_NAMES = Object.keys(KNOWN_DEVIATIONS) as KnownDeviation[];

/** One violation an administrator accepts from one Seller: a JSON Pointer (`*` for any one segment), optionally only
 * for one operation and one kind of violation (the validator's keyword, e.g. `required`, `enum`, `format`). */
export interface DeviationAllowance {
  operationId?: string;
  path: string;
  keyword?: string;
}

export interface ToleratedDeviations {
  known: KnownDeviation[];
  allowed: DeviationAllowance[];
}

/** What a Seller tolerates when nobody said otherwise: the known defects, nothing more. */
export const DEFAULT_TOLERATED_DEVIATIONS: ToleratedDeviations = { known: [...KNOWN_DEVIATION_NAMES], allowed: [] };
export const NO_TOLERATED_DEVIATIONS: ToleratedDeviations = { known: [], allowed: [] };

const SPECS: Record<SonataApi, OpenApiDocument> = {
  troubleTicket: troubleTicketSpec as unknown as OpenApiDocument,
  appointment: appointmentSpec as unknown as OpenApiDocument,
  workOrder: workOrderSpec as unknown as OpenApiDocument,
};

/** Every operation whose answers are checked, for allowances that name one. */
export const RESPONSE_OPERATION_IDS: readonly string[] = [
  ...new Set(
    Object.values(SPECS).flatMap((spec) =>
      Object.values(spec.paths).flatMap((item) =>
        Object.values(item as Record<string, { operationId?: unknown }>)
          .map((op) => (typeof op === 'object' && op !== null ? op.operationId : undefined))
          .filter((id): id is string => typeof id === 'string'),
      ),
    ),
  ),
].sort();

/** How an allowance is named where it is shown and counted: `[operationId ]path[ keyword]`, `(body)` for the root. */
export function allowanceLabel(a: DeviationAllowance): string {
  return [a.operationId, a.path || '(body)', a.keyword].filter(Boolean).join(' ');
}

const LIST_OPERATIONS: ReadonlySet<string> = new Set(['listTroubleTicket', 'listIncident', 'listAppointment', 'listWorkOrder']);

function isAllowance(value: unknown): value is DeviationAllowance {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.path === 'string' &&
    (v.path === '' || v.path.startsWith('/')) &&
    (v.operationId === undefined || typeof v.operationId === 'string') &&
    (v.keyword === undefined || typeof v.keyword === 'string')
  );
}

/** Reads a stored or configured list; unknown switch names and malformed allowances are dropped. */
export function parseToleratedDeviations(value: unknown): ToleratedDeviations {
  if (typeof value === 'string') {
    try {
      return parseToleratedDeviations(JSON.parse(value));
    } catch {
      return { ...DEFAULT_TOLERATED_DEVIATIONS };
    }
  }
  if (typeof value !== 'object' || value === null) return { ...DEFAULT_TOLERATED_DEVIATIONS, known: [...DEFAULT_TOLERATED_DEVIATIONS.known] };
  const v = value as Record<string, unknown>;
  const known = Array.isArray(v.known) ? KNOWN_DEVIATION_NAMES.filter((name) => (v.known as unknown[]).includes(name)) : [...KNOWN_DEVIATION_NAMES];
  const allowed = Array.isArray(v.allowed)
    ? (v.allowed as unknown[]).filter(isAllowance).map((a) => ({
        path: a.path,
        ...(a.operationId ? { operationId: a.operationId } : {}),
        ...(a.keyword ? { keyword: a.keyword } : {}),
      }))
    : [];
  return { known, allowed };
}

function pointerMatches(pattern: string, path: string): boolean {
  const a = pattern.split('/');
  const b = path.split('/');
  return a.length === b.length && a.every((segment, i) => segment === '*' || segment === b[i]);
}

function allowanceFor(allowances: readonly DeviationAllowance[], operationId: string, v: SchemaViolation): DeviationAllowance | undefined {
  return allowances.find(
    (a) => (!a.operationId || a.operationId === operationId) && (!a.keyword || a.keyword === v.keyword) && pointerMatches(a.path, v.path),
  );
}

/** One tolerated deviation in one answer: a known switch by name, or an allowance by its label. */
export interface ToleratedSighting {
  deviation: string;
  kind: 'known' | 'allowance';
  /** Where in the body it was first seen ('' for the answer as a whole). */
  samplePath: string;
}

/** One answer that was used although it deviated, as the transport reports it to whoever listens (lib/sync records it). */
export interface ToleratedAnswer {
  sellerSlug: string;
  api: SonataApi;
  operationId: string;
  seen: ToleratedSighting[];
}

type ToleratedListener = (answer: ToleratedAnswer) => void;
let toleratedListener: ToleratedListener | undefined;

/** Who hears of answers used with tolerated deviations; one listener per process (the wire knows no database). */
export function onToleratedDeviations(listener: ToleratedListener | undefined): void {
  toleratedListener = listener;
}

export function reportToleratedDeviations(answer: ToleratedAnswer): void {
  if (answer.seen.length === 0 || !toleratedListener) return;
  try {
    toleratedListener(answer);
  } catch {
    // Counting what was tolerated must never cost the answer.
  }
}

export interface ResponseToCheck {
  api: SonataApi;
  operationId: string;
  status: number;
  body: unknown;
  /** The answer's Content-Type header. */
  contentType: string | null;
  /** True when the answer carried any paging header. */
  hasPagingHeaders: boolean;
}

export interface ConformanceResult {
  /** What breaks the schema beyond the Seller's list: the body must not be used. */
  violations: SchemaViolation[];
  /** Which known deviations the answer showed (and were tolerated). */
  tolerated: KnownDeviation[];
  /** Every tolerated deviation the answer showed, switch or allowance, with the first path it was seen at. */
  seen: ToleratedSighting[];
  /** The list answer is the Seller's whole list (a bare array read as such). */
  wholeList: boolean;
}

function knownDeviationOf(check: ResponseToCheck, v: SchemaViolation): KnownDeviation | undefined {
  if (v.keyword === 'unexpectedProperty') return 'unknownMembers';
  if (v.keyword === 'required' && LIST_OPERATIONS.has(check.operationId) && /^\/\d+\/[^/]+$/.test(v.path)) return 'listItemsMissingRequired';
  if (v.keyword === 'mediaType' && v.message.includes('charset')) return 'mediaTypeWithoutCharset';
  return undefined;
}

function mediaTypeViolations(contentType: string | null): SchemaViolation[] {
  if (contentType === null || contentType.trim() === '') return [{ path: '', message: 'the answer has no Content-Type', keyword: 'mediaType' }];
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return [{ path: '', message: `Content-Type ${contentType} is not application/json`, keyword: 'mediaType' }];
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset === undefined) return [{ path: '', message: 'Content-Type application/json without charset=utf-8', keyword: 'mediaType' }];
  if (charset !== 'utf-8') return [{ path: '', message: `Content-Type charset ${charset} is not utf-8`, keyword: 'mediaType' }];
  return [];
}

/** Checks one 2xx answer against its operation's schema and the Seller's tolerated deviations. */
export function checkResponse(check: ResponseToCheck, tolerance: ToleratedDeviations = DEFAULT_TOLERATED_DEVIATIONS): ConformanceResult {
  const spec = SPECS[check.api];
  const found = [...mediaTypeViolations(check.contentType), ...validateResponse(spec, check.operationId, check.status, check.body)];
  const bare = check.operationId === 'listWorkOrder' && Array.isArray(check.body) && !check.hasPagingHeaders;
  if (bare) found.push({ path: '', message: 'GET /workorder answered as a bare array without paging headers', keyword: 'bareList' });
  const violations: SchemaViolation[] = [];
  const tolerated = new Set<KnownDeviation>();
  const seen = new Map<string, ToleratedSighting>();
  for (const v of found) {
    const known = v.keyword === 'bareList' ? 'bareWorkOrderList' : knownDeviationOf(check, v);
    if (known && tolerance.known.includes(known)) {
      tolerated.add(known);
      if (!seen.has(known)) seen.set(known, { deviation: known, kind: 'known', samplePath: v.path });
      continue;
    }
    const allowance = allowanceFor(tolerance.allowed, check.operationId, v);
    if (!allowance) {
      violations.push(v);
      continue;
    }
    const label = allowanceLabel(allowance);
    if (!seen.has(label)) seen.set(label, { deviation: label, kind: 'allowance', samplePath: v.path });
  }
  return { violations, tolerated: [...tolerated], seen: [...seen.values()], wholeList: bare && violations.length === 0 };
}
