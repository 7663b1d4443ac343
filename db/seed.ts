/**
 * Creates one demo user per role (idempotent). Passwords are documented in the README and are meant for the
 * demo only. `DEMO_USERS=0` skips them; with NODE_ENV=production nothing is created unless `DEMO_USERS=1` asks for
 * it explicitly (the demo and the browser tests do), so a production database never gets them by accident.
 */
import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import { openDatabase } from './index';
import { users, type Role } from './schema';
import { write } from './transaction';

export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role; password: string; phone: string }> = [
  { email: 'noc@example.com', name: 'Nora Okafor', role: 'noc', password: 'noc-demo-pass', phone: '+33 1 70 00 00 01' },
  { email: 'manager@example.com', name: 'Malik Haddad', role: 'manager', password: 'manager-demo-pass', phone: '+33 1 70 00 00 02' },
  { email: 'coordinator@example.com', name: 'Chen Wei', role: 'coordinator', password: 'coordinator-demo-pass', phone: '+33 1 70 00 00 03' },
  { email: 'admin@example.com', name: 'Ada Lindqvist', role: 'admin', password: 'admin-demo-pass', phone: '+33 1 70 00 00 04' },
];

export async function seedDemoUsers(file: string): Promise<number> {
  const { db, sqlite } = openDatabase(file);
  let created = 0;
  try {
    for (const u of DEMO_USERS) {
      const existing = (await db.select({ id: users.id }).from(users).where(eq(users.email, u.email)).limit(1))[0];
      if (existing) continue;
      const passwordHash = bcrypt.hashSync(u.password, 10);
      await write(
        (d) =>
          d.insert(users).values({ email: u.email, name: u.name, role: u.role, phone: u.phone, organization: 'Buyer NOC', passwordHash }),
        db,
      );
      created++;
    }
  } finally {
    sqlite.close();
  }
  return created;
}

export type SeedDecision = { seed: true } | { seed: false; exitCode: 0 | 1; message: string };

/** Whether `npm run db:seed` may create the demo users, from DEMO_USERS and NODE_ENV. */
export function seedDecision(env: Record<string, string | undefined>): SeedDecision {
  const flag = env.DEMO_USERS?.trim();
  if (flag !== undefined && flag !== '' && flag !== '0' && flag !== '1') {
    return { seed: false, exitCode: 1, message: `DEMO_USERS must be 0 or 1 (got "${flag}"); no demo user created.` };
  }
  if (flag === '0') return { seed: false, exitCode: 0, message: 'DEMO_USERS=0: no demo user created.' };
  if (env.NODE_ENV === 'production' && flag !== '1') {
    return {
      seed: false,
      exitCode: 1,
      message: 'Refusing to create the demo users (published passwords) with NODE_ENV=production. Set DEMO_USERS=1 if this really is a demo installation.',
    };
  }
  return { seed: true };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const decision = seedDecision(process.env);
  if (!decision.seed) {
    (decision.exitCode ? console.error : console.log)(decision.message);
    process.exit(decision.exitCode);
  }
  const file = process.env.DATABASE_PATH?.trim() || './data/portal.db';
  const created = await seedDemoUsers(file);
  console.log(`${file}: ${created} demo user(s) created`);
  for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(12)} ${u.email.padEnd(26)} ${u.password}`);
}
