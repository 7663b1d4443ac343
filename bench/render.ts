/**
 * Re-renders a saved run: reads bench/results.json (or the file given), judges the targets again with the current
 * rules, and rewrites the .json's targets and the .md tables beside it. No measurement is made.
 * `npx tsx bench/render.ts [bench/results.json]`
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown, renderText } from './lib/report';
import { allTables, judgeTargets, machineLine } from './report-tables';
import type { BenchResults } from './results';

const file = path.resolve(process.argv[2] ?? 'bench/results.json');
const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
results.targets = judgeTargets(results);
fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const tables = allTables(results);
fs.writeFileSync(file.replace(/\.json$/, '.md'), `${machineLine(results)}\n\n${tables.map(renderMarkdown).join('\n\n')}\n`);
console.log(`${machineLine(results)}\n`);
console.log(tables.map(renderText).join('\n\n'));
