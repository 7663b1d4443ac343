import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { closeDb, getDb } from '@/db';
import { resetEnv } from '@/lib/env';
import { users, type Role } from '@/db/schema';

export const TEST_SECRETS_KEY = 'a'.repeat(64);
export const LOOPBACK_ALLOWANCE = '127.0.0.1,::1';

/** Points the portal at a fresh SQLite file in a temp folder with a complete, valid configuration. */
export function usePortalTestEnv(): { dir: string; dbPath: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
  const dbPath = path.join(dir, 'portal.db');
  closeDb();
  resetEnv();
  Object.assign(process.env, {
    DATABASE_PATH: dbPath,
    NEXTAUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    NEXTAUTH_URL: 'http://127.0.0.1:3000',
    SECRETS_KEY: TEST_SECRETS_KEY,
    // The tests' Sellers (sandbox, fake Sellers) listen on loopback: allowed explicitly, as in the demo.
    SELLER_EGRESS_ALLOW: LOOPBACK_ALLOWANCE,
    SANDBOX_CREDENTIAL_PUSH: '1',
  });
  return { dir, dbPath };
}

export async function createUser(role: Role, email = `${role}@example.test`, password = 'Passw0rd!test') {
  const [row] = await getDb()
    .insert(users)
    .values({ email, name: `${role} user`, role, passwordHash: bcrypt.hashSync(password, 4) })
    .returning();
  return row!;
}
