// The inbox's group-commit writer, run in a worker thread (db/inbox-writer.ts starts it). It owns its own
// connection to the portal's SQLite file, so the fsync of each COMMIT (synchronous=FULL) blocks this thread and not
// the one that parses listener requests. Entries arriving within GROUP_COMMIT_MS share one transaction.
// Plain JavaScript on purpose: Node runs it as is, both under the test runner and under `next start`, where no
// TypeScript loader exists.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const GROUP_COMMIT_MS = workerData.groupCommitMs ?? 2;
const GROUP_COMMIT_MAX = workerData.groupCommitMax ?? 256;

const sqlite = new Database(workerData.file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = FULL');
sqlite.pragma('foreign_keys = ON');
sqlite.pragma('busy_timeout = 5000');

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

let queued = [];
let timer;

function describe(err) {
  return err instanceof Error ? err.message : String(err);
}

function flush() {
  clearTimeout(timer);
  timer = undefined;
  const batch = queued;
  queued = [];
  if (batch.length === 0) return;
  let results;
  try {
    const outcomes = insertAll.immediate(batch.map((m) => m.entry));
    results = batch.map((m, i) => ({ id: m.id, outcome: outcomes[i] }));
  } catch {
    // One bad entry must not fail the others: each alone.
    results = batch.map((m) => {
      try {
        return { id: m.id, outcome: insertAll.immediate([m.entry])[0] };
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
  queued.push(message);
  if (queued.length >= GROUP_COMMIT_MAX) flush();
  else timer ??= setTimeout(flush, GROUP_COMMIT_MS);
});
