import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import { checkResponse, DEFAULT_TOLERATED_DEVIATIONS, reportToleratedDeviations } from './deviations';
import {
  SonataHttpError,
  SonataSchemaError,
  SonataEgressRefusedError,
  SonataNetworkError,
  SonataProtocolError,
  SonataTimeoutError,
  parseRetryAfter,
  type SonataErrorContext,
} from './errors';
import { AnswerTooLargeError, createEgressFetch, EgressRefusedError, isRedirectStatus } from './egress';
import { logger } from '@/lib/observability/log';
import { recordSellerCall, statusClassOf, type StatusClass } from '@/lib/observability/metrics';
import { parseListHeaders, type ListPage } from './paging';
import type { SellerConnection, SonataApi } from './seller-connection';
import { sharedTokenCache, tokenRequestFor, type TokenCache } from './token-cache';

export const MEF_MEDIA_TYPE = 'application/json;charset=utf-8';

/** Largest Seller answer read (MEF APIs and hubs), unless the client is given another. */
export const SELLER_RESPONSE_MAX_BYTES_DEFAULT = 16 * 1024 * 1024;

function configuredResponseCap(): number {
  const value = Number(process.env.SELLER_RESPONSE_MAX_BYTES);
  return Number.isInteger(value) && value > 0 ? value : SELLER_RESPONSE_MAX_BYTES_DEFAULT;
}

export interface ResponseCheck {
  api: SonataApi;
  operationId: string;
  status: number;
  body: unknown;
}

export interface SonataClientOptions {
  /** Defaults to the process-wide cache. */
  tokenCache?: TokenCache;
  fetch?: typeof globalThis.fetch;
  /** Largest answer read; SELLER_RESPONSE_MAX_BYTES (default 16 MiB) when absent. Only for the default fetch. */
  maxResponseBytes?: number;
  /** Further check of every 2xx body (e.g. against the OpenAPI document); returns the problems found. */
  validateResponse?: (check: ResponseCheck) => string[];
}

/** What a 2xx body must look like before it is handed out. */
export type ExpectedBody = 'none' | 'entity' | 'object' | 'list' | 'list-or-entity';

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** What each generated call receives: auth, media type and timeout, to be spread into openapi-fetch's init. */
export interface CallInit {
  headers: Record<string, string>;
  signal: AbortSignal;
  parseAs: 'text';
  cache: 'no-store';
  redirect: 'manual';
}

type IdentityQuery = { buyerId?: string; sellerId?: string };

/** The typed openapi-fetch client of one API at one Seller, plus the MEF calling rules. */
export class SonataTransport<Paths extends {}> {
  readonly client: Client<Paths>;
  private readonly tokens: TokenCache;

  constructor(
    readonly conn: SellerConnection,
    readonly api: SonataApi,
    private readonly options: SonataClientOptions = {},
  ) {
    this.tokens = options.tokenCache ?? sharedTokenCache;
    const fetchImpl = options.fetch ?? createEgressFetch({ maxBytes: options.maxResponseBytes ?? configuredResponseCap() });
    this.client = createClient<Paths>({
      baseUrl: conn.baseUrls[api],
      fetch: (request: Request) => fetchImpl(request),
    });
  }

  /** The caller's filters with `buyerId`/`sellerId` set from the connection only (MEF 79: never sent otherwise). */
  query<Q extends object = Record<never, never>>(query?: Q): Q & IdentityQuery {
    const out = { ...(query ?? {}) } as Q & IdentityQuery;
    delete out.buyerId;
    delete out.sellerId;
    if (this.conn.buyerId) out.buyerId = this.conn.buyerId;
    if (this.conn.sellerId) out.sellerId = this.conn.sellerId;
    return out;
  }

  async execute(
    operationId: string,
    expect: ExpectedBody,
    send: (init: CallInit) => Promise<RawResult>,
    options: { hasBody?: boolean } = {},
  ): Promise<{ body: unknown; response: Response; wholeList: boolean }> {
    const tokenRequest = tokenRequestFor(this.conn, operationId);
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.getToken(tokenRequest);
      const signal = AbortSignal.timeout(this.conn.timeoutMs);
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: `${MEF_MEDIA_TYPE}, application/json`,
      };
      if (options.hasBody) headers['Content-Type'] = MEF_MEDIA_TYPE;

      let result: RawResult;
      const started = performance.now();
      const observe = (statusClass: StatusClass, status?: number) => this.observe(operationId, statusClass, status, started);
      try {
        result = await send({ headers, signal, parseAs: 'text', cache: 'no-store', redirect: 'manual' });
      } catch (err) {
        const context = this.context(operationId);
        if (signal.aborted) {
          observe('timeout');
          throw new SonataTimeoutError(this.conn.timeoutMs, context, err);
        }
        if (err instanceof EgressRefusedError) {
          observe('other');
          throw new SonataEgressRefusedError(err, context);
        }
        if (err instanceof AnswerTooLargeError) {
          observe(statusClassOf(err.status), err.status);
          throw new SonataProtocolError({ status: err.status, issues: [`answer larger than ${err.maxBytes} bytes`], cause: err }, context);
        }
        if (err instanceof TypeError || hasSystemCode(err)) {
          observe('network');
          throw new SonataNetworkError(err, context);
        }
        observe('other');
        throw err;
      }

      const { response } = result;
      const context = this.context(operationId, response.url);
      if (!response.ok || response.status === 401) observe(statusClassOf(response.status), response.status);
      if (isRedirectStatus(response.status)) throw redirectRefused(response, context);
      if (response.status === 401 && attempt === 0) {
        this.tokens.invalidate(tokenRequest, token);
        continue;
      }
      if (!response.ok) {
        throw new SonataHttpError(
          {
            status: response.status,
            statusText: response.statusText,
            body: result.error,
            retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
          },
          context,
        );
      }
      try {
        const checked = this.checkBody(operationId, expect, response, result.data, context);
        observe('2xx', response.status);
        return { ...checked, response };
      } catch (err) {
        observe(err instanceof SonataSchemaError ? 'schema' : 'protocol', response.status);
        throw err;
      }
    }
  }

  /** One Seller call counted, timed and logged (operation and status only: no URL, query, header or body). */
  private observe(operationId: string, statusClass: StatusClass, status: number | undefined, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    recordSellerCall({ seller: this.conn.slug, operation: operationId, statusClass, seconds });
    logger('seller-call').info(
      { requestId: randomUUID(), seller: this.conn.slug, api: this.api, operation: operationId, status: status ?? null, statusClass, durationMs: Math.round(seconds * 1000) },
      'seller call',
    );
  }

  /** A list call: body checked as an array (or a lone object, wrapped) and paging headers read. */
  async executeList<T>(
    operationId: string,
    send: (init: CallInit) => Promise<RawResult>,
    expect: 'list' | 'list-or-entity' = 'list',
  ): Promise<ListPage<T>> {
    const { body, response, wholeList } = await this.execute(operationId, expect, send);
    const items = (Array.isArray(body) ? body : [body]) as T[];
    // A tolerated bare list is the Seller's whole list: say so, so that paging stops after it.
    return { items, ...parseListHeaders(response.headers), ...(wholeList ? { totalCount: items.length } : {}) };
  }

  private checkBody(
    operationId: string,
    expect: ExpectedBody,
    response: Response,
    raw: unknown,
    context: SonataErrorContext,
  ): { body: unknown; wholeList: boolean } {
    const status = response.status;
    if (expect === 'none') return { body: undefined, wholeList: false };
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      throw new SonataProtocolError({ status, issues: ['empty body where the API defines one'] }, context);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new SonataProtocolError({ status, issues: ['body is not valid JSON'], cause }, context);
    }
    const issues = shapeIssues(expect, body);
    if (issues.length === 0 && this.options.validateResponse) {
      issues.push(...this.options.validateResponse({ api: this.api, operationId, status, body }));
    }
    if (issues.length > 0) throw new SonataProtocolError({ status, issues }, context);
    const conformance = checkResponse(
      {
        api: this.api,
        operationId,
        status,
        body,
        contentType: response.headers.get('Content-Type'),
        hasPagingHeaders: ['X-Total-Count', 'X-Result-Count', 'X-Pagination-Throttled'].some((h) => response.headers.has(h)),
      },
      this.conn.toleratedDeviations ?? DEFAULT_TOLERATED_DEVIATIONS,
    );
    if (conformance.violations.length > 0) {
      throw new SonataSchemaError({ status, violations: conformance.violations, api: this.api, resourceId: operationId.startsWith('list') ? undefined : resourceIdOf(body, response.url) }, context);
    }
    reportToleratedDeviations({ sellerSlug: this.conn.slug, api: this.api, operationId, seen: conformance.seen });
    return { body, wholeList: conformance.wholeList };
  }

  private context(operationId: string, url?: string): SonataErrorContext {
    return { sellerSlug: this.conn.slug, operationId, url: url || this.conn.baseUrls[this.api] };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entityIssues(value: unknown, where: string): string[] {
  if (!isObject(value)) return [`${where} is not an object`];
  if (typeof value.id !== 'string' || value.id === '') return [`${where} has no string id`];
  return [];
}

function shapeIssues(expect: ExpectedBody, body: unknown): string[] {
  switch (expect) {
    case 'none':
      return [];
    case 'object':
      return isObject(body) ? [] : ['body is not an object'];
    case 'entity':
      return entityIssues(body, 'body');
    case 'list-or-entity':
      if (isObject(body)) return entityIssues(body, 'body');
      return shapeIssues('list', body);
    case 'list':
      if (!Array.isArray(body)) return ['body is not an array'];
      return body.flatMap((item, i) => entityIssues(item, `item ${i}`)).slice(0, 5);
  }
}

/** The document's id, or for a call on one resource the last segment of its URL; undefined for a list. */
function resourceIdOf(body: unknown, url: string): string | undefined {
  if (Array.isArray(body)) return undefined;
  if (isObject(body) && typeof body.id === 'string' && body.id !== '') return body.id;
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** Redirects are never followed: a Seller (or anyone on a plain-http path) could point our call at an inside host. */
export function redirectRefused(response: Response, context: SonataErrorContext): SonataProtocolError {
  const location = response.headers.get('Location');
  return new SonataProtocolError(
    { status: response.status, issues: [`redirect (HTTP ${response.status}${location ? ` to ${location.slice(0, 200)}` : ''}) refused: Seller calls do not follow redirects`] },
    context,
  );
}

function hasSystemCode(err: unknown): boolean {
  return isObject(err) && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code);
}
