import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/index';
import { selectRows } from '../db/raw-sql';

const file = process.env.DATABASE_PATH?.trim() || './data/portal.db';
const { db, sqlite } = openDatabase(file);
const [applied] = await selectRows<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`, db);
console.log(`${file}: ${applied?.n ?? 0} migration(s) applied`);
sqlite.close();
