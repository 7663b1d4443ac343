import type { components } from './generated/trouble-ticket';

type Schemas = components['schemas'];

/** Every MEF error `code` the Seller-side APIs declare. */
export type MefErrorCode =
  | Schemas['Error400Code']
  | Schemas['Error401Code']
  | Schemas['Error403Code']
  | Schemas['Error404']['code']
  | Schemas['Error409']['code']
  | Schemas['Error422Code']
  | Schemas['Error500']['code']
  | Schemas['Error501']['code'];

/** One item of an error body as received; a 422 body carries several. */
export interface MefErrorItem {
  code?: string;
  reason?: string;
  message?: string;
  referenceError?: string;
  propertyPath?: string;
}

export type SonataErrorKind = 'http' | 'network' | 'timeout' | 'protocol';

export interface SonataErrorContext {
  sellerSlug?: string;
  /** operationId of the call, or `oauth2Token` for the token endpoint. */
  operationId?: string;
  method?: string;
  url?: string;
}

export abstract class SonataError extends Error {
  abstract readonly kind: SonataErrorKind;
  abstract readonly retryable: boolean;
  readonly sellerSlug?: string;
  readonly operationId?: string;
  readonly method?: string;
  readonly url?: string;

  protected constructor(message: string, context: SonataErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.sellerSlug = context.sellerSlug;
    this.operationId = context.operationId;
    this.method = context.method;
    this.url = context.url;
  }
}

/** The Seller answered with a non-2xx status. */
export class SonataHttpError extends SonataError {
  readonly kind = 'http' as const;
  readonly status: number;
  /** MEF error code of the first item (e.g. `notFound`, `invalidValue`), when the body carried one. */
  readonly code?: string;
  readonly reason?: string;
  readonly referenceError?: string;
  /** All items of the body: one for most statuses, the whole array for 422. */
  readonly items: MefErrorItem[];
  /** 422 items with a `propertyPath`, keyed by the pointer as a dotted path ("note.0.text"). */
  readonly fieldErrors: Record<string, string[]>;
  /** Messages of items that name no property. */
  readonly formErrors: string[];
  /** From `Retry-After` (429/503), in milliseconds. */
  readonly retryAfterMs?: number;
  readonly body: unknown;

  constructor(
    init: { status: number; body: unknown; retryAfterMs?: number; statusText?: string },
    context: SonataErrorContext = {},
  ) {
    const items = errorItemsFromBody(init.body);
    const first = items[0];
    const message =
      first?.message ?? first?.reason ?? `HTTP ${init.status}${init.statusText ? ` ${init.statusText}` : ''}`;
    super(message, context);
    this.status = init.status;
    this.body = init.body;
    this.items = items;
    this.code = first?.code;
    this.reason = first?.reason;
    this.referenceError = first?.referenceError;
    this.retryAfterMs = init.retryAfterMs;
    const { fieldErrors, formErrors } = groupFieldErrors(items);
    this.fieldErrors = fieldErrors;
    this.formErrors = formErrors;
  }

  get retryable(): boolean {
    // 501 is a permanent "this Seller does not offer it", not a transient failure.
    return this.status === 429 || (this.status >= 500 && this.status !== 501);
  }
  get isBadRequest() {
    return this.status === 400;
  }
  get isUnauthorized() {
    return this.status === 401;
  }
  get isForbidden() {
    return this.status === 403;
  }
  get isNotFound() {
    return this.status === 404;
  }
  get isConflict() {
    return this.status === 409;
  }
  get isUnprocessable() {
    return this.status === 422;
  }
  get isTooManyRequests() {
    return this.status === 429;
  }
  get isInternalError() {
    return this.status === 500;
  }
  get isNotImplemented() {
    return this.status === 501;
  }
  get isServerError() {
    return this.status >= 500;
  }
}

/** The connection could not be made or broke (refused, reset, DNS, TLS). */
export class SonataNetworkError extends SonataError {
  readonly kind = 'network' as const;
  readonly retryable = true;
  /** System error code when known, e.g. ECONNREFUSED, ECONNRESET, ENOTFOUND. */
  readonly code?: string;

  constructor(cause: unknown, context: SonataErrorContext = {}) {
    const code = systemErrorCode(cause);
    super(`Seller unreachable${code ? ` (${code})` : ''}${context.url ? `: ${context.url}` : ''}`, context, { cause });
    this.code = code;
  }

  get isConnectionRefused() {
    return this.code === 'ECONNREFUSED';
  }
}

/** The egress check refused the Seller's address (loopback, private, link-local) before any connection was made. */
export class SonataEgressRefusedError extends SonataNetworkError {
  constructor(cause: Error, context: SonataErrorContext = {}) {
    super(cause, context);
    this.message = cause.message;
  }
}

/** No complete answer within the connection's timeout. */
export class SonataTimeoutError extends SonataError {
  readonly kind = 'timeout' as const;
  readonly retryable = true;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, context: SonataErrorContext = {}, cause?: unknown) {
    super(`Seller did not answer within ${timeoutMs} ms${context.url ? `: ${context.url}` : ''}`, context, { cause });
    this.timeoutMs = timeoutMs;
  }
}

/** A 2xx answer whose body is not JSON or not the shape the API defines. Retrying will not fix it. */
export class SonataProtocolError extends SonataError {
  readonly kind = 'protocol' as const;
  readonly retryable = false;
  readonly status: number;
  readonly issues: string[];

  constructor(init: { status: number; issues: string[]; cause?: unknown }, context: SonataErrorContext = {}) {
    super(`Unexpected answer from the Seller: ${init.issues.join('; ')}`, context, { cause: init.cause });
    this.status = init.status;
    this.issues = init.issues;
  }
}

/** One place where a Seller's answer breaks the operation's schema: a JSON Pointer into the body and what is wrong. */
export interface SellerViolation {
  path: string;
  message: string;
  keyword: string;
}

/**
 * A 2xx answer whose body breaks the operation's schema beyond what the Seller is allowed (its tolerated deviations).
 * The document must not be used; the violations say where and why.
 */
export class SonataSchemaError extends SonataProtocolError {
  readonly api?: string;
  readonly resourceId?: string;
  readonly violations: SellerViolation[];

  constructor(
    init: { status: number; violations: SellerViolation[]; api?: string; resourceId?: string },
    context: SonataErrorContext = {},
  ) {
    super({ status: init.status, issues: init.violations.slice(0, 5).map((v) => `${v.path || '(body)'} ${v.message}`) }, context);
    this.violations = init.violations;
    this.api = init.api;
    this.resourceId = init.resourceId;
  }
}

export function isSonataError(err: unknown): err is SonataError {
  return err instanceof SonataError;
}

export function isRetryable(err: unknown): boolean {
  return err instanceof SonataError && err.retryable;
}

export function sonataErrorKind(err: unknown): SonataErrorKind | 'unknown' {
  return err instanceof SonataError ? err.kind : 'unknown';
}

/** "/relatedContactInformation/0/emailAddress" → "relatedContactInformation.0.emailAddress" (RFC 6901 pointers;
 * tolerates the URI-fragment form and paths that are already dotted). */
export function pointerToFieldPath(pointer: string): string {
  let p = pointer.trim();
  if (p.startsWith('#')) {
    p = p.slice(1);
    try {
      p = decodeURIComponent(p);
    } catch {
      // keep the raw text
    }
  }
  if (!p.startsWith('/')) return p.replace(/^\$\.?/, '');
  return p
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function errorItemsFromBody(body: unknown): MefErrorItem[] {
  const raw = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
  const items: MefErrorItem[] = [];
  for (const entry of raw) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const item: MefErrorItem = {};
    if (typeof e.code === 'string') item.code = e.code;
    if (typeof e.reason === 'string') item.reason = e.reason;
    if (typeof e.message === 'string') item.message = e.message;
    if (typeof e.referenceError === 'string') item.referenceError = e.referenceError;
    if (typeof e.propertyPath === 'string') item.propertyPath = e.propertyPath;
    items.push(item);
  }
  return items;
}

function groupFieldErrors(items: MefErrorItem[]) {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const item of items) {
    const text = item.message ?? item.reason ?? item.code ?? 'Invalid value';
    const field = item.propertyPath === undefined ? '' : pointerToFieldPath(item.propertyPath);
    if (field === '') {
      formErrors.push(text);
    } else {
      (fieldErrors[field] ??= []).push(text);
    }
  }
  return { fieldErrors, formErrors };
}

function systemErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
