import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db';
import { usePortalTestEnv } from '../../support/portal-env';

const INSTANCE = path.join(import.meta.dirname, 'periodic-job-instance.ts');
const EVERY_MS = 250;
const RUN_FOR_MS = 3_000;

type Message = { ready: string } | { run: { by: string; leaseOwner: string; startedAt: string } } | { done: true };

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
  closeDb();
});

function instance(onMessage: (message: Message) => void): Promise<string> {
  const child = fork(INSTANCE, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PERIODIC_EVERY_MS: String(EVERY_MS), PERIODIC_RUN_FOR_MS: String(RUN_FOR_MS) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  child.on('message', (message: Message) => onMessage(message));
  return new Promise((resolve, reject) => {
    child.on('message', (message: Message) => 'ready' in message && resolve(message.ready));
    child.once('exit', (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
  });
}

it('two instance processes on one database run the job once per period between them', async () => {
  usePortalTestEnv();
  getDb();
  const runs: Array<{ by: string; leaseOwner: string; startedAt: string }> = [];
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const onMessage = (message: Message) => {
      if ('run' in message) runs.push(message.run);
      if ('done' in message && ++done === 2) resolve();
    };
    void Promise.all([instance(onMessage), instance(onMessage)]).then((owners) => {
      expect(new Set(owners).size).toBe(2);
      for (const child of children) child.send('go');
    });
  });
  await finished;

  for (const run of runs) expect(run.leaseOwner).toBe(run.by);
  const starts = runs.map((r) => Date.parse(r.startedAt)).sort((a, b) => a - b);
  expect(new Set(starts).size).toBe(starts.length);
  for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(EVERY_MS);
  // Both ran for RUN_FOR_MS: at most one run per period between them, and the job did not stall.
  expect(starts.length).toBeLessThanOrEqual(Math.floor((2 * RUN_FOR_MS) / EVERY_MS));
  expect(starts.length).toBeGreaterThanOrEqual(3);
}, 120_000);
