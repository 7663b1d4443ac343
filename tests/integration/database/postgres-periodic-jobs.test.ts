import { eq } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type PgDb } from '@/db/pg/connect';
import { periodicJobs } from '@/db/pg/schema';
import { periodicJobClaim } from '@/lib/sync/periodic-jobs';
import { describeOnPostgres } from '@/tests/support/postgres';

/** The periodic jobs' claim, the very statement the SQLite path runs, on PostgreSQL from two pools at once. */
describeOnPostgres('periodic job claims on PostgreSQL', (server) => {
  const instances: Array<{ db: PgDb; pool: pg.Pool }> = [];

  beforeAll(async () => {
    instances.push(await openPostgres(server().url, { max: 8 }), await openPostgres(server().url, { max: 8 }));
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.pool.end()));
  });

  async function claim(instance: number, owner: string, now: number, everyMs = 30_000, leaseMs = 60_000): Promise<boolean> {
    const result = await instances[instance]!.db.execute(periodicJobClaim({ name: 'hub-check', owner, everyMs, leaseMs, now }));
    return result.rows.length === 1;
  }

  it('lets exactly one of many concurrent claims from two instances win', async () => {
    const now = Date.parse('2026-12-03T10:00:00.000Z');
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => claim(i % 2, `host-${i % 2}:${i}:x`, now + (i % 5))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    const [row] = await instances[0]!.db.select().from(periodicJobs).where(eq(periodicJobs.name, 'hub-check'));
    expect(row).toMatchObject({ leaseOwner: `host-${winner % 2}:${winner}:x`, lastStartedAt: new Date(now + (winner % 5)).toISOString() });
  });

  it('refuses a held lease and a period not yet over, and takes an expired lease once the period is over', async () => {
    const now = Date.parse('2026-12-03T11:00:00.000Z');
    expect(await claim(0, 'host-0:1:a', now)).toBe(true);
    expect(await claim(1, 'host-1:2:b', now + 40_000)).toBe(false);
    expect(await claim(1, 'host-1:2:b', now + 60_000)).toBe(true);
    expect(await claim(0, 'host-0:1:a', now + 89_999)).toBe(false);
  });
});
