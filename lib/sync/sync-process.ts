/**
 * The sync process: fetches and applies Seller notifications (the inbox worker), keeps hubs registered and the cache
 * reconciled, refreshes incidents and announces SLA clocks that turned at risk or breached, on its own database
 * connection and event loop, so that none of it delays
 * the server's answers (listener acknowledgements first of all). lib/server/sync-process.ts starts it with the
 * server and restarts it if it dies:
 *
 *   node --conditions=react-server --import tsx lib/sync/sync-process.ts
 *
 * Messages: the server sends { type: 'inbox' } when it committed notifications (look for work now); this process
 * sends { type: 'feed' } when it appended to the change feed (the server wakes its live streams),
 * { type: 'ready' } once started, then { type: 'heartbeat' } every SYNC_HEARTBEAT_MS (set by the server, default
 * 5 s) from its event loop, so the server's readiness sees a process that hangs. It stops when the server goes away
 * (the IPC channel closes).
 */
import { getDb, setCommitDurability } from '@/db';
import { metricsAsJson } from '@/lib/observability/metrics';
import { env } from '@/lib/env';
import { onFeedAdvanced } from './change-feed';
import { startSellerNotifications, startSharedInboxWorker } from './inbox-worker';
import { startSharedIncidentRefresh } from './incident-refresh';
import { startSlaSweep } from './sla-clocks';

export interface SyncMessage {
  type: 'inbox' | 'feed' | 'ready' | 'heartbeat' | 'metrics';
  /** metrics: the server's request number, echoed with this process's metrics (prom-client JSON). */
  id?: number;
  metrics?: unknown;
}

const PREFIX = '[sync]';
for (const level of ['log', 'info', 'warn', 'error'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => original(PREFIX, ...args);
}

env();
setCommitDurability('rederivable');
getDb();
const stopNotifications = await startSellerNotifications();
const stopIncidents = startSharedIncidentRefresh();
const stopSlaSweep = startSlaSweep();
const worker = startSharedInboxWorker();

const stopFeedSignal = onFeedAdvanced(() => {
  if (process.connected) process.send?.({ type: 'feed' } satisfies SyncMessage);
});

process.on('message', (message: SyncMessage) => {
  if (message?.type === 'inbox') worker.kick();
  else if (message?.type === 'metrics' && typeof message.id === 'number') {
    const id = message.id;
    void metricsAsJson().then((metrics) => {
      if (process.connected) process.send?.({ type: 'metrics', id, metrics } satisfies SyncMessage);
    });
  }
});

const heartbeatMs = Number(process.env.SYNC_HEARTBEAT_MS) || 5_000;
const heartbeat = setInterval(() => {
  if (process.connected) process.send?.({ type: 'heartbeat' } satisfies SyncMessage, (err: Error | null) => err && undefined);
}, heartbeatMs);
heartbeat.unref();

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.info(`stopping (${reason})`);
  clearInterval(heartbeat);
  stopFeedSignal();
  const timeout = setTimeout(() => process.exit(0), 5_000);
  timeout.unref();
  await Promise.allSettled([stopNotifications(), stopIncidents(), stopSlaSweep()]);
  process.exit(0);
}

process.on('disconnect', () => void shutdown('the server went away'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

console.info(`started (pid ${process.pid})`);
// The server may already be gone (stopped while this process started): nothing to tell then.
if (process.connected) process.send?.({ type: 'ready' } satisfies SyncMessage, (err: Error | null) => err && undefined);
