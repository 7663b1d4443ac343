import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeDb, getDb, openDatabase, type Db } from '@/db';
import { periodicJobs } from '@/db/schema';
import { startAuditRetention } from '@/lib/sync/audit-retention';
import { claimPeriodicJob, defaultLeaseMs, processOwner, runPeriodically, type PeriodicJob } from '@/lib/sync/periodic-jobs';
import { usePortalTestEnv } from '../../support/portal-env';

const EVERY_MS = 1_000;
const T0 = Date.parse('2026-12-03T10:00:00.000Z');

let dbPath: string;
const extraConnections: Array<{ close(): void }> = [];
const jobs: PeriodicJob[] = [];

function secondConnection(): Db {
  const { db, sqlite } = openDatabase(dbPath);
  extraConnections.push(sqlite);
  return db;
}

function start(...args: Parameters<typeof runPeriodically>): PeriodicJob {
  const job = runPeriodically(...args);
  jobs.push(job);
  return job;
}

async function row(name = 'sla-sweep') {
  return (await getDb().select().from(periodicJobs).where(eq(periodicJobs.name, name)))[0];
}

beforeEach(() => {
  ({ dbPath } = usePortalTestEnv());
  getDb();
});

afterEach(async () => {
  await Promise.all(jobs.splice(0).map((job) => job.stop()));
  vi.useRealTimers();
  for (const connection of extraConnections.splice(0)) connection.close();
  closeDb();
});

function useFakeClock() {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

describe('two instances on one database', () => {
  it('run the job once per period, not once per instance', async () => {
    useFakeClock();
    const starts: Array<{ at: number; instance: string }> = [];
    const work = (instance: string) => async () => {
      starts.push({ at: Date.now(), instance });
    };
    const other = secondConnection();
    start('sla-sweep', EVERY_MS, work('a'), { atStart: true, jitterMs: 0, owner: 'host-a:1:aaaa' });
    start('sla-sweep', EVERY_MS, work('b'), { jitterMs: 0, owner: 'host-b:2:bbbb', db: other });
    await vi.advanceTimersByTimeAsync(10 * EVERY_MS);
    expect(starts.map((s) => s.at)).toEqual(Array.from({ length: 11 }, (_, k) => T0 + k * EVERY_MS));
    const last = await row();
    expect(last).toMatchObject({ leaseOwner: null, leaseUntil: null, lastOutcome: 'ok', lastError: null });
    expect(last?.lastStartedAt).toBe(new Date(T0 + 10 * EVERY_MS).toISOString());
  });

  it('with jittered ticks still never run it twice within a period, nor skip one', async () => {
    useFakeClock();
    const starts: number[] = [];
    const work = async () => {
      starts.push(Date.now());
    };
    const jitterMs = 300;
    start('reconciliation', EVERY_MS, work, { atStart: true, jitterMs, owner: 'host-a:1:aaaa' });
    start('reconciliation', EVERY_MS, work, { jitterMs, owner: 'host-b:2:bbbb', db: secondConnection() });
    await vi.advanceTimersByTimeAsync(30 * EVERY_MS);
    expect(starts.length).toBeGreaterThanOrEqual(23);
    expect(starts.length).toBeLessThanOrEqual(31);
    for (let i = 1; i < starts.length; i++) {
      const gap = starts[i]! - starts[i - 1]!;
      expect(gap).toBeGreaterThanOrEqual(EVERY_MS);
      expect(gap).toBeLessThanOrEqual(EVERY_MS + jitterMs);
    }
  });
});

describe('leases', () => {
  it('take over the job of an instance that died mid-run once its lease has expired, not before', async () => {
    useFakeClock();
    await getDb()
      .insert(periodicJobs)
      .values({
        name: 'sla-sweep',
        leaseOwner: 'gone-host:99:dead',
        leaseUntil: new Date(T0 + 5 * EVERY_MS).toISOString(),
        lastStartedAt: new Date(T0 - 60 * EVERY_MS).toISOString(),
      });
    const starts: number[] = [];
    start('sla-sweep', EVERY_MS, async () => void starts.push(Date.now()), { atStart: true, jitterMs: 0, owner: 'host-a:1:aaaa' });
    await vi.advanceTimersByTimeAsync(4 * EVERY_MS);
    expect(starts).toEqual([]);
    expect(await row()).toMatchObject({ leaseOwner: 'gone-host:99:dead', lastFinishedAt: null });
    await vi.advanceTimersByTimeAsync(EVERY_MS);
    expect(starts).toEqual([T0 + 5 * EVERY_MS]);
    expect(await row()).toMatchObject({ leaseOwner: null, lastOutcome: 'ok', lastStartedAt: new Date(T0 + 5 * EVERY_MS).toISOString() });
  });

  it('last a few periods by default, within a minute and an hour', () => {
    expect(defaultLeaseMs(15_000)).toBe(60_000);
    expect(defaultLeaseMs(5 * 60_000)).toBe(15 * 60_000);
    expect(defaultLeaseMs(24 * 3600_000)).toBe(3600_000);
  });

  it('name this process by host, pid and a random part', () => {
    expect(processOwner()).toMatch(new RegExp(`^.+:${process.pid}:[0-9a-f]{12}$`));
    expect(processOwner()).toBe(processOwner());
  });
});

describe('a job that throws', () => {
  it('records the failure with a scrubbed, capped error, frees the job and runs again next period', async () => {
    useFakeClock();
    let calls = 0;
    start(
      'audit-retention',
      EVERY_MS,
      async () => {
        if (++calls === 1) throw new Error(`Seller answered 500 to Bearer abc.def.ghi for ops@example.net ${'x'.repeat(2_000)}`);
      },
      { atStart: true, jitterMs: 0, owner: 'host-a:1:aaaa' },
    );
    await vi.advanceTimersByTimeAsync(0);
    const failed = await row('audit-retention');
    expect(failed).toMatchObject({ leaseOwner: null, leaseUntil: null, lastOutcome: 'failed', lastFinishedAt: new Date(T0).toISOString() });
    expect(failed?.lastError).toContain('Seller answered 500 to Bearer [redacted]');
    expect(failed?.lastError).not.toContain('ops@example.net');
    expect(failed?.lastError?.length).toBeLessThanOrEqual(500);
    await vi.advanceTimersByTimeAsync(EVERY_MS);
    expect(calls).toBe(2);
    expect(await row('audit-retention')).toMatchObject({ lastOutcome: 'ok', lastError: null, lastStartedAt: new Date(T0 + EVERY_MS).toISOString() });
  });
});

describe('stop()', () => {
  it('waits for the run in progress, then ticks no more', async () => {
    useFakeClock();
    let finish!: () => void;
    let calls = 0;
    const job = start(
      'staged-upload-sweep',
      EVERY_MS,
      () => {
        calls++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      { atStart: true, jitterMs: 0, owner: 'host-a:1:aaaa' },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(3 * EVERY_MS);
    expect(stopped).toBe(false);
    expect(await row('staged-upload-sweep')).toMatchObject({ leaseOwner: 'host-a:1:aaaa', lastFinishedAt: null });
    finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(await row('staged-upload-sweep')).toMatchObject({ leaseOwner: null, lastOutcome: 'ok' });
    await vi.advanceTimersByTimeAsync(5 * EVERY_MS);
    expect(calls).toBe(1);
  });

  it('skips ticks while a run is still going in this process', async () => {
    useFakeClock();
    let finish!: () => void;
    let calls = 0;
    start(
      'sla-sweep',
      EVERY_MS,
      () => (++calls === 1 ? new Promise<void>((resolve) => (finish = resolve)) : Promise.resolve()),
      { atStart: true, jitterMs: 0, leaseMs: 2 * EVERY_MS, owner: 'host-a:1:aaaa' },
    );
    await vi.advanceTimersByTimeAsync(5 * EVERY_MS);
    expect(calls).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(EVERY_MS);
    expect(calls).toBe(2);
  });
});

describe('the claim', () => {
  it('is one statement: of many concurrent claims from two connections exactly one wins', async () => {
    const connections = [getDb(), secondConnection()];
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        claimPeriodicJob({ name: 'hub-check', owner: `host-${i % 2}:${i}:x`, everyMs: 30_000, leaseMs: 60_000, now: now + (i % 7) }, connections[i % 2]),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await row('hub-check')).toMatchObject({ leaseOwner: `host-${winner % 2}:${winner}:x`, lastStartedAt: new Date(now + (winner % 7)).toISOString() });
  });

  it('is refused while the last start is less than a period ago, even when the lease is free', async () => {
    const now = Date.now();
    const claim = (at: number, owner: string) => claimPeriodicJob({ name: 'change-feed-prune', owner, everyMs: EVERY_MS, leaseMs: 100, now: at });
    expect(await claim(now, 'a')).toBe(true);
    expect(await claim(now + 500, 'b')).toBe(false);
    expect(await claim(now + EVERY_MS - 1, 'b')).toBe(false);
    expect(await claim(now + EVERY_MS, 'b')).toBe(true);
  });
});

describe('the audit retention', () => {
  it('runs at every start, catching up however recently it ran, but never beside a run another instance holds', async () => {
    const stopFirst = startAuditRetention(400);
    await vi.waitFor(async () => expect((await row('audit-retention'))?.lastOutcome).toBe('ok'));
    const first = await row('audit-retention');
    await stopFirst();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stopSecond = startAuditRetention(400);
    await vi.waitFor(async () => expect((await row('audit-retention'))?.lastStartedAt).not.toBe(first?.lastStartedAt));
    await stopSecond();
    expect(await row('audit-retention')).toMatchObject({ lastOutcome: 'ok', leaseOwner: null });

    const held = { leaseOwner: 'other-host:7:beef', leaseUntil: new Date(Date.now() + 60_000).toISOString() };
    await getDb().update(periodicJobs).set(held).where(eq(periodicJobs.name, 'audit-retention'));
    const before = await row('audit-retention');
    const stopThird = startAuditRetention(400);
    // stop() waits for the start tick's claim, so the third start has tried by then.
    await stopThird();
    expect(await row('audit-retention')).toEqual(before);
  });
});
