import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres } from '@/db/pg/connect';
import { describeOnPostgres, failure } from '@/tests/support/postgres';

function withUrl(url: string, change: (u: URL) => void): string {
  const u = new URL(url);
  change(u);
  return u.toString();
}

describeOnPostgres('openPostgres against a server that refuses', (server) => {
  const suffix = randomBytes(4).toString('hex');
  const role = `portal_no_create_${suffix}`;
  const rolePassword = `role-${randomBytes(8).toString('hex')}`;
  const lockedDatabase = `portal_locked_${suffix}`;
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: server().url });
    await admin.connect();
    await admin.query(`create database "${lockedDatabase}"`);
    await admin.query(`create role "${role}" login password '${rolePassword}'`);
    // CREATE on the database (so the migration bookkeeping schema can be made) but not on schema public.
    await admin.query(`grant connect, create on database "${lockedDatabase}" to "${role}"`);
  });

  afterAll(async () => {
    await admin.query(`drop database if exists "${lockedDatabase}" with (force)`);
    await admin.query(`drop role if exists "${role}"`);
    await admin.end();
  });

  it('says authentication failed for a wrong password, without either password', async () => {
    const right = decodeURIComponent(new URL(server().url).password);
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const url = withUrl(server().url, (u) => (u.password = wrong));
    const error = await failure(openPostgres(url));
    expect(error.message).toMatch(/^DATABASE_URL \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/portal_test_\w+\): authentication failed for user "postgres" \(wrong password\)$/);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(right);
    expect((error.cause as Error).message).not.toContain(wrong);
  });

  it('says the database does not exist', async () => {
    const url = withUrl(server().url, (u) => (u.pathname = '/no_such_portal_db'));
    const error = await failure(openPostgres(url));
    expect(error.message).toMatch(/^DATABASE_URL \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/no_such_portal_db\): database "no_such_portal_db" does not exist on 127\.0\.0\.1:\d+ \(create it, or correct the name\)$/);
    expect(error.message).not.toContain(decodeURIComponent(new URL(server().url).password));
  });

  it('says which permission is missing when the user cannot create tables in schema public', async () => {
    const url = withUrl(server().url, (u) => {
      u.username = role;
      u.password = rolePassword;
      u.pathname = `/${lockedDatabase}`;
    });
    const error = await failure(openPostgres(url));
    expect(error.message).toContain(`DATABASE_URL (postgres://${role}@`);
    expect(error.message).toContain(`user "${role}" lacks a permission the migrations need (permission denied for schema public)`);
    expect(error.message).not.toContain(rolePassword);
    const tables = await new pg.Client({ connectionString: withUrl(server().url, (u) => (u.pathname = `/${lockedDatabase}`)) });
    await tables.connect();
    try {
      const { rows } = await tables.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
      expect(rows[0].n).toBe(0);
    } finally {
      await tables.end();
    }
  });
});
