import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getServerSession } from 'next-auth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, getDb, MIGRATIONS_DIR } from '@/db';
import { GET as health, HEAD as healthHead } from '@/app/api/health/route';
import { GET as ready, HEAD as readyHead } from '@/app/api/ready/route';
import { resetEnv } from '@/lib/env';
import { startSharedSyncProcess, stopSharedSyncProcess } from '@/lib/server/sync-process';
import { forgetWorkersStarted, recordWorkersStarted } from '@/lib/server/worker-state';
import { startSharedInboxWorker, stopSharedInboxWorker } from '@/lib/sync/inbox-worker';
import { startOutboxWorker, type OutboxWorker } from '@/lib/sync/outbox-worker';
import { usePortalTestEnv } from '../../support/portal-env';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

interface ReadyBody {
  status: string;
  checks: Check[];
}

const shipped = (JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number; tag: string }> }).entries;

let dir: string;
let outbox: OutboxWorker | undefined;

async function readiness(): Promise<{ status: number; body: ReadyBody; res: Response }> {
  const res = await ready();
  return { status: res.status, body: (await res.json()) as ReadyBody, res };
}

function check(body: ReadyBody, name: string): Check {
  const found = body.checks.find((c) => c.name === name);
  expect(found, name).toBeDefined();
  return found!;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(() => {
  ({ dir } = usePortalTestEnv());
  vi.mocked(getServerSession).mockReset();
  getDb();
});

afterEach(async () => {
  await outbox?.stop();
  outbox = undefined;
  await stopSharedInboxWorker();
  await stopSharedSyncProcess();
  forgetWorkersStarted();
  closeDb();
  delete process.env.DATABASE_PATH;
  resetEnv();
});

describe('GET /api/health', () => {
  it('answers ok without a session, without details, never cached', async () => {
    const res = health();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe('{"status":"ok"}');
    const head = healthHead();
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(await head.text()).toBe('');
    expect(getServerSession).not.toHaveBeenCalled();
  });

  it('answers even when the database cannot be opened', async () => {
    closeDb();
    process.env.DATABASE_PATH = path.join(dir, 'not-a-database.db');
    fs.writeFileSync(process.env.DATABASE_PATH, 'this is not an SQLite file, not even close to one'.repeat(100));
    expect(await health().json()).toEqual({ status: 'ok' });
  });
});

describe('GET /api/ready', () => {
  it('is ready with a migrated database and the workers running inline, without a session', async () => {
    outbox = startOutboxWorker({ intervalMs: 60_000 });
    startSharedInboxWorker({ pollMs: 60_000 });
    recordWorkersStarted('inline');
    const { status, body, res } = await readiness();
    expect(status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.status).toBe('ready');
    expect(body.checks.map((c) => c.name)).toEqual(['database', 'migrations', 'outbox', 'sync']);
    expect(body.checks.every((c) => c.ok)).toBe(true);
    expect(check(body, 'migrations').detail).toBe(`${shipped.length} of ${shipped.length} applied`);
    expect(check(body, 'sync').detail).toMatch(/inline/);
    const head = await readyHead();
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(await head.text()).toBe('');
    expect(getServerSession).not.toHaveBeenCalled();
  });

  it('is not ready before the workers are started, naming each', async () => {
    const { status, body, res } = await readiness();
    expect(status).toBe(503);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.status).toBe('notReady');
    expect(check(body, 'database').ok).toBe(true);
    expect(check(body, 'migrations').ok).toBe(true);
    expect(check(body, 'outbox')).toEqual({ name: 'outbox', ok: false, detail: 'worker not running' });
    expect(check(body, 'sync')).toEqual({ name: 'sync', ok: false, detail: 'the workers were not started in this process' });
    expect((await readyHead()).status).toBe(503);
  });

  it('is not ready once the outbox worker stopped, or the inline inbox worker did', async () => {
    outbox = startOutboxWorker({ intervalMs: 60_000 });
    startSharedInboxWorker({ pollMs: 60_000 });
    recordWorkersStarted('inline');
    expect((await readiness()).status).toBe(200);

    await stopSharedInboxWorker();
    let { status, body } = await readiness();
    expect(status).toBe(503);
    expect(check(body, 'sync')).toEqual({ name: 'sync', ok: false, detail: 'the inbox worker is not running (SYNC_PROCESS=inline)' });
    expect(check(body, 'outbox').ok).toBe(true);

    await outbox.stop();
    ({ status, body } = await readiness());
    expect(status).toBe(503);
    expect(check(body, 'outbox').ok).toBe(false);
  });

  it('is not ready in child mode when the sync process was never started', async () => {
    outbox = startOutboxWorker({ intervalMs: 60_000 });
    recordWorkersStarted('child');
    const { status, body } = await readiness();
    expect(status).toBe(503);
    expect(check(body, 'sync')).toEqual({ name: 'sync', ok: false, detail: 'the sync process was not started' });
  });

  it('follows the sync process: ready while it reports, not ready while it hangs or is down', async () => {
    outbox = startOutboxWorker({ intervalMs: 60_000 });
    const sync = startSharedSyncProcess({ heartbeatMs: 100, restartDelayMs: 60_000 });
    recordWorkersStarted('child');
    await sync.ready();
    // Beyond six heartbeats: it reports on its own, not only its start.
    await new Promise((r) => setTimeout(r, 900));
    let { status, body } = await readiness();
    expect(status, JSON.stringify(body)).toBe(200);
    expect(check(body, 'sync').detail).toMatch(/^sync process reported \d+\.\d s ago$/);

    const child = sync.current()!;
    // A hung process: alive and connected, its event loop silent.
    child.kill('SIGSTOP');
    try {
      body = await until('the silence to be noticed', async () => {
        const r = await readiness();
        return r.status === 503 ? r.body : undefined;
      });
      expect(check(body, 'sync').detail).toMatch(/^no report from the sync process for \d+\.\d s \(limit 0\.6 s\)$/);
      expect(check(body, 'database').ok && check(body, 'outbox').ok).toBe(true);
    } finally {
      child.kill('SIGCONT');
    }
    await until('the sync process to report again', async () => (await readiness()).status === 200);

    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    ({ status, body } = await readiness());
    expect(status).toBe(503);
    expect(check(body, 'sync').detail).toBe('the sync process is not up (starting, or restarting after it exited)');
  }, 60_000);

  it('is not ready when the database lacks a migration of this build, naming it', async () => {
    outbox = startOutboxWorker({ intervalMs: 60_000 });
    startSharedInboxWorker({ pollMs: 60_000 });
    recordWorkersStarted('inline');
    const last = shipped[shipped.length - 1]!;
    getDb().run(sql`delete from __drizzle_migrations where created_at = ${last.when}`);
    const { status, body } = await readiness();
    expect(status).toBe(503);
    expect(body.checks.filter((c) => !c.ok)).toEqual([{ name: 'migrations', ok: false, detail: `1 of ${shipped.length} not applied: ${last.tag}` }]);
  });

  it('is not ready when the database cannot be opened, and says why without saying where', async () => {
    closeDb();
    process.env.DATABASE_PATH = path.join(dir, 'not-a-database.db');
    fs.writeFileSync(process.env.DATABASE_PATH, 'this is not an SQLite file, not even close to one'.repeat(100));
    const res = await ready();
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = JSON.parse(text) as ReadyBody;
    expect(check(body, 'database')).toEqual({ name: 'database', ok: false, detail: 'could not be opened: SQLITE_NOTADB: file is not a database' });
    expect(check(body, 'migrations')).toEqual({ name: 'migrations', ok: false, detail: 'not checked: the database could not be opened' });
    expect(text).not.toContain(dir);
    expect(text).not.toContain('not-a-database');
    expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
  });
});
