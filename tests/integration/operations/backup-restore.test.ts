import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db';
import { BackupError, backupDatabase, restoreDatabase } from '@/db/backup';
import { recordAudit } from '@/db/audit-log';
import { integrityCheck } from '@/db/integrity';
import { createUser, usePortalTestEnv } from '../../support/portal-env';

const ROOT = path.resolve(import.meta.dirname, '../../..');
let dir: string;
let dbPath: string;

function files(): string[] {
  return fs.readdirSync(dir).sort();
}

function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): { code: number; out: string } {
  try {
    const out = execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [`scripts/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
    return { code: 0, out: out.toString() };
  } catch (err) {
    const e = err as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

beforeEach(async () => {
  ({ dir, dbPath } = usePortalTestEnv());
  const user = await createUser('admin');
  await recordAudit({ userId: user.id, actor: user.email, action: 'seller.create', entityType: 'seller', entityId: 'acme' });
});

describe('backup', () => {
  it('copies the open database into a new file that passes integrity_check', () => {
    const result = backupDatabase(dbPath, path.join(dir, 'nightly', 'portal-1.db'));
    expect(result).toMatchObject({ tickets: 0, auditEntries: 1, integrity: ['ok'] });
    expect(integrityCheck(result.file)).toEqual(['ok']);
    expect(fs.readdirSync(path.join(dir, 'nightly'))).toEqual(['portal-1.db']);
  });

  it('never overwrites a file, and says why', () => {
    const target = path.join(dir, 'taken.db');
    fs.writeFileSync(target, 'keep me');
    expect(() => backupDatabase(dbPath, target)).toThrow(/exists already/);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
  });

  it('refuses a missing database or the database itself as target, leaving nothing behind', () => {
    const before = files();
    expect(() => backupDatabase(path.join(dir, 'nope.db'), path.join(dir, 'b.db'))).toThrow(/There is no database/);
    expect(() => backupDatabase(dbPath, dbPath)).toThrow(/must not be the database itself/);
    expect(files()).toEqual(before);
  });

  it('the npm script exits 1 with the reason, and 2 without a file name', () => {
    expect(cli('backup', [], { DATABASE_PATH: dbPath }).code).toBe(2);
    const taken = path.join(dir, 'taken.db');
    fs.writeFileSync(taken, '');
    const refused = cli('backup', [taken], { DATABASE_PATH: dbPath });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Backup failed: .*exists already/);
    const done = cli('backup', [path.join(dir, 'ok.db')], { DATABASE_PATH: dbPath });
    expect(done.code, done.out).toBe(0);
    expect(done.out).toMatch(/integrity_check: ok/);
  });
});

describe('restore', () => {
  it('refuses while the database is open in a process, and changes nothing', () => {
    const backup = backupDatabase(dbPath, path.join(dir, 'b.db')).file;
    getDb();
    const before = files();
    expect(() => restoreDatabase(backup, dbPath)).toThrow(/open in another process \(is the portal running\?\)/);
    expect(files()).toEqual(before);
    const refused = cli('restore', [backup], { DATABASE_PATH: dbPath });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Restore refused: .*stop the portal/);
  });

  it('refuses a file that is not a sound backup of the portal, and changes nothing', () => {
    closeDb();
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a database'.repeat(100));
    const foreign = path.join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('create table x(a)');
    other.close();
    const before = files();
    const original = fs.readFileSync(dbPath);
    expect(() => restoreDatabase(garbage, dbPath)).toThrow(BackupError);
    expect(() => restoreDatabase(foreign, dbPath)).toThrow(/not a backup of this portal/);
    expect(() => restoreDatabase(path.join(dir, 'missing.db'), dbPath)).toThrow(/There is no backup/);
    expect(files()).toEqual(before);
    expect(fs.readFileSync(dbPath).equals(original)).toBe(true);
  });

  it('puts the backup in place once the portal is stopped, keeping the replaced database', async () => {
    const backup = backupDatabase(dbPath, path.join(dir, 'b.db')).file;
    await recordAudit({ userId: null, actor: 'system', action: 'after.backup', entityType: 'seller', entityId: 'acme' });
    closeDb();
    const result = restoreDatabase(backup, dbPath, new Date('2026-12-03T01:02:03.000Z'));
    expect(result.previous).toBe(`${dbPath}.before-restore-2026-12-03T01-02-03-000Z`);
    expect(fs.existsSync(result.previous!)).toBe(true);
    expect(integrityCheck(dbPath)).toEqual(['ok']);
    const restored = new Database(dbPath, { readonly: true });
    const actions = (restored.prepare('select action from audit_log').all() as Array<{ action: string }>).map((r) => r.action);
    restored.close();
    expect(actions).toEqual(['seller.create']);
    expect(files().filter((f) => f.includes('restoring'))).toEqual([]);
  });
});
