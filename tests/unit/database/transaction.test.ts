import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Db } from '@/db';
import { transaction, whenTransactionEnds, write } from '@/db/transaction';
import type Database from 'better-sqlite3';

let db: Db;
let sqlite: Database.Database;

beforeEach(() => {
  ({ db, sqlite } = openDatabase(':memory:'));
  sqlite.exec('create table counter (id integer primary key, n integer not null); insert into counter values (1, 0);');
  sqlite.exec('create table notes (id integer primary key autoincrement, text text not null)');
});

afterEach(() => sqlite.close());

const notes = async () => (await db.all<{ text: string }>(sql`select text from notes order by id`)).map((r) => r.text);
const addNote = (tx: Db, text: string) => tx.run(sql`insert into notes (text) values (${text})`);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('transaction', () => {
  it('commits what the work wrote and resolves with its result', async () => {
    const result = await transaction(async (tx) => {
      await addNote(tx, 'a');
      await addNote(tx, 'b');
      return 'done';
    }, db);
    expect(result).toBe('done');
    expect(await notes()).toEqual(['a', 'b']);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('rolls everything back when the work throws, and rethrows', async () => {
    await expect(
      transaction(async (tx) => {
        await addNote(tx, 'a');
        await tick();
        await addNote(tx, 'b');
        throw new Error('refused');
      }, db),
    ).rejects.toThrow('refused');
    expect(await notes()).toEqual([]);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('joins a transaction started inside another as a savepoint: an inner failure undoes only the inner part', async () => {
    await transaction(async (tx) => {
      await addNote(tx, 'outer before');
      await expect(
        transaction(async (inner) => {
          await addNote(inner, 'inner');
          throw new Error('inner refused');
        }, db),
      ).rejects.toThrow('inner refused');
      await transaction(async (inner) => addNote(inner, 'inner kept'), db);
      await addNote(tx, 'outer after');
    }, db);
    expect(await notes()).toEqual(['outer before', 'inner kept', 'outer after']);
  });

  it('rolls back a committed savepoint with its outer transaction', async () => {
    await expect(
      transaction(async (tx) => {
        await transaction(async (inner) => addNote(inner, 'inner'), db);
        await addNote(tx, 'outer');
        throw new Error('outer refused');
      }, db),
    ).rejects.toThrow('outer refused');
    expect(await notes()).toEqual([]);
  });

  it('serialises concurrent transactions: read-modify-write of a counter loses no update', async () => {
    const increment = () =>
      transaction(async (tx) => {
        const [row] = tx.all<{ n: number }>(sql`select n from counter where id = 1`);
        await tick();
        await tx.run(sql`update counter set n = ${row!.n + 1} where id = 1`);
      }, db);
    await Promise.all([
      (async () => {
        for (let i = 0; i < 50; i++) await increment();
      })(),
      (async () => {
        for (let i = 0; i < 50; i++) await increment();
      })(),
    ]);
    expect(sqlite.prepare('select n from counter where id = 1').get()).toEqual({ n: 100 });
  });

  it('runs transactions in the order they were asked for', async () => {
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        transaction(async (tx) => {
          order.push(`${name} begins`);
          await tick();
          await addNote(tx, name);
          order.push(`${name} ends`);
        }, db),
      ),
    );
    expect(order).toEqual(['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends']);
    expect(await notes()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a write made outside a transaction while another awaits: it is not rolled back with it', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const failing = transaction(async (tx) => {
      await addNote(tx, 'in the failing transaction');
      started();
      await tick();
      await tick();
      throw new Error('refused');
    }, db);
    await running;
    const outside = write((d) => addNote(d, 'outside'), db);
    await expect(failing).rejects.toThrow('refused');
    await outside;
    expect(await notes()).toEqual(['outside']);
  });

  it('does not join a transaction that has ended, even from a timer started inside it', async () => {
    let later!: Promise<void>;
    await transaction(async (tx) => {
      await addNote(tx, 'a');
      later = new Promise((resolve, reject) =>
        setTimeout(() => {
          transaction(async (t) => addNote(t, 'from the timer'), db).then(() => resolve(), reject);
        }, 5),
      );
    }, db);
    await later;
    expect(await notes()).toEqual(['a', 'from the timer']);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('calls back once the transaction has ended, committed or rolled back, or at once outside one', async () => {
    const seen: string[] = [];
    whenTransactionEnds(() => seen.push('outside'));
    await transaction(async (tx) => {
      await addNote(tx, 'a');
      whenTransactionEnds(() => seen.push(`after commit: ${sqlite.inTransaction ? 'open' : 'closed'}`));
      seen.push('inside');
    }, db);
    await expect(
      transaction(async () => {
        whenTransactionEnds(() => seen.push(`after rollback: ${sqlite.inTransaction ? 'open' : 'closed'}`));
        throw new Error('refused');
      }, db),
    ).rejects.toThrow('refused');
    expect(seen).toEqual(['outside', 'inside', 'after commit: closed', 'after rollback: closed']);
  });
});
