/** Turns bench/results.json into the tables printed at the end of a run and pasted into the README. */
import { formatNumber, judgeTarget, verdictTable, type Table, type TargetSpec, type TargetVerdict } from './lib/report';
import type { Summary } from './lib/stats';
import { TARGET_LABELS, TARGETS } from './phases/ingest';
import type { BenchResults, StepResult } from './results';

const ms = (v: number | null | undefined) => formatNumber(v ?? null, v !== null && v !== undefined && Math.abs(v) < 10 ? 2 : 1);
const x = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(2)}×`);
const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

function errorsOf(r: { refused: Record<string, number>; failed: number } | undefined): string {
  if (!r) return '–';
  const refused = Object.entries(r.refused).map(([status, n]) => `${n}×${status}`);
  if (r.failed) refused.push(`${r.failed} failed`);
  return refused.length ? refused.join(' ') : '0';
}

export function ingestTables(step: StepResult): Table[] {
  const ingest = step.ingest;
  if (!ingest) return [];
  const at = k(step.cachedTickets);
  const sweep: Table = {
    title: `Listener ingest, closed loop, ${ingest.options.levelMs / 1000} s per level, cache of ${at} tickets (accepted events/s, p99 ms)`,
    header: ['concurrency', 'portal/s', 'p50', 'p99', '(a) no-op/s', 'p99', '(b) row/s', 'p99', '(b) group/s', 'p99', 'portal/(a)', 'portal/(b row)', 'portal/(b group)', 'portal errors', 'inbox settled'],
    rows: ingest.sweep.map((l) => [
      String(l.concurrency),
      formatNumber(l.results.portal?.acceptedPerS, 0),
      ms(l.results.portal?.latencyMs.p50),
      ms(l.results.portal?.latencyMs.p99),
      formatNumber(l.results.noop?.acceptedPerS, 0),
      ms(l.results.noop?.latencyMs.p99),
      formatNumber(l.results.bareRow?.acceptedPerS, 0),
      ms(l.results.bareRow?.latencyMs.p99),
      formatNumber(l.results.bareGroup?.acceptedPerS, 0),
      ms(l.results.bareGroup?.latencyMs.p99),
      x(l.portalOverNoop),
      x(l.portalOverBareRow),
      x(l.portalOverBareGroup),
      errorsOf(l.results.portal),
      l.portalDrainMs === null ? 'not within timeout' : `${formatNumber(l.portalDrainMs / 1000, 1)} s`,
    ]),
  };
  const peakRow = (name: (typeof TARGETS)[number]) => {
    const p = ingest.peak[name];
    return p ? `${formatNumber(p.acceptedPerS, 0)} @ c=${p.concurrency}` : '–';
  };
  sweep.rows.push([
    'peak',
    peakRow('portal'),
    '',
    '',
    peakRow('noop'),
    '',
    peakRow('bareRow'),
    '',
    peakRow('bareGroup'),
    '',
    x(ingest.peakRatio.portalOverNoop),
    x(ingest.peakRatio.portalOverBareRow),
    x(ingest.peakRatio.portalOverBareGroup),
    '',
    '',
  ]);
  const fixed: Table = {
    title: `Listener ingest at a fixed ${ingest.options.rate} events/s for ${ingest.options.rateMs / 1000} s (open loop, latency from the scheduled send), cache of ${at}`,
    header: ['target', 'accepted/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'not sent (backlog full)', 'acknowledged (whole run)', 'lost'],
    leftColumns: [0],
    rows: TARGETS.map((name) => {
      const r = ingest.fixedRate[name];
      return [
        TARGET_LABELS[name],
        formatNumber(r?.acceptedPerS, 0),
        ms(r?.latencyMs.p50),
        ms(r?.latencyMs.p95),
        ms(r?.latencyMs.p99),
        ms(r?.latencyMs.max),
        errorsOf(r),
        formatNumber(r?.skipped),
        formatNumber(ingest.acknowledged[name]),
        name === 'noop' ? 'n/a' : formatNumber(ingest.lost[name]),
      ];
    }),
  };
  return [sweep, fixed];
}

function summaryCells(s: Summary | undefined): string[] {
  return [ms(s?.p50), ms(s?.p95), ms(s?.p99), ms(s?.max)];
}

export function scaleTable(results: BenchResults): Table | null {
  const rows: string[][] = [];
  for (const step of results.steps) {
    if (!step.scale) continue;
    for (const q of [...step.scale.queue, ...step.scale.dashboard.map((d) => ({ ...d, name: `dashboard: ${d.name}` }))]) {
      rows.push([
        q.name,
        k(step.cachedTickets),
        ms(q.dataLayer.p50),
        ms(q.dataLayer.p95),
        ms(q.direct.p50),
        ms(q.direct.p95),
        x(q.direct.p50 > 0 ? q.dataLayer.p50 / q.direct.p50 : null),
        q.total === undefined ? String(q.rows) : `${q.rows} of ${formatNumber(q.total)}`,
      ]);
    }
  }
  if (rows.length === 0) return null;
  return {
    title: 'Queue and dashboard server time: data-layer function vs the same SQL run directly (better-sqlite3), ms',
    header: ['query', 'cache', 'data layer p50', 'p95', 'direct p50', 'p95', 'layer/direct', 'rows'],
    leftColumns: [0],
    rows,
  };
}

export function endToEndTable(results: BenchResults): Table | null {
  const e = results.endToEnd;
  if (!e) return null;
  const rows = [
    ['Seller change → our cache', String(e.cache.seen), String(e.cache.missing), ...summaryCells(e.cache.delayMs)],
    e.live
      ? ['Seller change → live channel (/api/live)', String(e.live.seen), String(e.live.missing), ...summaryCells(e.live.delayMs)]
      : ['Seller change → live channel (/api/live)', '–', '–', e.liveError ?? 'not measured', '', '', ''],
    ['sandbox control call (included above)', String(e.controlMs.count), String(e.controlErrors), ...summaryCells(e.controlMs)],
  ];
  return {
    title: `End to end (a change not seen by the end counts with the time it waited: the figures are then lower bounds): ${e.changes} status changes on ${e.tickets} tickets at ${formatNumber(e.achievedRate, 1)}/s (asked ${e.options.rate}/s for ${e.options.durationMs / 1000} s; cache polled every ${e.options.pollMs} ms; ${e.skipped} not sent)`,
    header: ['delay', 'seen', 'missing', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    leftColumns: [0],
    rows,
  };
}

export function pagesTable(results: BenchResults): Table | null {
  const p = results.pages;
  if (!p) return null;
  const b = p.browser;
  return {
    title: `Pages: ${p.path} for a signed-in NOC user (rows: ${p.selector})`,
    header: ['measure', 'cold', 'warm p50', 'warm max'],
    leftColumns: [0],
    rows: [
      ['HTTP TTFB, ms', ms(p.http.cold.ttfbMs), ms(p.http.warm.ttfbMs.p50), ms(p.http.warm.ttfbMs.max)],
      ['HTTP full response, ms', ms(p.http.cold.totalMs), ms(p.http.warm.totalMs.p50), ms(p.http.warm.totalMs.max)],
      ['Chromium TTFB, ms', ms(b?.cold.ttfbMs), ms(b?.warm.ttfbMs.p50), ms(b?.warm.ttfbMs.max)],
      [
        'Chromium: queue rendered and hydrated, ms',
        b ? (b.cold.interactiveMs === null ? 'no queue rows' : ms(b.cold.interactiveMs)) : p.browserError ?? '–',
        b?.warm.interactiveMs ? ms(b.warm.interactiveMs.p50) : '–',
        b?.warm.interactiveMs ? ms(b.warm.interactiveMs.max) : '–',
      ],
    ],
  };
}

export function memoryTable(results: BenchResults): Table | null {
  const m = results.memory;
  if (!m) return null;
  return {
    title: 'Memory: resident set of the portal server process group (next start and its children), MB',
    header: ['stretch', 'peak RSS MB'],
    leftColumns: [0],
    rows: [...m.windows.map((w) => [w.label, formatNumber(w.peakTotalMB, 0)]), ['whole run', formatNumber(m.peakTotalMB, 0)]],
  };
}

const at100k = (results: BenchResults): StepResult | undefined =>
  results.steps.find((s) => s.cachedTickets === 100_000) ?? [...results.steps].sort((a, b) => b.cachedTickets - a.cachedTickets)[0];

export function judgeTargets(results: BenchResults): TargetVerdict[] {
  const specs: TargetSpec[] = [];
  for (const step of results.steps) {
    const at = k(step.cachedTickets);
    specs.push({
      id: `ingest-ratio-${step.cachedTickets}`,
      label: `listener peak ÷ no-op peak (${at} cached)`,
      value: step.ingest?.peakRatio.portalOverNoop ?? null,
      unit: '×',
      comparator: 'atLeast',
      threshold: 0.9,
      note: step.ingestError,
    });
    specs.push({
      id: `ingest-p99-${step.cachedTickets}`,
      label: `listener p99 at ${step.ingest?.options.rate ?? 500} events/s (${at} cached)`,
      value: step.ingest?.fixedRate.portal?.latencyMs.p99 ?? null,
      unit: 'ms',
      comparator: 'below',
      threshold: 50,
      note: step.ingestError,
    });
  }
  const ingested = results.steps.filter((s) => s.ingest);
  specs.push({
    id: 'ingest-lost',
    label: 'events acknowledged but not in the inbox',
    value: ingested.length ? ingested.reduce((n, s) => n + (s.ingest?.lost.portal ?? 0), 0) : null,
    unit: 'events',
    comparator: 'atMost',
    threshold: 0,
  });
  const e = results.endToEnd;
  const rate = e?.options.rate ?? 50;
  specs.push({
    id: 'e2e-cache-p99',
    label: `end to end p99, Seller change → cache, at ${rate}/s`,
    value: e ? e.cache.delayMs.p99 : null,
    unit: 'ms',
    comparator: 'below',
    threshold: 1000,
    note: results.endToEndError,
  });
  specs.push({
    id: 'e2e-live-p99',
    label: `end to end p99, Seller change → live channel, at ${rate}/s`,
    value: e?.live ? e.live.delayMs.p99 : null,
    unit: 'ms',
    comparator: 'below',
    threshold: 1000,
    note: e?.liveError ?? results.endToEndError,
  });
  const big = at100k(results);
  const worstQueue = big?.scale?.queue.slice().sort((a, b) => b.dataLayer.p95 - a.dataLayer.p95)[0];
  specs.push({
    id: 'queue-p95',
    label: `queue p95, slowest common filter (${worstQueue?.name ?? '–'}), ${big ? k(big.cachedTickets) : '–'} cached`,
    value: worstQueue?.dataLayer.p95 ?? null,
    unit: 'ms',
    comparator: 'below',
    threshold: 50,
    note: big?.scaleError,
  });
  const worstDashboard = big?.scale?.dashboard.slice().sort((a, b) => b.dataLayer.p95 - a.dataLayer.p95)[0];
  specs.push({
    id: 'dashboard-p95',
    label: `dashboard server part p95 (${worstDashboard?.name ?? '–'}), ${big ? k(big.cachedTickets) : '–'} cached`,
    value: worstDashboard?.dataLayer.p95 ?? null,
    unit: 'ms',
    comparator: 'below',
    threshold: 500,
    note: big?.scaleError,
  });
  specs.push({
    id: 'rss',
    label: 'portal peak RSS during ingest and end to end',
    value: results.memory?.duringIngestAndEndToEndMB ?? null,
    unit: 'MB',
    comparator: 'below',
    threshold: 500,
  });
  return specs.map(judgeTarget);
}

export function allTables(results: BenchResults): Table[] {
  const tables: Table[] = [];
  for (const step of results.steps) tables.push(...ingestTables(step));
  for (const t of [endToEndTable(results), scaleTable(results), pagesTable(results), memoryTable(results)]) if (t) tables.push(t);
  tables.push(verdictTable(results.targets));
  return tables;
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  return `${m.nproc} cores (nproc), ${m.cpuModel}, ${formatNumber(m.memoryGiB, 0)} GiB, Node ${m.node}; load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}; run took ${formatNumber(results.durationS, 0)} s (${results.mode})`;
}
