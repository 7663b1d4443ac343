import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { metricsProcessName } from './metrics';

/**
 * The portal's structured log: one JSON object per line on stdout (pretty only when a terminal reader asks for it,
 * as the demo does by piping through pino-pretty). Members that could carry a secret, a token or personal contact
 * data are censored wherever they appear in an object, two levels deep; callers log ids, never people or secrets.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SENSITIVE = [
  'authorization',
  'Authorization',
  'token',
  'accessToken',
  'access_token',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'email',
  'emailAddress',
  'phone',
  'phoneNumber',
  'cookie',
  'body',
];
const REDACT = SENSITIVE.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

function level(): LogLevel {
  const wanted = process.env.LOG_LEVEL?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(wanted ?? '') ? (wanted as LogLevel) : 'info';
}

interface Logs {
  censored: Logger;
  plain: Logger;
  children: Map<string, Logger>;
  callChildren: Map<string, CallLogger>;
}
const KEY = Symbol.for('sonata-portal.log');
const holder = globalThis as unknown as { [KEY]?: Logs };

function options(wanted: LogLevel, censored: boolean): pino.LoggerOptions {
  return {
    level: wanted,
    base: { proc: metricsProcessName(), pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...(censored ? { redact: { paths: REDACT, censor: '[redacted]' } } : {}),
    serializers: { err: errorSerializer },
  };
}

/** A logger with the portal's settings, writing to `destination` (stdout by default). */
export function createLog(destination?: pino.DestinationStream, wanted: LogLevel = level()): Logger {
  // Buffered, never blocking: a synchronous write to a full stdout pipe would hold up the very request it logs.
  return pino(options(wanted, true), destination ?? pino.destination({ dest: 1, sync: false }));
}

/** The censor-free logger of fixed-shape lines, writing to `destination` (see callLogger). */
export function createCallLog(destination: pino.DestinationStream, wanted: LogLevel = level()): Logger {
  return pino(options(wanted, false), destination);
}

function logs(): Logs {
  if (!holder[KEY]) {
    // One buffer for both, so that their lines never interleave mid-line.
    const destination = pino.destination({ dest: 1, sync: false });
    holder[KEY] = { censored: createLog(destination), plain: createCallLog(destination), children: new Map(), callChildren: new Map() };
  }
  return holder[KEY];
}

export function log(): Logger {
  return logs().censored;
}

/** A component's logger: `logger('outbox').info({ outboxId }, 'delivered')`. */
export function logger(component: string): Logger {
  const { children, censored } = logs();
  let child = children.get(component);
  if (!child) {
    child = censored.child({ component });
    children.set(component, child);
  }
  return child;
}

/** What a call line may hold: identifiers, enum values, numbers, never free text or objects. */
export type CallLine = Record<string, string | number | boolean | null | undefined>;
export interface CallLogger {
  info(line: CallLine, message: string): void;
}

/**
 * The logger of one line per call on hot paths (a Seller's notification): its members are flat ids, outcomes and
 * durations by type, so the censoring walk over every member, which costs more than the rest of the line, is skipped.
 * Anything else (errors, objects, free text) goes through logger().
 */
export function callLogger(component: string): CallLogger {
  const { callChildren, plain } = logs();
  let child = callChildren.get(component);
  if (!child) {
    child = plain.child({ component });
    callChildren.set(component, child);
  }
  return child;
}

/** An error's kind and message only: stacks and attached bodies stay out of the log. */
function errorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const out: Record<string, unknown> = { type: err.name, message: scrub(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') out.status = status;
  return out;
}

const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Free text (error messages) with tokens and e-mail addresses masked. */
export function scrub(text: string): string {
  return text.replace(BEARER, '$1 [redacted]').replace(JWT, '[redacted-jwt]').replace(EMAIL, '[redacted-email]').slice(0, 1000);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The caller's X-Request-ID when it is a plain identifier, else a new one. */
export function requestIdOf(request: Request | undefined): string {
  return requestIdFrom(request?.headers.get('x-request-id'));
}

export function requestIdFrom(header: string | null | undefined): string {
  const given = header?.trim();
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}
