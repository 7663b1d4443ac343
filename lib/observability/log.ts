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

const KEY = Symbol.for('sonata-portal.log');
const holder = globalThis as unknown as { [KEY]?: Logger };

/** A logger with the portal's settings, writing to `destination` (stdout by default). */
export function createLog(destination?: pino.DestinationStream, wanted: LogLevel = level()): Logger {
  const options: pino.LoggerOptions = {
    level: wanted,
    base: { proc: metricsProcessName(), pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: errorSerializer },
  };
  // Buffered, never blocking: a synchronous write to a full stdout pipe would hold up the very request it logs.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export function log(): Logger {
  holder[KEY] ??= createLog();
  return holder[KEY];
}

/** A component's logger: `logger('outbox').info({ outboxId }, 'delivered')`. */
export function logger(component: string): Logger {
  return log().child({ component });
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
  const given = request?.headers.get('x-request-id')?.trim();
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}
