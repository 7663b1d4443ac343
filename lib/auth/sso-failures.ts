import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerInstance } from 'next-auth';
import type { SsoFailure } from './sso-messages';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const JWT_LIKE = /\b[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g;

/** An error message fit for the log: one line, no token, bounded. */
export function loggableMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const code = (error as { code?: unknown } | null)?.code;
  const line = `${typeof code === 'string' && !message.includes(code) ? `${code} ` : ''}${message}`;
  return line.replace(JWT_LIKE, '[token]').replace(/\s+/g, ' ').trim().slice(0, 300) || 'no detail';
}

/** Which of the person-facing failures a next-auth error is: provider down, provider or portal set up wrongly, … */
export function classifySsoError(logCode: string, error: unknown): SsoFailure {
  const message = loggableMessage(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'SsoUnreachable';
  if (/timed out|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|got: 5\d\d\b/i.test(message)) return 'SsoUnreachable';
  if (logCode === 'OAUTH_CALLBACK_HANDLER_ERROR') {
    return /access_denied|login_required|consent_required|interaction_required/.test(message) ? 'SsoCancelled' : 'SsoMisconfigured';
  }
  if (/cookie was missing|could not be parsed|cookie was created for a different provider/i.test(message)) return 'SsoRetry';
  return 'SsoMisconfigured';
}

interface FailureSlot {
  failure?: SsoFailure;
}

const slot = new AsyncLocalStorage<FailureSlot>();

/** Runs one next-auth request and reports the SSO failure its logger saw, if any. */
export async function withSsoFailureCapture<T>(run: () => Promise<T>): Promise<{ result: T; failure?: SsoFailure }> {
  const store: FailureSlot = {};
  const result = await slot.run(store, run);
  return { result, failure: store.failure };
}

const SSO_ERROR_CODES = new Set(['SIGNIN_OAUTH_ERROR', 'OAUTH_CALLBACK_ERROR', 'OAUTH_CALLBACK_HANDLER_ERROR', 'OAUTH_PARSE_PROFILE_ERROR']);

function errorOf(metadata: unknown): unknown {
  if (metadata instanceof Error) return metadata;
  const inner = (metadata as { error?: unknown } | null)?.error;
  return inner ?? metadata;
}

/**
 * next-auth's own logger prints stacks and whole profiles. This one writes one line per failure, without stack or
 * token, and notes the SSO failure for the request so the login page can say which it was.
 */
export const authLogger: Partial<LoggerInstance> = {
  error(code, metadata) {
    const error = errorOf(metadata);
    if (SSO_ERROR_CODES.has(code)) {
      const failure = classifySsoError(code, error);
      const store = slot.getStore();
      if (store) store.failure ??= failure;
      console.error(`[sso] sign-in failed (${failure}) at ${code}: ${loggableMessage(error)}`);
      return;
    }
    console.error(`[auth] ${code}: ${loggableMessage(error)}`);
  },
  warn(code) {
    console.warn(`[auth] warning ${code}`);
  },
  debug() {},
};
