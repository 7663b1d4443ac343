import type { SQL } from 'drizzle-orm';
import { getDb, type Db } from './index';
import { write } from './transaction';

/**
 * Statements written as SQL text rather than with the query builder go through here, so that another engine's driver
 * replaces these two functions and not their callers.
 */
export async function selectRows<T>(statement: SQL, db: Db = getDb()): Promise<T[]> {
  return db.all<T>(statement);
}

/** Runs one writing statement, waiting for the connection like any write outside a transaction. */
export async function executeStatement(statement: SQL, db: Db = getDb()): Promise<void> {
  await write((d) => d.run(statement), db);
}

/** Runs one writing statement that returns rows (`… returning`), waiting for the connection like any other write. */
export async function writeReturningRows<T>(statement: SQL, db: Db = getDb()): Promise<T[]> {
  return await write((d) => d.all<T>(statement), db);
}
