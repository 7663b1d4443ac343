import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { getDb, type Db } from './index';

/** What a transaction's work runs its statements on. On SQLite the process's one connection. */
export type Tx = Db;

/**
 * A FIFO lock. Taken without waiting when free, so an uncontended transaction starts in the same tick as its caller.
 */
class FifoMutex {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  tryAcquire(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

interface Connection {
  mutex: FifoMutex;
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
}

interface OpenTransaction {
  client: Database.Database;
  open: boolean;
  savepoints: number;
  onEnd: Array<() => void>;
}

// On globalThis, like the connection itself: Next may load this module twice in one process, and both copies must
// share the lock of the one connection.
const globalForTx = globalThis as unknown as {
  portalTransactions?: { connections: WeakMap<Database.Database, Connection>; current: AsyncLocalStorage<OpenTransaction> };
};
const state = (globalForTx.portalTransactions ??= { connections: new WeakMap(), current: new AsyncLocalStorage() });

function clientOf(db: Db): Database.Database {
  return (db as unknown as { $client: Database.Database }).$client;
}

function connectionOf(client: Database.Database): Connection {
  let connection = state.connections.get(client);
  if (!connection) {
    connection = {
      mutex: new FifoMutex(),
      begin: client.prepare('BEGIN IMMEDIATE'),
      commit: client.prepare('COMMIT'),
      rollback: client.prepare('ROLLBACK'),
    };
    state.connections.set(client, connection);
  }
  return connection;
}

/** The transaction this async context runs in on `client`, if it is still open (timers started in one outlive it). */
function joinable(client: Database.Database): OpenTransaction | undefined {
  const current = state.current.getStore();
  return current && current.open && current.client === client ? current : undefined;
}

/**
 * Runs `work` in one database transaction and resolves with its result; on a throw everything it wrote is rolled back
 * and the error rethrown. Transactions of this process take turns (first come, first served) on its connection; one
 * started inside another joins it as a savepoint, so an inner failure undoes only the inner part.
 *
 * `work` must await nothing but database calls: the transaction holds SQLite's write lock until it ends, and the
 * listener's writer thread and the sync process wait on that lock. Fetch from the Seller before or after, never inside.
 */
export async function transaction<T>(work: (tx: Tx) => Promise<T>, db: Db = getDb()): Promise<T> {
  const client = clientOf(db);
  const outer = joinable(client);
  if (outer) return savepoint(outer, work, db);
  const connection = connectionOf(client);
  if (!connection.mutex.tryAcquire()) await connection.mutex.acquire();
  const current: OpenTransaction = { client, open: true, savepoints: 0, onEnd: [] };
  try {
    return await state.current.run(current, async () => {
      connection.begin.run();
      try {
        const result = await work(db);
        connection.commit.run();
        return result;
      } catch (err) {
        if (client.inTransaction) connection.rollback.run();
        throw err;
      }
    });
  } finally {
    current.open = false;
    connection.mutex.release();
    for (const fn of current.onEnd) fn();
  }
}

/**
 * Calls `fn` once the transaction this code runs in has committed or rolled back, or at once outside any transaction.
 */
export function whenTransactionEnds(fn: () => void): void {
  const current = state.current.getStore();
  if (current?.open) current.onEnd.push(fn);
  else fn();
}

async function savepoint<T>(outer: OpenTransaction, work: (tx: Tx) => Promise<T>, db: Db): Promise<T> {
  const name = `portal_savepoint_${++outer.savepoints}`;
  outer.client.exec(`SAVEPOINT ${name}`);
  try {
    const result = await work(db);
    outer.client.exec(`RELEASE ${name}`);
    return result;
  } catch (err) {
    if (outer.client.inTransaction) {
      outer.client.exec(`ROLLBACK TO ${name}`);
      outer.client.exec(`RELEASE ${name}`);
    }
    throw err;
  } finally {
    outer.savepoints--;
  }
}

/**
 * Runs one write outside any transaction, e.g. `await write((db) => db.delete(t).where(...))`. It waits for the
 * transaction that holds the connection, so it neither joins that one nor is rolled back with it; inside a
 * transaction it is simply part of it.
 */
export async function write<T>(statement: (db: Db) => PromiseLike<T> | T, db: Db = getDb()): Promise<T> {
  const client = clientOf(db);
  if (joinable(client)) return await statement(db);
  const { mutex } = connectionOf(client);
  if (!mutex.tryAcquire()) await mutex.acquire();
  try {
    return await statement(db);
  } finally {
    mutex.release();
  }
}
