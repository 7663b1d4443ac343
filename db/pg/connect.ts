import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema';

export type PgDb = NodePgDatabase<typeof schema>;

export const PG_MIGRATIONS_DIR = path.join(process.cwd(), 'db', 'pg', 'migrations');

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Two portal processes starting together must not both apply the migrations. */
const MIGRATION_LOCK_KEY = 7_342_118_905;

/**
 * Where DATABASE_URL points: unset (or empty) and `file:` mean the SQLite file, `postgres://` and `postgresql://` a
 * PostgreSQL database (a unix socket directory may be given as `?host=/path`). Anything else throws a message that
 * names DATABASE_URL and what is wrong, never the URL itself, since it may hold a password.
 */
export function parseDatabaseUrl(value: string | undefined, sqliteFile = './data/portal.db'): DatabaseTarget {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return { kind: 'sqlite', file: sqliteFile };
  if (/^file:/i.test(trimmed)) return { kind: 'sqlite', file: sqliteFileOf(trimmed) };
  if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
    throw new Error('DATABASE_URL must start with postgres://, postgresql:// or file: (or be unset for the SQLite file)');
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL (check the port and that special characters in the user name or password are percent-encoded)');
  }
  const socketDir = url.searchParams.get('host') ?? '';
  if (url.hostname === '' && !socketDir.startsWith('/')) {
    throw new Error('DATABASE_URL names no host (postgres://user:password@HOST:5432/database)');
  }
  if (databaseName(url) === '') {
    throw new Error('DATABASE_URL names no database (postgres://user:password@host:5432/DATABASE)');
  }
  return { kind: 'postgres', url: trimmed };
}

function sqliteFileOf(value: string): string {
  const file = value.startsWith('file://') ? safeFileUrlPath(value) : value.slice('file:'.length);
  if (!file) throw new Error('DATABASE_URL is a file: URL without a path (e.g. file:./data/portal.db)');
  return file;
}

function safeFileUrlPath(value: string): string {
  try {
    return fileURLToPath(value);
  } catch {
    throw new Error('DATABASE_URL is not a valid file: URL (e.g. file:///var/lib/portal/portal.db)');
  }
}

function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

/** The URL as it may be shown: without the password. */
export function describePostgresUrl(value: string): string {
  const url = new URL(value);
  const host = url.hostname || url.searchParams.get('host') || '';
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${url.protocol}//${user}${host}${url.port ? `:${url.port}` : ''}/${databaseName(url)}`;
}

export interface OpenPostgresOptions {
  /** How long to wait for the server before giving up. */
  connectTimeoutMs?: number;
  /** Connections the pool keeps at most. */
  max?: number;
  /** An idle pooled connection failed (e.g. the server restarted); the pool has already dropped it. */
  onIdleError?: (error: Error) => void;
}

/**
 * Connects to PostgreSQL, checks the connection and applies pending migrations (db/pg/migrations). Failures throw a
 * message naming DATABASE_URL and the cause: unreachable server, failed authentication, missing database, missing
 * permission. The password never appears in it.
 */
export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<{ db: PgDb; pool: pg.Pool }> {
  const target = parseDatabaseUrl(url);
  if (target.kind !== 'postgres') throw new Error('DATABASE_URL does not name a PostgreSQL database (postgres:// or postgresql://)');
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, max: options.max ?? 10 });
  // Without a listener an idle connection's error would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  let stage: Stage = 'connect';
  try {
    const client = await pool.connect();
    try {
      await client.query('select 1');
      stage = 'migrate';
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(postgresErrorMessage(error, url, stage, connectTimeoutMs), { cause: error });
  }
  return { db: drizzle(pool, { schema }), pool };
}

type Stage = 'connect' | 'migrate';

/** A PostgreSQL or network failure as one line for the operator, about DATABASE_URL, without its password. */
export function postgresErrorMessage(error: unknown, url: string, stage: Stage, connectTimeoutMs: number): string {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username) || process.env.PGUSER || 'the default user';
  const database = databaseName(parsed);
  const where = `${parsed.hostname || parsed.searchParams.get('host')}${parsed.port ? `:${parsed.port}` : ''}`;
  const coded = codedError(error);
  const code = coded?.code;
  // drizzle wraps a failed query in an error quoting the statement; what the server said is inside.
  const serverText = coded?.message ?? (error instanceof Error ? error.message : String(error));
  let cause: string;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      cause = `cannot reach the server at ${where} (connection refused; is PostgreSQL running and listening there?)`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      cause = `cannot reach the server: the host ${parsed.hostname} is not known`;
      break;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
      cause = `cannot reach the server at ${where} (${code})`;
      break;
    case '28P01':
      cause = `authentication failed for user "${user}" (wrong password)`;
      break;
    case '28000':
      cause = `the server refused user "${user}" (${serverText})`;
      break;
    case '3D000':
      cause = `database "${database}" does not exist on ${where} (create it, or correct the name)`;
      break;
    case '42501':
      cause = `user "${user}" lacks a permission ${stage === 'migrate' ? 'the migrations need' : 'to connect'} (${serverText}); grant it, e.g. CREATE on the database and on schema public, or make the user the owner of the database`;
      break;
    case '53300':
      cause = `the server at ${where} accepts no more connections (${serverText})`;
      break;
    case '57P03':
      cause = `the server at ${where} is not accepting connections yet (${serverText})`;
      break;
    default:
      if (/timeout/i.test(serverText)) {
        cause = `cannot reach the server at ${where}: no answer within ${connectTimeoutMs} ms (timeout)`;
      } else {
        cause = `${stage === 'migrate' ? 'applying the migrations failed' : 'connecting failed'}: ${code ? `${code} ` : ''}${serverText}`;
      }
  }
  return redact(`DATABASE_URL (${describePostgresUrl(url)}): ${cause}`, parsed.password);
}

function codedError(error: unknown): { code: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return { code, message: typeof message === 'string' ? message : code };
  // Node tries each address of a host (IPv4, IPv6) and reports them together.
  const inner = (error as { errors?: unknown[] }).errors?.[0];
  if (inner) return codedError(inner);
  const cause = (error as { cause?: unknown }).cause;
  return cause ? codedError(cause) : undefined;
}

function redact(text: string, encodedPassword: string): string {
  if (!encodedPassword) return text;
  let out = text;
  for (const secret of new Set([encodedPassword, safeDecode(encodedPassword)])) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
