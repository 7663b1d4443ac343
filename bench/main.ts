import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST_DIR, ROOT } from '../tests/e2e/harness';
import { ensureBuild } from './build';
import { renderMarkdown, renderText } from './lib/report';
import { loadNow } from './lib/load';
import { RssSampler } from './lib/rss';
import { runEndToEnd } from './phases/end-to-end';
import { runIngest, startBareBaselines, type BareBaselines } from './phases/ingest';
import { runPages } from './phases/pages';
import { growCache, startStage, type Stage } from './phases/stage';
import { allTables, judgeTargets, machineLine } from './report-tables';
import type { BenchResults, Machine, ScaleResult, StepResult } from './results';
import { readSettings } from './settings';

const run = promisify(execFile);
const MB = 1024 * 1024;

function autogroups(): boolean | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return null;
  }
}

function machine(): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    memoryGiB: os.totalmem() / 1024 ** 3,
    loadAverageAtStart: loadNow(),
    schedulerAutogroups: autogroups(),
  };
}

const started = Date.now();
function log(line: string): void {
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s, load ${os.loadavg()[0]!.toFixed(2)}] ${line}`);
}

async function measureScale(dbPath: string): Promise<ScaleResult> {
  const { stdout } = await run(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['--conditions=react-server', 'bench/scale/measure-scale.ts'],
    { cwd: ROOT, env: { ...process.env, DATABASE_PATH: dbPath }, maxBuffer: 64 * MB, timeout: 10 * 60_000 },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as ScaleResult;
}

/** One line: whole stack traces belong in the log above, not in the table. */
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);

export async function main(args: string[]): Promise<void> {
  const settings = readSettings(args);
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationS: 0,
    mode: settings.mode,
    machine: machine(),
    build: { distDir: DIST_DIR, built: false, buildS: null },
    steps: [],
    endToEnd: [],
    pages: null,
    memory: null,
    targets: [],
  };
  log(`${results.machine.nproc} cores, ${results.machine.cpuModel}, Node ${results.machine.node}; scales ${settings.scales.join(', ')}`);
  results.build = { distDir: DIST_DIR, ...(await ensureBuild(settings.rebuild, log)) };

  // The sandbox delivers like a busy Seller: several notifications open at once per hub (sandbox/README.md).
  // startSandbox passes our environment on to the sandbox process.
  process.env.SANDBOX_DELIVERY_CONCURRENCY = String(settings.endToEnd.deliveryConcurrency);
  results.sandboxDeliveryConcurrency = settings.endToEnd.deliveryConcurrency;

  const [first, ...rest] = settings.scales;
  let stage: Stage | undefined;
  let rss: RssSampler | undefined;
  let bare: BareBaselines | undefined;
  try {
    stage = await startStage({ tickets: first!, sellerTickets: settings.endToEnd.tickets, log });
    bare = await startBareBaselines(stage.root);
    rss = new RssSampler(stage.portal.proc.pid!);
    rss.start();
    let previous = 0;
    for (const scale of [first!, ...rest]) {
      const step: StepResult = { cachedTickets: scale, cacheGrowthS: null, scale: null, ingest: null };
      if (previous > 0) {
        const grown = await growCache(stage.portal.dbPath, previous, scale, stage.nowMs);
        step.cacheGrowthS = grown.ms / 1000;
        stage.cachedTickets = scale;
        log(`cache grown to ${scale} tickets in ${step.cacheGrowthS.toFixed(1)} s`);
      }
      previous = scale;
      const scaleLoadStart = loadNow();
      if (settings.phases.has('scale')) try {
        step.scale = await measureScale(stage.portal.dbPath);
        log(`queue and dashboard measured at ${scale}`);
      } catch (err) {
        step.scaleError = describe(err);
        log(`queue and dashboard at ${scale} failed: ${step.scaleError}`);
      }
      step.scaleLoad = { start: scaleLoadStart, end: loadNow() };
      if (settings.phases.has('ingest')) try {
        step.ingest = await runIngest(stage, settings.ingest, bare, rss);
      } catch (err) {
        step.ingestError = describe(err);
        log(`ingest at ${scale} failed: ${step.ingestError}`);
      }
      results.steps.push(step);
    }
    // Pages before end to end: the Seller's delivery backlog that end to end may leave must not slow the page loads.
    const pagesLoadStart = loadNow();
    if (settings.phases.has('pages')) try {
      results.pages = await runPages(stage);
      log('pages measured');
    } catch (err) {
      results.pagesError = describe(err);
      log(`pages failed: ${results.pagesError}`);
    }
    results.pagesLoad = { start: pagesLoadStart, end: loadNow() };
    const e2e = settings.endToEnd;
    for (const [i, rate] of (settings.phases.has('e2e') ? e2e.rates : []).entries()) {
      // Later rates are shortened (not below 20 s) when their full length would take the run past its budget.
      let durationMs = e2e.durationMs;
      if (i > 0) {
        const left = settings.budgetMs - (Date.now() - started) - e2e.settleMs - 10_000;
        if (left < durationMs) durationMs = Math.max(20_000, Math.floor(left / 1000) * 1000);
      }
      const options = {
        rate,
        durationMs,
        ...(durationMs !== e2e.durationMs ? { requestedDurationMs: e2e.durationMs } : {}),
        settleMs: e2e.settleMs,
        pollMs: e2e.pollMs,
      };
      if (options.requestedDurationMs) log(`end to end at ${rate}/s shortened to ${durationMs / 1000} s to stay within the ${settings.budgetMs / 1000} s budget`);
      try {
        const result = await runEndToEnd(stage, options, rss, e2e.deliveryConcurrency);
        results.endToEnd.push(result);
        log(
          `end to end at ${rate}/s: ${result.changes} changes, cache p99 ${result.cache.delayMs.p99.toFixed(0)} ms, live p99 ${result.live?.delayMs.p99.toFixed(0) ?? '–'} ms`,
        );
      } catch (err) {
        (results.endToEndErrors ??= []).push({ rate, error: describe(err) });
        log(`end to end at ${rate}/s failed: ${describe(err)}`);
      }
    }
  } finally {
    rss?.stop();
    await bare?.stop();
    await stage?.stop();
  }
  if (rss) {
    const during = rss.peak((label) => label.startsWith('ingest') || label.startsWith('end to end'));
    const whole = rss.peak();
    results.memory = {
      peakTotalMB: whole.totalBytes / MB,
      peakLargestMB: whole.largestBytes / MB,
      duringIngestAndEndToEndMB: during.totalBytes / MB,
      windows: mergeWindows(rss.byWindow()).map((w) => ({ label: w.label, peakTotalMB: w.peakTotalBytes / MB, samples: w.samples })),
    };
  }
  results.durationS = (Date.now() - started) / 1000;
  results.machine.loadAverageAtEnd = loadNow();
  results.targets = judgeTargets(results);

  const out = path.resolve(ROOT, settings.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const tables = allTables(results);
  fs.writeFileSync(out.replace(/\.json$/, '.md'), `${machineLine(results)}\n\n${tables.map(renderMarkdown).join('\n\n')}\n`);
  console.log(`\n${machineLine(results)}\n`);
  console.log(tables.map(renderText).join('\n\n'));
  console.log(`\nwritten: ${path.relative(ROOT, out)} and ${path.relative(ROOT, out.replace(/\.json$/, '.md'))}`);
}

function mergeWindows(windows: Array<{ label: string; peakTotalBytes: number; samples: number }>) {
  const merged = new Map<string, { label: string; peakTotalBytes: number; samples: number }>();
  for (const w of windows) {
    const m = merged.get(w.label);
    if (m) {
      m.peakTotalBytes = Math.max(m.peakTotalBytes, w.peakTotalBytes);
      m.samples += w.samples;
    } else merged.set(w.label, { ...w });
  }
  return [...merged.values()];
}
