import { isIP } from 'node:net';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === 'true' || v === '1'));

const ROLE_NAMES = ['noc', 'manager', 'coordinator', 'admin'] as const;

/**
 * `value=role` pairs in order of precedence (the first value the user holds decides), separated by commas, or by
 * semicolons when values contain commas (LDAP group names). The role is after the last `=`.
 */
const roleMap = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return [];
    const entries: Array<{ value: string; role: (typeof ROLE_NAMES)[number] }> = [];
    for (const part of v.split(v.includes(';') ? ';' : ',')) {
      const at = part.lastIndexOf('=');
      const value = part.slice(0, at).trim();
      const role = part.slice(at + 1).trim();
      if (at < 1 || !value || !(ROLE_NAMES as readonly string[]).includes(role)) {
        ctx.addIssue({ code: 'custom', message: `"${part.trim()}" is not value=role with a role of ${ROLE_NAMES.join(', ')}` });
        return z.NEVER;
      }
      entries.push({ value, role: role as (typeof ROLE_NAMES)[number] });
    }
    return entries;
  });

const key32 = z
  .string()
  .trim()
  .refine((v) => decodeKey(v)?.length === 32, 'must be 32 bytes, given as 64 hex characters or base64');

/** Addresses or CIDR blocks, separated by commas or spaces (parsed for use by lib/sonata/egress.ts). */
const addressList = z
  .string()
  .trim()
  .default('')
  .refine(
    (v) =>
      v.split(/[\s,]+/).filter(Boolean).every((entry) => {
        const [address = '', prefix] = entry.split('/');
        const family = isIP(address.replace(/^\[|\]$/g, ''));
        return family !== 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
      }),
    'must list IP addresses or CIDR blocks, e.g. 127.0.0.1,10.20.0.0/16',
  );

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_PATH: z.string().trim().min(1).default('./data/portal.db'),
    NEXTAUTH_URL: z.url().optional(),
    NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters'),
    /** Encrypts Seller client secrets at rest. */
    SECRETS_KEY: key32,
    SELLERS_FILE: optionalString,
    OIDC_ISSUER: z.url().optional().or(z.literal('').transform(() => undefined)),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: z.string().trim().default('Company SSO'),
    /** Role given to an SSO user seen for the first time. */
    OIDC_DEFAULT_ROLE: z.enum(ROLE_NAMES).default('noc'),
    /** Scopes asked for at the provider; add the one that releases the role claim if the provider needs it. */
    OIDC_SCOPES: z.string().trim().default('openid email profile'),
    /** Links an existing local account with the same e-mail, only when the provider marks the e-mail verified. */
    OIDC_LINK_VERIFIED_EMAIL: flag(false),
    /** Claim holding the user's directory groups or roles (e.g. `groups`), mapped through OIDC_ROLE_MAP at each sign-in. */
    OIDC_ROLE_CLAIM: optionalString,
    OIDC_ROLE_MAP: roleMap,
    /** Password sign-in is turned off for everyone but OIDC_BREAK_GLASS_EMAIL. */
    OIDC_ONLY: flag(false),
    OIDC_BREAK_GLASS_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).optional().or(z.literal('').transform(() => undefined)),
    /** Signing out of the portal also ends the provider session when the provider advertises end_session_endpoint. */
    OIDC_END_SESSION: flag(true),
    /** Sign-in failures of one account from one address before each further one doubles the wait (1 s, 2 s, …). */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    /** Longest wait after repeated failures, for one account from one address and for one address. */
    LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** Longest wait for an account across all addresses: short, so nobody elsewhere can shut its owner out. */
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** Failures are forgotten (and their rows deleted) after this long without one. */
    LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    /** Reverse proxies of ours in front of the portal, each appending the address it saw to X-Forwarded-For. */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Public base URL Sellers use to reach our listeners; defaults to NEXTAUTH_URL. */
    PUBLIC_URL: z.url().optional(),
    ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
    /** Bytes of files one user may hold staged (uploaded, not yet sent with a ticket form) at once. */
    ATTACHMENT_USER_QUOTA_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
    /** Hours a staged file waits for its ticket form before it is deleted. */
    ATTACHMENT_STAGING_HOURS: z.coerce.number().min(0.01).max(24 * 7).default(24),
    /** Signs the tokens Sellers present to our listeners; derived from NEXTAUTH_SECRET when unset. */
    LISTENER_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional().or(z.literal('').transform(() => undefined)),
    /** How often each Seller's ticket list is compared with the cache, to catch missed notifications. */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(5_000).optional(),
    /** How long the change feed keeps entries: a browser offline longer than this reloads instead of replaying. */
    CHANGE_FEED_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 30).default(24),
    /** Resources the sync worker fetches at once from one Seller (different resources; one resource is always in order). */
    INBOX_SELLER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /** `child` (default): Seller notifications are fetched and applied in a child process started with the server;
     *  `inline`: in the server process itself. */
    SYNC_PROCESS: z.enum(['child', 'inline']).default('child'),
    /** Live streams (/api/live) one user may hold open at once; a browser opens one per tab. */
    LIVE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100).default(8),
    /** After a refresh of a list from the Sellers (incidents, work orders and appointments), how long before the next. */
    SELLER_REFRESH_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    /** How often each Seller's incident list is refreshed. */
    INCIDENT_REFRESH_MS: z.coerce.number().int().min(5_000).default(10 * 60_000),
    /** Non-public addresses (loopback, private, link-local) Seller calls may reach; none by default. */
    SELLER_EGRESS_ALLOW: addressList,
    /** Largest Seller answer (MEF APIs, hubs) read, in bytes; a larger one is a Seller error. */
    SELLER_RESPONSE_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
    /** Sandbox only: hand fresh listener credentials to Sellers whose origin serves the sandbox control API. */
    SANDBOX_CREDENTIAL_PUSH: flag(false),
    /** Earlier SECRETS_KEY values (comma-separated), still read until `npm run secrets:rotate` has re-sealed. */
    SECRETS_KEY_PREVIOUS: z
      .string()
      .trim()
      .default('')
      .refine((v) => v.split(',').map((k) => k.trim()).filter(Boolean).every((k) => decodeKey(k)?.length === 32), 'each key must be 32 bytes, as 64 hex characters or base64'),
    /** Bearer token a Prometheus scraper presents at /api/metrics; the endpoint answers 404 while it is unset. */
    METRICS_TOKEN: z.string().trim().min(32, 'must be at least 32 characters').optional().or(z.literal('').transform(() => undefined)),
    /** fatal, error, warn, info (default), debug, trace or silent. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** How long audit entries are kept; older ones are removed once a day. */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(400),
  })
  .superRefine((v, ctx) => {
    if (v.ATTACHMENT_USER_QUOTA_BYTES < v.ATTACHMENT_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['ATTACHMENT_USER_QUOTA_BYTES'], message: 'must be at least ATTACHMENT_MAX_BYTES' });
    }
    const oidc = [v.OIDC_ISSUER, v.OIDC_CLIENT_ID, v.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      for (const name of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
        if (!v[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when any OIDC_* variable is set' });
      }
    }
    if (v.OIDC_ONLY && !v.OIDC_ISSUER) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ONLY'], message: 'needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET' });
    }
    if (v.OIDC_ROLE_CLAIM && v.OIDC_ROLE_MAP.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ROLE_MAP'], message: 'required when OIDC_ROLE_CLAIM is set' });
    }
    if (!v.OIDC_ROLE_CLAIM && v.OIDC_ROLE_MAP.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ROLE_CLAIM'], message: 'required when OIDC_ROLE_MAP is set' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example.`);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated configuration; fails fast with a message naming each bad variable. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function decodeKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  try {
    const buf = Buffer.from(value, 'base64');
    return buf.length === 32 ? buf : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the cached configuration (tests that change process.env). */
export function resetEnv(): void {
  cached = undefined;
}
