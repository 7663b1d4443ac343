import fs from 'node:fs';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { is } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, PG_MIGRATIONS_DIR, type PgDb } from '@/db/pg/connect';
import * as pgSchema from '@/db/pg/schema';
import { ticketTextMatch } from '@/db/pg/ticket-search';
import { describeOnPostgres } from '@/tests/support/postgres';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What the migrations made: tables and their columns, indexes, triggers and functions of schema public. */
async function catalog(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ item: string }>(`
    select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as item
      from information_schema.columns where table_schema = 'public'
    union all select 'index ' || indexdef from pg_indexes where schemaname = 'public'
    union all select 'trigger ' || tgname || ' on ' || tgrelid::regclass from pg_trigger where not tgisinternal
    union all select 'function ' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'
    order by 1`);
  return rows.map((r) => r.item);
}

describeOnPostgres('PostgreSQL migrations (db/pg/migrations)', (server) => {
  let pool: pg.Pool;
  let db: PgDb;
  let userId: number;
  let sellerId: number;

  beforeAll(async () => {
    ({ pool, db } = await openPostgres(server().url));
    const [user] = await db.insert(pgSchema.users).values({ email: 'noc@example.test', name: 'NOC', role: 'noc' }).returning();
    const [seller] = await db
      .insert(pgSchema.sellers)
      .values({ slug: 'acme', name: 'Acme', troubleTicketBaseUrl: 'https://acme.test', appointmentBaseUrl: 'https://acme.test', workOrderBaseUrl: 'https://acme.test', tokenUrl: 'https://acme.test/token', clientId: 'c', clientSecretEnc: 'x' })
      .returning();
    userId = user!.id;
    sellerId = seller!.id;
  });

  afterAll(async () => {
    await pool?.end();
  });

  it('applies every migration to an empty database, creating every table of the schema', async () => {
    const files = fs.readdirSync(PG_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    const applied = await pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(applied.rows[0].n).toBe(files.length);
    const tables = await pool.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' order by 1");
    const expected = Object.values(pgSchema)
      .filter((v) => is(v, PgTable))
      .map((t) => getTableConfig(t as PgTable).name)
      .sort();
    expect(tables.rows.map((r) => r.table_name)).toEqual(expected);
  });

  it('applies again as a no-op', async () => {
    const before = await catalog(pool);
    const again = await openPostgres(server().url);
    await again.pool.end();
    const applied = await pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(applied.rows[0].n).toBe(fs.readdirSync(PG_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
    expect(await catalog(pool)).toEqual(before);
  });

  it('fills defaults as SQLite does: ISO dates in UTC, booleans, JSON', async () => {
    const [seller] = await db.select().from(pgSchema.sellers);
    expect(seller!.createdAt).toMatch(ISO_UTC);
    expect(seller!.enabled).toBe(true);
    expect(seller!.toleratedDeviations).toEqual({ known: ['listItemsMissingRequired', 'mediaTypeWithoutCharset', 'unknownMembers', 'bareWorkOrderList'], allowed: [] });
  });

  it('keeps the audit trail append-only: no update, no delete of a recent entry, no truncate', async () => {
    const [entry] = await db.insert(pgSchema.auditLog).values({ userId, actor: 'noc@example.test', action: 'ticket.create', entityType: 'ticket', entityId: '1', detail: { a: 1 } }).returning();
    expect(entry!.at).toMatch(ISO_UTC);
    await expect(pool.query("update audit_log set action = 'ticket.cancel' where id = $1", [entry!.id])).rejects.toThrow('audit entries cannot be changed');
    await expect(pool.query('update audit_log set user_id = null, actor = $2 where id = $1', [entry!.id, 'someone else'])).rejects.toThrow('audit entries cannot be changed');
    await expect(pool.query('delete from audit_log where id = $1', [entry!.id])).rejects.toThrow('audit entries younger than 30 days cannot be deleted');
    await expect(pool.query('truncate audit_log')).rejects.toThrow('the audit trail cannot be truncated');
    const kept = await pool.query('select action, user_id from audit_log where id = $1', [entry!.id]);
    expect(kept.rows).toEqual([{ action: 'ticket.create', user_id: String(userId) }]);
  });

  it('lets retention delete entries older than 30 days, and a deleted user leave their entries without a user', async () => {
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const [stale] = await db.insert(pgSchema.auditLog).values({ at: old, actor: 'x', action: 'sign-in', entityType: 'user', entityId: '1' }).returning();
    expect((await pool.query('delete from audit_log where id = $1', [stale!.id])).rowCount).toBe(1);

    const [leaver] = await db.insert(pgSchema.users).values({ email: 'leaver@example.test', name: 'Leaver', role: 'noc' }).returning();
    const [entry] = await db.insert(pgSchema.auditLog).values({ userId: leaver!.id, actor: 'leaver@example.test', action: 'sign-in', entityType: 'user', entityId: String(leaver!.id) }).returning();
    await pool.query('delete from users where id = $1', [leaver!.id]);
    const kept = await pool.query('select user_id, actor from audit_log where id = $1', [entry!.id]);
    expect(kept.rows).toEqual([{ user_id: null, actor: 'leaver@example.test' }]);
  });

  it('finds a ticket by a word of its description, a prefix of one, and part of its id', async () => {
    const base = { sellerId, productId: 'P-1', severity: 'major', priority: '2', ticketType: 'assistance', observedImpact: 'degraded', document: {} };
    const [fibre] = await db.insert(pgSchema.tickets).values({ ...base, externalId: 'NOC-2026-000123', sellerTicketId: 'TT-77', description: 'Fibre cut near the Basel exchange' }).returning();
    await db.insert(pgSchema.tickets).values({ ...base, externalId: 'NOC-2026-000124', description: 'Jitter on the backup circuit' });
    const found = async (text: string) =>
      (await db.select({ externalId: pgSchema.tickets.externalId }).from(pgSchema.tickets).where(ticketTextMatch(text)).orderBy(pgSchema.tickets.id)).map((r) => r.externalId);
    expect(await found('basel')).toEqual(['NOC-2026-000123']);
    expect(await found('exch fibre')).toEqual(['NOC-2026-000123']);
    expect(await found('000123')).toEqual(['NOC-2026-000123']);
    expect(await found('NOC-2026-000124')).toEqual(['NOC-2026-000124']);
    expect(await found('TT-77')).toEqual(['NOC-2026-000123']);
    expect(await found('NOC-2026')).toEqual(['NOC-2026-000123', 'NOC-2026-000124']);
    expect(await found('basel jitter')).toEqual([]);
    expect(await found("it's (a) & | ! :* test")).toEqual([]);

    await db.update(pgSchema.tickets).set({ description: 'Power failure at the Zurich site' }).where(ticketTextMatch('NOC-2026-000123')!);
    expect(await found('basel')).toEqual([]);
    expect(await found('zurich')).toEqual([fibre!.externalId]);
    const plan = await pool.query("select indexdef from pg_indexes where indexname = 'tickets_search_idx'");
    expect(plan.rows[0].indexdef).toContain('USING gin (search_vector)');
  });

  it('derives the incident columns from the document, a bad date as null', async () => {
    const [incident] = await db
      .insert(pgSchema.incidents)
      .values({
        sellerId,
        sellerResourceId: 'INC-1',
        status: 'acknowledged',
        document: { severity: 'critical', creationDate: '2026-11-27T10:00:00+02:00', closedDate: 'not a date', expectedClosedDate: '2026-02-30T00:00:00Z', situationStartDate: '2026-11-27T08:00:00.1237Z', relatedEntity: [{ id: 'P-1' }] },
        documentHash: 'h',
        fetchedAt: '2026-11-27T08:00:00.000Z',
        updatedAt: '2026-11-27T08:00:00.000Z',
      })
      .returning();
    expect(incident).toMatchObject({
      severity: 'critical',
      priority: null,
      creationDate: '2026-11-27T08:00:00.000Z',
      situationStartDate: '2026-11-27T08:00:00.124Z',
      closedDate: null,
      expectedClosedDate: null,
    });
    expect(JSON.parse(incident!.relatedEntities!)).toEqual([{ id: 'P-1' }]);
  });

  it('keeps partial indexes partial and unique keys unique', async () => {
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>("select indexname, indexdef from pg_indexes where schemaname = 'public' and indexdef like '% WHERE %'");
    expect(rows).toEqual([{ indexname: 'inbox_pending_resource_idx', indexdef: expect.stringMatching(/ON public\.inbox USING btree \(seller_id, resource_id, id\) WHERE \(state = 'pending'::text\)$/) }]);
    await expect(pool.query("insert into users (email, name, role) values ('noc@example.test', 'Twin', 'noc')")).rejects.toThrow(/users_email_uq/);
  });
});
