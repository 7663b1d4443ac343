import { getDb, type Db } from './index';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Runs `work` in one database transaction and resolves with its result.
 * better-sqlite3 transactions are synchronous, so `work` must not await: use the builders' `.run()`, `.get()`
 * and `.all()` inside it. Callers always await the returned promise, which keeps call sites unchanged for an
 * asynchronous driver.
 */
export async function transaction<T>(work: (tx: Tx) => T, db: Db = getDb()): Promise<T> {
  return db.transaction((tx) => work(tx), { behavior: 'immediate' });
}
