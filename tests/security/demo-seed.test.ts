import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `npm run db:seed`'s script as a real process on a fresh migrated database; returns its exit and the users. */
async function seed(env: Record<string, string>): Promise<{ code: number; output: string; users: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
  const dbPath = path.join(dir, 'portal.db');
  const base: NodeJS.ProcessEnv = { NODE_ENV: 'development', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, TMPDIR: os.tmpdir(), DATABASE_PATH: dbPath };
  const run = (script: string, extra: Record<string, string>) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      execFile(TSX, [script], { cwd: ROOT, env: { ...base, ...extra } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
  const migrated = await run('scripts/db-migrate.ts', { NODE_ENV: 'production' });
  expect(migrated.code, migrated.output).toBe(0);
  const result = await run('db/seed.ts', env);
  const db = new Database(dbPath, { readonly: true });
  try {
    const users = (db.prepare('select email from users order by email').all() as { email: string }[]).map((u) => u.email);
    return { ...result, users };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm run db:seed', () => {
  it('refuses to create the demo users under NODE_ENV=production, saying how to ask for them', async () => {
    const { code, output, users } = await seed({ NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toMatch(/Refusing to create the demo users \(published passwords\) with NODE_ENV=production\. Set DEMO_USERS=1/);
    expect(users).toEqual([]);
  });

  it('honours DEMO_USERS=0, in development too', async () => {
    const { code, output, users } = await seed({ NODE_ENV: 'development', DEMO_USERS: '0' });
    expect(code).toBe(0);
    expect(output).toMatch(/DEMO_USERS=0: no demo user created/);
    expect(users).toEqual([]);
  });

  it('refuses a DEMO_USERS value it does not understand', async () => {
    const { code, output, users } = await seed({ NODE_ENV: 'development', DEMO_USERS: 'yes' });
    expect(code).toBe(1);
    expect(output).toMatch(/DEMO_USERS must be 0 or 1/);
    expect(users).toEqual([]);
  });

  it('creates them when asked explicitly (the demo), and by default outside production', async () => {
    for (const env of [{ NODE_ENV: 'production', DEMO_USERS: '1' }, { NODE_ENV: 'development' }] as Record<string, string>[]) {
      const { code, users } = await seed(env);
      expect(code).toBe(0);
      expect(users).toEqual(['admin@example.com', 'coordinator@example.com', 'manager@example.com', 'noc@example.com']);
    }
  });
});
