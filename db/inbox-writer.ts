import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Hands inbox inserts to a worker thread (db/inbox-writer-thread.mjs) that group-commits them on its own
 * connection, and resolves each insert once its transaction is committed. The request thread thus never waits in
 * an fsync; it only waits for the answer.
 *
 * The thread's file is found at run time under <cwd>/db and its name is computed, so that the Next build neither
 * bundles it nor tries to: it is plain JavaScript that Node runs as is.
 */
const THREAD_FILE = ['inbox-writer-thread', 'mjs'].join('.');

export interface InboxRow {
  sellerId: number;
  api: string;
  eventId: string;
  eventType: string;
  eventTime: string;
  resourceId: string;
  /** The event, as JSON text. */
  body: string;
}
export type InboxWriteOutcome = 'inserted' | 'duplicate';

interface Pending {
  resolve: (outcome: InboxWriteOutcome) => void;
  reject: (err: Error) => void;
}
interface Writer {
  file: string;
  worker: Worker;
  pending: Map<number, Pending>;
  nextId: number;
  /** Entries of the current event-loop turn, posted together at its end. */
  outgoing: Array<{ id: number; entry: InboxRow }>;
}
type Reply = { results: Array<{ id: number; outcome?: InboxWriteOutcome; error?: string }> };

const KEY = Symbol.for('sonata-portal.inbox-writer');
const holder = globalThis as unknown as { [KEY]?: Writer; [key: symbol]: unknown };
const LISTENERS_KEY = Symbol.for('sonata-portal.inbox-writer-committed');

function committedListeners(): Set<() => void> {
  holder[LISTENERS_KEY] ??= new Set<() => void>();
  return holder[LISTENERS_KEY] as Set<() => void>;
}

/** Called after each committed batch that inserted at least one entry. */
export function onInboxWriterCommitted(fn: () => void): () => void {
  committedListeners().add(fn);
  return () => committedListeners().delete(fn);
}

function fail(writer: Writer, err: Error): void {
  if (holder[KEY] === writer) holder[KEY] = undefined;
  for (const p of writer.pending.values()) p.reject(err);
  writer.pending.clear();
}

function start(file: string): Writer {
  const worker = new Worker(path.join(/*turbopackIgnore: true*/ process.cwd(), 'db', THREAD_FILE), { workerData: { file } });
  const writer: Writer = { file, worker, pending: new Map(), nextId: 1, outgoing: [] };
  worker.unref();
  worker.on('message', (reply: Reply) => {
    let inserted = false;
    for (const r of reply.results) {
      const p = writer.pending.get(r.id);
      writer.pending.delete(r.id);
      if (!p) continue;
      if (r.outcome) {
        inserted ||= r.outcome === 'inserted';
        p.resolve(r.outcome);
      } else p.reject(new Error(r.error ?? 'the inbox writer refused the entry'));
    }
    if (writer.pending.size === 0) worker.unref();
    if (inserted) {
      for (const fn of committedListeners()) {
        try {
          fn();
        } catch (err) {
          console.error('[inbox-writer] a commit listener failed', err);
        }
      }
    }
  });
  worker.on('error', (err) => {
    console.error('[inbox-writer] the writer thread failed', err);
    fail(writer, err);
  });
  worker.on('exit', (code) => fail(writer, new Error(`the inbox writer thread exited (${code})`)));
  return writer;
}

function writerFor(file: string): Writer {
  const held = holder[KEY];
  if (held && held.file === file) return held;
  if (held) void stopInboxWriter();
  holder[KEY] = start(file);
  return holder[KEY];
}

/** Resolves once the row is committed (or was already there, same Seller and eventId); rejects when it is refused. */
export function writeInboxRow(file: string, row: InboxRow): Promise<InboxWriteOutcome> {
  const writer = writerFor(path.resolve(file));
  return new Promise((resolve, reject) => {
    const id = writer.nextId++;
    writer.pending.set(id, { resolve, reject });
    // Keep the process alive while an answer is owed, not longer.
    writer.worker.ref();
    // One message per event-loop turn rather than per request: posting costs the request thread more than the
    // entry itself, and the writer commits what a turn brought in one transaction anyway.
    if (writer.outgoing.push({ id, entry: row }) === 1) {
      setImmediate(() => {
        const batch = writer.outgoing;
        writer.outgoing = [];
        if (batch.length > 0) writer.worker.postMessage({ batch });
      });
    }
  });
}

/** Commits what is queued, closes the thread's connection and ends it. */
export async function stopInboxWriter(): Promise<void> {
  const writer = holder[KEY];
  if (!writer) return;
  holder[KEY] = undefined;
  const exited = new Promise<void>((resolve) => writer.worker.once('exit', () => resolve()));
  writer.worker.ref();
  if (writer.outgoing.length > 0) writer.worker.postMessage({ batch: writer.outgoing.splice(0) });
  writer.worker.postMessage({ type: 'close' });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
  await writer.worker.terminate();
}
