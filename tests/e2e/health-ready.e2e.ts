import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type PortalHandle } from './harness';

/**
 * The probes of a production server over HTTP, as a load balancer calls them: no session, no redirect, never cached;
 * readiness follows the real sync process through a hang (SIGSTOP) and a crash (SIGKILL, then its restart).
 */

let portal: PortalHandle;

interface ReadyBody {
  status: string;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

async function probe(path: string, method = 'GET'): Promise<Response> {
  return fetch(`${portal.baseUrl}${path}`, { method, redirect: 'manual' });
}

async function readiness(): Promise<{ status: number; body: ReadyBody }> {
  const res = await probe('/api/ready');
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The sync process among the portal's descendants, found by its entry file. */
function syncProcessPid(): number | undefined {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/s.exec(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile */
    }
  }
  const queue = [...(children.get(portal.proc.pid!) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('lib/sync/sync-process.ts')) return pid;
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return undefined;
}

beforeAll(async () => {
  portal = await startPortal();
});

afterAll(async () => {
  await portal?.stop();
});

describe('health and readiness probes', () => {
  it('liveness answers ok without a session, never cached', async () => {
    const res = await probe('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('{"status":"ok"}');
    const head = await probe('/api/health', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
  });

  it('readiness turns 200 once the sync process reports, without a session, never cached', async () => {
    const body = await until('ready', async () => {
      const r = await readiness();
      return r.status === 200 ? r.body : undefined;
    });
    expect(body.status).toBe('ready');
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['migrations', true],
      ['outbox', true],
      ['sync', true],
    ]);
    const res = await probe('/api/ready');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('location')).toBeNull();
    const head = await probe('/api/ready', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
  });

  it('a hung sync process takes the instance out until it reports again', async () => {
    const pid = syncProcessPid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGSTOP');
    try {
      const body = await until('not ready', async () => {
        const r = await readiness();
        return r.status === 503 ? r.body : undefined;
      });
      expect(body.status).toBe('notReady');
      expect(body.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['sync']);
      expect(body.checks.find((c) => c.name === 'sync')!.detail).toMatch(/^no report from the sync process for \d+\.\d s \(limit 30\.0 s\)$/);
      expect((await probe('/api/ready', 'HEAD')).status).toBe(503);
      expect((await probe('/api/health')).status).toBe(200);
    } finally {
      process.kill(pid!, 'SIGCONT');
    }
    await until('ready again', async () => ((await readiness()).status === 200 ? true : undefined));
  });

  it('a crashed sync process is not ready until its restart reports', async () => {
    const pid = syncProcessPid()!;
    process.kill(pid, 'SIGKILL');
    const body = await until('not ready', async () => {
      const r = await readiness();
      return r.status === 503 ? r.body : undefined;
    });
    expect(body.checks.find((c) => c.name === 'sync')!.detail).toBe('the sync process is not up (starting, or restarting after it exited)');
    await until('ready again', async () => ((await readiness()).status === 200 ? true : undefined));
    expect(syncProcessPid()).not.toBe(pid);
  });
});
