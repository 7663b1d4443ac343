import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SchemaViolation } from '@/lib/sonata/openapi-validator';

export const JSON_MEDIA_TYPE = 'application/json;charset=utf-8';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export type Error422Code =
  | 'missingProperty' | 'invalidValue' | 'invalidFormat' | 'referenceNotFound' | 'unexpectedProperty' | 'tooManyRecords' | 'otherIssue';

export interface Problem422 {
  code: Error422Code;
  reason: string;
  propertyPath?: string;
  message?: string;
}

/** An HTTP answer carrying a MEF error body; thrown inside handlers, written by the server. */
export class MefError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const reason = (text: string) => (text.length > 255 ? text.slice(0, 252) + '...' : text);

export const fail = {
  badRequest: (code: 'missingQueryParameter' | 'missingQueryValue' | 'invalidQuery' | 'invalidBody', text: string, message?: string) =>
    new MefError(400, { code, reason: reason(text), ...(message ? { message } : {}) }),
  unauthorized: (code: 'missingCredentials' | 'invalidCredentials', text: string) =>
    new MefError(401, { code, reason: reason(text) }, { 'WWW-Authenticate': `Bearer error="invalid_token"` }),
  forbidden: (text: string) => new MefError(403, { code: 'accessDenied', reason: reason(text) }),
  notFound: (text: string) => new MefError(404, { code: 'notFound', reason: reason(text) }),
  unprocessable: (problems: Problem422[]) =>
    new MefError(422, problems.map((p) => ({ ...p, reason: reason(p.reason) }))),
  notImplemented: (text: string) => new MefError(501, { code: 'notImplemented', reason: reason(text) }),
  internal: () => new MefError(500, { code: 'internalError', reason: 'The Seller could not process the request' }),
};

export function problem(code: Error422Code, propertyPath: string | undefined, text: string): Problem422 {
  return propertyPath === undefined ? { code, reason: reason(text) } : { code, reason: reason(text), propertyPath };
}

export function violationsToProblems(violations: SchemaViolation[]): Problem422[] {
  return violations.map((v) => {
    const code: Error422Code =
      v.keyword === 'required' ? 'missingProperty'
      : v.keyword === 'format' ? 'invalidFormat'
      : v.keyword === 'unexpectedProperty' ? 'unexpectedProperty'
      : 'invalidValue';
    return problem(code, v.path, `${v.path || 'The body'} ${v.message}`);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_MEDIA_TYPE, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw fail.badRequest('invalidBody', 'The request body is too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** undefined when the request had no body at all. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw fail.badRequest('invalidBody', 'The request body is not valid JSON');
  }
}

/** Decodes one path segment; a malformed escape names no resource. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fail.notFound('Malformed resource id');
  }
}
