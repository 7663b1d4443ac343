import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { signalFeedAdvanced } from '@/lib/sync/change-feed';
import { onInboxCommitted } from '@/lib/sync/inbox';
import type { SyncMessage } from '@/lib/sync/sync-process';

/**
 * Starts the sync process (lib/sync/sync-process.ts) next to the server, restarts it when it dies (1 s, doubling up
 * to 30 s while it keeps dying young), and relays messages both ways: "inbox committed" to it, "feed advanced"
 * from it. The process runs the TypeScript source through tsx (a runtime dependency), which also resolves the
 * "@/" paths; the react-server condition makes `server-only` importable outside Next.
 */
export interface SyncProcessOptions {
  /** Entry file; default <cwd>/lib/sync/sync-process.ts. */
  entry?: string;
  env?: NodeJS.ProcessEnv;
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** How often the child reports that its event loop turns; default 5 s. */
  heartbeatMs?: number;
}

/** What readiness reads: a child that said ready, is still connected, and when it last sent anything. */
export interface SyncProcessStatus {
  up: boolean;
  lastReportAt?: number;
  heartbeatMs: number;
}

export interface SyncProcess {
  /** The running child, if any. */
  current(): ChildProcess | undefined;
  /** Resolves when a child (the first, or the one after a restart) has said it is ready. */
  ready(): Promise<void>;
  status(): SyncProcessStatus;
  /** The child's metrics (prom-client JSON), or undefined when it does not answer within `timeoutMs`. */
  metrics(timeoutMs?: number): Promise<unknown>;
  stop(): Promise<void>;
}

const ENTRY = ['lib', 'sync', 'sync-process.ts'];
const LIVED_LONG_MS = 60_000;
const SYNC_PROCESS_NICENESS = 10;

export function startSyncProcess(options: SyncProcessOptions = {}): SyncProcess {
  const entry = options.entry ?? path.join(/*turbopackIgnore: true*/ process.cwd(), ...ENTRY);
  const baseDelay = options.restartDelayMs ?? 1_000;
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  let child: ChildProcess | undefined;
  let stopped = false;
  let delay = baseDelay;
  let restartTimer: NodeJS.Timeout | undefined;
  let readyWaiters: Array<() => void> = [];
  let isReady = false;
  let lastReportAt: number | undefined;
  let wakePending = false;
  let metricsRequest = 0;
  const metricsWaiters = new Map<number, (metrics: unknown) => void>();

  function send(message: SyncMessage): void {
    if (child?.connected) child.send(message, (err) => err && undefined);
  }

  function launch(): void {
    const startedAt = Date.now();
    isReady = false;
    lastReportAt = undefined;
    const proc = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', entry], {
      cwd: process.cwd(),
      env: { ...process.env, PORTAL_PROCESS_ROLE: 'sync', SYNC_HEARTBEAT_MS: String(heartbeatMs), ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = proc;
    // Acknowledging Sellers comes first: under contention the scheduler favours the server over applying.
    if (proc.pid) {
      try {
        os.setPriority(proc.pid, SYNC_PROCESS_NICENESS);
      } catch {
        /* not allowed here: it runs at the server's priority */
      }
    }
    proc.on('message', (message: SyncMessage) => {
      if (child === proc) lastReportAt = Date.now();
      if (message?.type === 'feed') signalFeedAdvanced();
      else if (message?.type === 'metrics' && typeof message.id === 'number') {
        metricsWaiters.get(message.id)?.(message.metrics);
        metricsWaiters.delete(message.id);
      }
      else if (message?.type === 'ready') {
        isReady = true;
        for (const resolve of readyWaiters.splice(0)) resolve();
        // Anything committed while it was starting.
        send({ type: 'inbox' });
      }
    });
    proc.on('error', (err) => console.error('[sync-host] could not start the sync process', err));
    proc.on('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopped) return;
      delay = Date.now() - startedAt > LIVED_LONG_MS ? baseDelay : Math.min(maxDelay, delay * 2);
      console.error(`[sync-host] the sync process exited (${signal ?? code}); starting it again in ${delay} ms`);
      restartTimer = setTimeout(launch, delay);
      restartTimer.unref();
    });
  }

  const unsubscribe = onInboxCommitted(() => {
    // One message per turn of the event loop, however many batches committed in it.
    if (wakePending) return;
    wakePending = true;
    setImmediate(() => {
      wakePending = false;
      send({ type: 'inbox' });
    });
  });

  delay = baseDelay / 2;
  launch();

  return {
    current: () => child,
    status: () => ({ up: isReady && child?.connected === true, lastReportAt, heartbeatMs }),
    ready: () => (isReady ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve))),
    metrics: (timeoutMs = 2_000) => {
      if (!child?.connected || !isReady) return Promise.resolve(undefined);
      const id = ++metricsRequest;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          metricsWaiters.delete(id);
          resolve(undefined);
        }, timeoutMs);
        metricsWaiters.set(id, (metrics) => {
          clearTimeout(timer);
          resolve(metrics);
        });
        send({ type: 'metrics', id });
      });
    },
    async stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(restartTimer);
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      if (proc.connected) proc.disconnect();
      else proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 6_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const KEY = Symbol.for('sonata-portal.sync-process');
const holder = globalThis as unknown as { [KEY]?: SyncProcess };

/** The sync process of this server, started once. */
export function startSharedSyncProcess(options?: SyncProcessOptions): SyncProcess {
  holder[KEY] ??= startSyncProcess(options);
  return holder[KEY];
}

export async function stopSharedSyncProcess(): Promise<void> {
  const running = holder[KEY];
  holder[KEY] = undefined;
  await running?.stop();
}

/** The sync process this server started, if any (none when SYNC_PROCESS=inline or in tests). */
export function runningSyncProcess(): SyncProcess | undefined {
  return holder[KEY];
}
