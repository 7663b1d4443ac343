import { openDatabase } from '../db/index';

const file = process.env.DATABASE_PATH?.trim() || './data/portal.db';
const { sqlite } = openDatabase(file);
const applied = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
console.log(`${file}: ${applied.n} migration(s) applied`);
sqlite.close();
