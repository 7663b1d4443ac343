// The inbox's group-commit writer, run in a worker thread (db/inbox-writer.ts starts it). It owns its own
// connection to the portal's SQLite file, so the fsync of each COMMIT (synchronous=FULL) blocks this thread and not
// the one that parses listener requests. No entry waits for a timer: whatever arrived while the previous commit
// was on disk shares the next transaction, so one caller alone pays one commit and a burst shares them.
// Plain JavaScript on purpose: Node runs it as is, both under the test runner and under `next start`, where no
// TypeScript loader exists.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const GROUP_COMMIT_MAX = workerData.groupCommitMax ?? 256;
/** How long a commit may wait for the write lock (held by the sync process or a page's write) before it fails. */
const LOCK_WAIT_MS = workerData.lockWaitMs ?? 5000;
/** Retry interval while the lock is held: SQLite's own busy handler sleeps 1, 2, 5, 10… ms, far longer than the
 * sub-millisecond transactions it waits for, and every such sleep is added to a Seller's acknowledgement. */
const LOCK_POLL_MS = 0.2;
const pause = new Int32Array(new SharedArrayBuffer(4));

const sqlite = new Database(workerData.file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = FULL');
sqlite.pragma('foreign_keys = ON');
sqlite.pragma('busy_timeout = 0');

const insertEntry = sqlite.prepare(
  `INSERT INTO inbox (seller_id, api, event_id, event_type, event_time, resource_id, body, state, attempts, next_attempt_at, received_at)
   VALUES (@sellerId, @api, @eventId, @eventType, @eventTime, @resourceId, @body, 'pending', 0, @now, @now)
   ON CONFLICT (seller_id, event_id) DO NOTHING
   RETURNING id`,
);
const touchSeller = sqlite.prepare(
  `INSERT INTO seller_sync_state (seller_id, last_event_at) VALUES (?, ?)
   ON CONFLICT (seller_id) DO UPDATE SET last_event_at = excluded.last_event_at`,
);

const insertAll = sqlite.transaction((entries) => {
  const now = new Date().toISOString();
  const outcomes = entries.map((entry) => (insertEntry.get({ ...entry, now }) ? 'inserted' : 'duplicate'));
  for (const sellerId of new Set(entries.map((e) => e.sellerId))) touchSeller.run(sellerId, now);
  return outcomes;
});

/** Runs the transaction, retrying while another connection holds the write lock. */
function commit(entries) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return insertAll.immediate(entries);
    } catch (err) {
      if (!String(err?.code).startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, LOCK_POLL_MS);
    }
  }
}

let queued = [];
let scheduled = false;

function describe(err) {
  return err instanceof Error ? err.message : String(err);
}

function flush() {
  scheduled = false;
  const batch = queued;
  queued = [];
  if (batch.length === 0) return;
  let results;
  try {
    const outcomes = commit(batch.map((m) => m.entry));
    results = batch.map((m, i) => ({ id: m.id, outcome: outcomes[i] }));
  } catch {
    // One bad entry must not fail the others: each alone.
    results = batch.map((m) => {
      try {
        return { id: m.id, outcome: commit([m.entry])[0] };
      } catch (err) {
        return { id: m.id, error: describe(err) };
      }
    });
  }
  parentPort.postMessage({ results });
}

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    flush();
    sqlite.close();
    parentPort.close();
    return;
  }
  // The server sends the entries of one event-loop turn together; all messages waiting in the port are delivered
  // before the check phase, so setImmediate commits everything that arrived meanwhile in one transaction.
  for (const entry of message.batch ?? [message]) {
    queued.push(entry);
    if (queued.length >= GROUP_COMMIT_MAX) flush();
  }
  if (!scheduled && queued.length > 0) {
    scheduled = true;
    setImmediate(flush);
  }
});
