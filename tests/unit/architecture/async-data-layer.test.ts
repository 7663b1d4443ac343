import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The data layer is called in one style that any driver can serve: awaited query builders, transactions through
 * db/transaction.ts and SQL text through db/raw-sql.ts. better-sqlite3's synchronous executors (.all(), .get(),
 * .run(), .values()) and drizzle's db.run/all/get(sql) appear only in the files below, which are about SQLite itself.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const checked = ['db', 'lib', 'app', 'scripts'];

const SQLITE_SPECIFIC: Record<string, string> = {
  'db/transaction.ts': "BEGIN, COMMIT and savepoints on the driver's connection",
  'db/raw-sql.ts': 'runs SQL text through the driver',
  'db/backup.ts': "SQLite's online backup of the file",
  'db/copy.ts': 'reads the SQLite file it copies to PostgreSQL, read-only, through the driver',
  'scripts/soak.ts': "reads the portal's SQLite file from another process to check the run",
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated' && entry.name !== 'migrations') out.push(...sourceFiles(full));
    } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const BUILDER_STEP = String.raw`\.(?:from|where|orderBy|groupBy|having|limit|offset|returning|innerJoin|leftJoin|rightJoin|fullJoin|onConflictDoNothing|onConflictDoUpdate|set|values)\(`;
const patterns: Array<[string, RegExp]> = [
  ['a synchronous executor', /\.(?:all|get|run)\(\s*\)/g],
  ['a synchronous .values() executor', new RegExp(String.raw`${BUILDER_STEP}[^;]*?\)\s*\.values\(\s*\)`, 'g')],
  ['SQL text run on the connection', /\b(?:db|tx|getDb\(\))\s*\.\s*(?:run|all|get|values)\s*(?:<[^>]*>)?\s*\(/g],
];

/** Each use of a synchronous driver call in `source`, as "line: what". */
export function synchronousCalls(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const [what, pattern] of patterns) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, (match.index ?? 0) + match[0].length).split('\n').length;
      found.push(`${line}: ${what} (${match[0].replace(/\s+/g, ' ').slice(-40)})`);
    }
  }
  return found;
}

describe('the data layer is called asynchronously', () => {
  it('recognises the synchronous calls it forbids', () => {
    expect(synchronousCalls('const rows = db.select().from(tickets).all();')).toHaveLength(1);
    expect(synchronousCalls('const row = tx.select().from(t)\n  .where(eq(t.id, 1))\n  .get();')).toHaveLength(1);
    expect(synchronousCalls('tx.insert(t).values({ a: 1 }).run();')).toHaveLength(1);
    expect(synchronousCalls('const raw = db.select().from(t).where(x).values();')).toHaveLength(1);
    expect(synchronousCalls('getDb().run(sql`delete from t`);')).toHaveLength(1);
    expect(synchronousCalls('const rows = db.all<{ n: number }>(sql`select 1`);')).toHaveLength(1);
    expect(synchronousCalls('const rows = await db.select().from(tickets).where(x).limit(1);')).toEqual([]);
    expect(synchronousCalls('for (const tab of this.tabs.values()) {}')).toEqual([]);
    expect(synchronousCalls('// an example: tx.select().from(t).all()')).toEqual([]);
  });

  it(`has no synchronous executor in ${checked.join('/, ')}/ outside the SQLite-specific files`, () => {
    const offences: string[] = [];
    for (const dir of checked) {
      for (const file of sourceFiles(path.join(root, dir))) {
        const rel = path.relative(root, file).split(path.sep).join('/');
        if (rel in SQLITE_SPECIFIC) continue;
        for (const call of synchronousCalls(fs.readFileSync(file, 'utf8'))) offences.push(`${rel}:${call}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('lists only SQLite-specific files that exist', () => {
    for (const rel of Object.keys(SQLITE_SPECIFIC)) expect(fs.existsSync(path.join(root, rel)), rel).toBe(true);
  });
});
