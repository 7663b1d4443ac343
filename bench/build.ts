/**
 * The production build the benchmark serves: made with the harness's buildPortal into its own folder, and made again
 * only when a source file is newer than it (BENCH_REUSE_BUILD=1 takes any existing one). `next build` rewrites tsconfig.json and next-env.d.ts; they are put back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildPortal, DIST_DIR, ROOT } from '../tests/e2e/harness';

const SOURCES = ['app', 'components', 'lib', 'db', 'proxy.ts', 'instrumentation.ts', 'next.config.js', 'package.json', 'postcss.config.mjs', 'public'];
const RESTORED = ['tsconfig.json', 'next-env.d.ts'];

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    if (child === 'node_modules' || child.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

export function buildIsCurrent(): boolean {
  const id = path.join(ROOT, DIST_DIR, 'BUILD_ID');
  if (!fs.existsSync(id)) return false;
  const built = fs.statSync(id).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(ROOT, s)) <= built);
}

/** Another `next build` on this machine (2 cores: one at a time). */
function otherBuildRunning(): boolean {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => /(^|\/)next$/.test(a)) && cmd.includes('build')) return true;
    } catch {
      /* gone */
    }
  }
  return false;
}

export async function ensureBuild(force: boolean, log: (line: string) => void): Promise<{ built: boolean; buildS: number | null }> {
  const exists = fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'));
  if (!force && exists && (process.env.BENCH_REUSE_BUILD === '1' || buildIsCurrent())) {
    log(`reusing the production build in ${DIST_DIR}`);
    return { built: false, buildS: null };
  }
  while (otherBuildRunning()) {
    log('another next build is running; waiting for it to finish');
    await new Promise((r) => setTimeout(r, 5000));
  }
  const saved = RESTORED.map((f) => {
    const file = path.join(ROOT, f);
    return { file, text: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null };
  });
  log(`building the portal into ${DIST_DIR} …`);
  const started = performance.now();
  const previous = process.env.E2E_REUSE_BUILD;
  process.env.E2E_REUSE_BUILD = '0';
  try {
    buildPortal();
  } finally {
    if (previous === undefined) delete process.env.E2E_REUSE_BUILD;
    else process.env.E2E_REUSE_BUILD = previous;
    for (const { file, text } of saved) {
      if (text !== null && fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
    }
  }
  return { built: true, buildS: (performance.now() - started) / 1000 };
}
