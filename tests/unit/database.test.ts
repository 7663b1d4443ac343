import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db';
import { users } from '@/db/schema';

describe('database', () => {
  it('creates an empty file, applies every migration and sets the durability pragmas', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'db-')), 'nested', 'portal.db');
    const { sqlite } = openDatabase(file);
    expect(fs.existsSync(file)).toBe(true);
    const migrations = fs.readdirSync(path.join(process.cwd(), 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
    const applied = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(migrations.length);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(sqlite.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    const tables = (sqlite.prepare("select name from sqlite_master where type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['users', 'sellers', 'products', 'audit_log']));
    sqlite.close();
  });

  it('is idempotent on reopen and keeps data', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'db-')), 'portal.db');
    const first = openDatabase(file);
    await first.db.insert(users).values({ email: 'a@example.com', name: 'A', role: 'noc' }).run();
    first.sqlite.close();
    const second = openDatabase(file);
    const rows = await second.db.select().from(users).all();
    expect(rows.map((r) => r.email)).toEqual(['a@example.com']);
    second.sqlite.close();
  });

  it('enforces unique e-mails and valid foreign keys', async () => {
    const { db, sqlite } = openDatabase(':memory:');
    await db.insert(users).values({ email: 'a@example.com', name: 'A', role: 'noc' }).run();
    expect(() => db.insert(users).values({ email: 'a@example.com', name: 'B', role: 'admin' }).run()).toThrow(/UNIQUE/);
    expect(() => sqlite.prepare("insert into products (seller_id, product_id, label) values (999, 'p', 'P')").run()).toThrow(
      /FOREIGN KEY/,
    );
    sqlite.close();
  });
});
