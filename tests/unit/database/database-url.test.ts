import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openPostgres, parseDatabaseUrl, postgresErrorMessage } from '@/db/pg/connect';
import { failure } from '@/tests/support/postgres';
import { freePort } from '@/tests/support/free-port';

const PASSWORD = 's3cr3t-Pa55';

function parseFailure(value: string): string {
  try {
    parseDatabaseUrl(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${value} to be refused`);
}

describe('parseDatabaseUrl', () => {
  it('means the SQLite file when unset, empty or a file: URL', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: 'sqlite', file: './data/portal.db' });
    expect(parseDatabaseUrl('  ', '/srv/portal.db')).toEqual({ kind: 'sqlite', file: '/srv/portal.db' });
    expect(parseDatabaseUrl('file:./data/other.db')).toEqual({ kind: 'sqlite', file: './data/other.db' });
    expect(parseDatabaseUrl('file:///var/lib/portal/portal.db')).toEqual({ kind: 'sqlite', file: '/var/lib/portal/portal.db' });
  });

  it('means PostgreSQL for postgres:// and postgresql://, with a host or a socket directory', () => {
    const url = `postgres://portal:${PASSWORD}@db.internal:5432/portal`;
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
    expect(parseDatabaseUrl('postgresql://127.0.0.1/portal')).toEqual({ kind: 'postgres', url: 'postgresql://127.0.0.1/portal' });
    expect(parseDatabaseUrl('postgresql:///portal?host=/var/run/postgresql')).toEqual({ kind: 'postgres', url: 'postgresql:///portal?host=/var/run/postgresql' });
  });

  it.each([
    ['another scheme', `mysql://portal:${PASSWORD}@db.internal/portal`, /^DATABASE_URL must start with postgres:\/\/, postgresql:\/\/ or file:/],
    ['no scheme', `portal:${PASSWORD}@db.internal/portal`, /^DATABASE_URL must start with/],
    ['a malformed URL', `postgres://portal:${PASSWORD}@db.internal:99999/portal`, /^DATABASE_URL is not a valid URL/],
    ['a space in the host', `postgres://portal:${PASSWORD}@db internal/portal`, /^DATABASE_URL is not a valid URL/],
    ['no host', `postgres://portal:${PASSWORD}@/portal`, /^DATABASE_URL (is not a valid URL|names no host)/],
    ['no host, no socket', 'postgresql:///portal', /^DATABASE_URL names no host/],
    ['no database', `postgres://portal:${PASSWORD}@db.internal:5432`, /^DATABASE_URL names no database/],
    ['an empty database', `postgres://portal:${PASSWORD}@db.internal:5432/`, /^DATABASE_URL names no database/],
    ['a file: URL without a path', 'file:', /^DATABASE_URL is a file: URL without a path/],
  ])('refuses %s, naming DATABASE_URL and the cause without the password', (_, value, message) => {
    const text = parseFailure(value);
    expect(text).toMatch(message);
    expect(text).not.toContain(PASSWORD);
  });
});

describe('openPostgres without a server', () => {
  it('says the server cannot be reached when nothing listens on the port', async () => {
    const port = await freePort();
    const error = await failure(openPostgres(`postgres://portal:${PASSWORD}@127.0.0.1:${port}/portal`));
    expect(error.message).toBe(
      `DATABASE_URL (postgres://portal@127.0.0.1:${port}/portal): cannot reach the server at 127.0.0.1:${port} (connection refused; is PostgreSQL running and listening there?)`,
    );
    expect(error.message).not.toContain(PASSWORD);
  });

  it('gives up with a timeout when the server does not answer', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const error = await failure(openPostgres(`postgresql://portal:${PASSWORD}@127.0.0.1:${port}/portal`, { connectTimeoutMs: 300 }));
      expect(error.message).toBe(`DATABASE_URL (postgresql://portal@127.0.0.1:${port}/portal): cannot reach the server at 127.0.0.1:${port}: no answer within 300 ms (timeout)`);
    } finally {
      silent.close();
    }
  });

  it('refuses a URL that does not name PostgreSQL before connecting', async () => {
    const error = await failure(openPostgres('file:./data/portal.db'));
    expect(error.message).toMatch(/^DATABASE_URL does not name a PostgreSQL database/);
  });

  it('names an unknown host, and keeps the password out of what the server said', () => {
    const url = `postgres://portal:${encodeURIComponent('p@ss word')}@db.invalid:5432/portal`;
    expect(postgresErrorMessage(Object.assign(new Error('getaddrinfo ENOTFOUND db.invalid'), { code: 'ENOTFOUND' }), url, 'connect', 1000)).toBe(
      'DATABASE_URL (postgres://portal@db.invalid:5432/portal): cannot reach the server: the host db.invalid is not known',
    );
    const echoed = postgresErrorMessage(Object.assign(new Error('odd failure near "p@ss word"'), { code: 'XX000' }), url, 'migrate', 1000);
    expect(echoed).toBe('DATABASE_URL (postgres://portal@db.invalid:5432/portal): applying the migrations failed: XX000 odd failure near "***"');
  });
});
