/** Turns bench/results.json into the tables printed at the end of a run and pasted into the README. */
import { formatNumber, judgeTarget, verdictTable, type Table, type TargetSpec, type TargetVerdict } from './lib/report';
import { describeLoad, spanLoad } from './lib/load';
import type { Summary } from './lib/stats';
import { driftBounds, MAX_NOT_SENT_SHARE, type Drift, type EndToEndResult } from './phases/end-to-end';
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
    title: `Listener ingest, closed loop, ${ingest.options.levelMs / 1000} s per level, cache of ${at} tickets (accepted events/s, p99 ms); ${describeLoad(ingest.load?.sweep)}`,
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
    title: `Listener ingest at a fixed ${ingest.options.rate} events/s for ${ingest.options.rateMs / 1000} s (open loop, latency from the scheduled send), cache of ${at}; ${describeLoad(ingest.load?.fixedRate)}`,
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
    const scorecards = (step.scale.scorecard ?? []).map((d) => ({ ...d, name: `scorecard: ${d.name}` }));
    for (const q of [...step.scale.queue, ...step.scale.dashboard.map((d) => ({ ...d, name: `dashboard: ${d.name}` })), ...scorecards]) {
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
    title: `Queue, dashboard and SLA scorecard server time: data-layer function vs the same SQL run directly (better-sqlite3), ms; ${results.steps
      .filter((st) => st.scale)
      .map((st) => `at ${k(st.cachedTickets)} ${describeLoad(st.scaleLoad)}`)
      .join('; ')}`,
    header: ['query', 'cache', 'data layer p50', 'p95', 'direct p50', 'p95', 'layer/direct', 'rows'],
    leftColumns: [0],
    rows,
  };
}

const seconds = (msValue: number) => `${formatNumber(msValue / 1000, 0)} s`;

function runLength(e: EndToEndResult): string {
  const asked = `asked ${e.options.rate}/s for ${seconds(e.options.durationMs)}`;
  return e.options.requestedDurationMs
    ? `${asked}, shortened from ${seconds(e.options.requestedDurationMs)} to keep the run within its time budget`
    : asked;
}

export function endToEndTable(e: EndToEndResult): Table {
  const stream = e.liveStream
    ? `; live stream from ?since=${e.liveStream.since ?? '–'}, ${e.liveStream.reconnects} reconnections, ${e.liveStream.reloads} reload events`
    : '';
  const rows = [
    ['Seller change → our cache', String(e.cache.seen), String(e.cache.missing), ...summaryCells(e.cache.delayMs)],
    e.live
      ? ['Seller change → live channel (/api/live)', String(e.live.seen), String(e.live.missing), ...summaryCells(e.live.delayMs)]
      : ['Seller change → live channel (/api/live)', '–', '–', e.liveError ?? 'not measured', '', '', ''],
    ['sandbox control call (included above)', String(e.controlMs.count), String(e.controlErrors), ...summaryCells(e.controlMs)],
  ];
  return {
    title: `End to end at ${e.options.rate}/s (a change not seen by the end counts with the time it waited: the figures are then lower bounds): ${e.changes} status changes on ${e.tickets} tickets at ${formatNumber(e.achievedRate, 1)}/s (${runLength(e)}; cache polled every ${e.options.pollMs} ms; ${e.skipped} not sent; sandbox delivery concurrency ${e.deliveryConcurrency}${stream}); ${describeLoad(e.load)}`,
    header: ['delay', 'seen', 'missing', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    leftColumns: [0],
    rows,
  };
}

export function backlogTable(results: BenchResults): Table | null {
  const runs = results.endToEnd.filter((e) => e.backlog);
  if (runs.length === 0) return null;
  return {
    title: `End to end: where the backlog sat (sampled every second) and our listener's answer time as the sandbox Seller timed its POSTs (delivery concurrency ${runs[0]!.deliveryConcurrency} per hub); ${runs
      .map((e) => `at ${e.options.rate}/s ${describeLoad(e.load)}`)
      .join('; ')}`,
    header: ['rate', 'sandbox pending max', 'at end of sending', 'our inbox pending max', 'at end of sending', 'listener POSTs', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'not 2xx'],
    leftColumns: [0],
    rows: runs.map((e) => {
      const b = e.backlog!;
      return [
        `${e.options.rate}/s`,
        formatNumber(b.sandboxPendingMax),
        formatNumber(b.atEndOfSending?.sandboxPending),
        formatNumber(b.inboxPendingMax),
        formatNumber(b.atEndOfSending?.inboxPending),
        formatNumber(b.listenerPostMs.count),
        ...summaryCells(b.listenerPostMs),
        formatNumber(b.listenerPostsFailed),
      ];
    }),
  };
}

export function driftTable(results: BenchResults): Table | null {
  if (results.endToEnd.length === 0) return null;
  const row = (e: EndToEndResult, channel: string, d: Drift | null): string[] =>
    d
      ? [
          `${e.options.rate}/s`,
          channel,
          ms(d.first.p50),
          ms(d.first.p95),
          ms(d.last.p50),
          ms(d.last.p95),
          x(d.p95Ratio),
          formatNumber(d.slopeMsPerS, 1),
          `${x(driftBounds(d).p50Share)} / ${x(driftBounds(d).p95Share)}`,
          `${d.first.notSent} / ${d.last.notSent} (${formatNumber(d.notSentShare * 100, 1)}% of the run)`,
          driftBounds(d).bounded ? 'yes' : 'no',
        ]
      : [`${e.options.rate}/s`, channel, '–', '–', '–', '–', '–', '–', '–', '–', 'not measured'];
  return {
    title: `End to end: does the delay stay bounded? Changes split by send time into thirds of the sending window; bounded when the last third's p50 and p95 are each ≤ 2 × the first third's + 100 ms (shown as a share of that limit) and at most 5% of the changes due were not sent (every free ticket still waiting); slope: least-squares growth of the delay, ms per second of run; ${results.endToEnd
      .map((e) => `at ${e.options.rate}/s ${describeLoad(e.load)}`)
      .join('; ')}`,
    header: ['rate', 'delay', 'first third p50 ms', 'p95', 'last third p50 ms', 'p95', 'last/first p95', 'slope ms/s', 'last ÷ limit p50 / p95', 'not sent first / last third', 'bounded'],
    leftColumns: [0, 1, 10],
    rows: results.endToEnd.flatMap((e) => [row(e, 'Seller change → cache', e.drift.cache), row(e, 'Seller change → live channel', e.drift.live)]),
  };
}

export function pagesTable(results: BenchResults): Table | null {
  const p = results.pages;
  if (!p) return null;
  const b = p.browser;
  return {
    title: `Pages: ${p.path} for a signed-in NOC user (rows: ${p.selector}); ${describeLoad(results.pagesLoad)}`,
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
      ...(p.others ?? []).map((o) => [
        `HTTP full response, ${o.label}, ms${o.cold.status === 200 ? '' : ` (status ${o.cold.status})`}`,
        ms(o.cold.totalMs),
        ms(o.warm.p50),
        ms(o.warm.max),
      ]),
    ],
  };
}

export function memoryTable(results: BenchResults): Table | null {
  const m = results.memory;
  if (!m) return null;
  return {
    title: `Memory: resident set of the portal server process group (next start and its children), MB; whole run ${describeLoad(
      results.machine.loadAverageAtEnd ? { start: results.machine.loadAverageAtStart, end: results.machine.loadAverageAtEnd } : undefined,
    )}`,
    header: ['stretch', 'peak RSS MB'],
    leftColumns: [0],
    rows: [...m.windows.map((w) => [w.label, formatNumber(w.peakTotalMB, 0)]), ['whole run', formatNumber(m.peakTotalMB, 0)]],
  };
}

const at100k = (results: BenchResults): StepResult | undefined =>
  results.steps.find((s) => s.cachedTickets === 100_000) ?? [...results.steps].sort((a, b) => b.cachedTickets - a.cachedTickets)[0];

/** The end-to-end run the latency targets are about (50/s), and the one that must stay bounded (200/s). */
const runAt = (results: BenchResults, rate: number, fallback: 'first' | 'last'): EndToEndResult | undefined =>
  results.endToEnd.find((e) => e.options.rate === rate) ??
  (fallback === 'first' ? results.endToEnd[0] : results.endToEnd.length > 1 ? results.endToEnd.at(-1) : undefined);

export const E2E_TARGET_RATE = 50;
export const E2E_BOUNDED_RATE = 200;

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
      load: step.ingest?.load.sweep,
    });
    const portalP99 = step.ingest?.fixedRate.portal?.latencyMs.p99;
    const noopP99 = step.ingest?.fixedRate.noop?.latencyMs.p99;
    specs.push({
      id: `ingest-p99-${step.cachedTickets}`,
      label: `listener p99 ÷ no-op p99 at ${step.ingest?.options.rate ?? 500} events/s, open loop (${at} cached; ${ms(portalP99)} ms vs ${ms(noopP99)} ms)`,
      value: portalP99 !== undefined && noopP99 !== undefined && noopP99 > 0 ? portalP99 / noopP99 : null,
      unit: '×',
      comparator: 'atMost',
      threshold: 2,
      note: step.ingestError,
      load: step.ingest?.load.fixedRate,
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
    load: spanLoad(ingested.flatMap((s) => [s.ingest?.load.sweep, s.ingest?.load.fixedRate])),
  });
  const errorAt = (rate: number | undefined) =>
    results.endToEndErrors?.find((e) => e.rate === rate)?.error ?? results.endToEndErrors?.[0]?.error;
  const e = runAt(results, E2E_TARGET_RATE, 'first');
  const rate = e?.options.rate ?? E2E_TARGET_RATE;
  const length = e ? ` for ${seconds(e.options.durationMs)}` : '';
  specs.push({
    id: 'e2e-cache-p99',
    label: `end to end p99, Seller change → cache, at ${rate}/s${length}`,
    value: e ? e.cache.delayMs.p99 : null,
    unit: 'ms',
    comparator: 'below',
    threshold: 500,
    note: errorAt(rate),
    load: e?.load,
  });
  specs.push({
    id: 'e2e-live-p99',
    label: `end to end p99, Seller change → live channel, at ${rate}/s${length}`,
    value: e?.live ? e.live.delayMs.p99 : null,
    unit: 'ms',
    comparator: 'below',
    threshold: 1000,
    note: e?.liveError ?? errorAt(rate),
    load: e?.load,
  });
  const b = runAt(results, E2E_BOUNDED_RATE, 'last');
  const bRate = b?.options.rate ?? E2E_BOUNDED_RATE;
  const bLength = b ? ` for ${seconds(b.options.durationMs)}` : '';
  for (const [channel, d, note] of [
    ['cache', b?.drift.cache, undefined],
    ['live channel', b?.drift.live, b?.liveError],
  ] as const) {
    const bounds = d ? driftBounds(d) : null;
    specs.push({
      id: `e2e-bounded-${channel === 'cache' ? 'cache' : 'live'}`,
      label: `end to end at ${bRate}/s${bLength}, delay growth → ${channel} (bounded needs this and the not-sent row): last third vs first third p50 ${ms(d?.last.p50)} vs ${ms(d?.first.p50)} ms, p95 ${ms(d?.last.p95)} vs ${ms(d?.first.p95)} ms, as a share of 2 × first + 100 ms (worse of the two); slope ${formatNumber(d?.slopeMsPerS, 1)} ms/s; p99 over the run ${ms(
        channel === 'cache' ? b?.cache.delayMs.p99 : b?.live?.delayMs.p99,
      )} ms`,
      value: bounds ? bounds.worstShare : null,
      unit: '×',
      comparator: 'atMost',
      threshold: 1,
      note: note ?? errorAt(bRate) ?? (b ? undefined : `no second end-to-end rate (BENCH_E2E_RATES)`),
      load: b?.load,
    });
  }
  // A pipeline that falls behind keeps tickets busy, so changes are not sent and its growing delay would be hidden.
  specs.push({
    id: 'e2e-bounded-offered',
    label: `end to end at ${bRate}/s${bLength}: changes due but not sent (every free ticket still waiting), share of those due`,
    value: b ? b.drift.cache.notSentShare * 100 : null,
    unit: '%',
    comparator: 'atMost',
    threshold: MAX_NOT_SENT_SHARE * 100,
    note: errorAt(bRate) ?? (b ? undefined : `no second end-to-end rate (BENCH_E2E_RATES)`),
    load: b?.load,
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
    load: big?.scaleLoad,
  });
  const worstDashboard = big?.scale?.dashboard.slice().sort((a, b) => b.dataLayer.p95 - a.dataLayer.p95)[0];
  specs.push({
    id: 'dashboard-p95',
    label: `dashboard server part p95 (${worstDashboard?.name ?? '–'}), ${big ? k(big.cachedTickets) : '–'} cached`,
    value: worstDashboard?.dataLayer.p95 ?? null,
    unit: 'ms',
    comparator: 'below',
    threshold: 300,
    note: big?.scaleError,
    load: big?.scaleLoad,
  });
  const worstScorecard = big?.scale?.scorecard?.slice().sort((a, b) => b.dataLayer.p95 - a.dataLayer.p95)[0];
  specs.push({
    id: 'scorecard-p95',
    label: `SLA scorecard p95 (${worstScorecard?.name ?? '–'}), ${big ? k(big.cachedTickets) : '–'} cached`,
    value: worstScorecard?.dataLayer.p95 ?? null,
    unit: 'ms',
    comparator: 'below',
    threshold: 300,
    note: big?.scaleError ?? (big?.scale && !big.scale.scorecard ? 'not measured in this run' : undefined),
    load: big?.scaleLoad,
  });
  const million = results.steps.find((st) => st.cachedTickets >= 1_000_000 && st.scale);
  if (million) {
    const worstLarge = [...million.scale!.dashboard, ...(million.scale!.scorecard ?? [])].sort((a, b) => b.dataLayer.p95 - a.dataLayer.p95)[0];
    specs.push({
      id: 'dashboard-scorecard-p95-1m',
      label: `dashboard and SLA scorecard p95, slowest (${worstLarge?.name ?? '–'}), ${k(million.cachedTickets)} cached`,
      value: worstLarge?.dataLayer.p95 ?? null,
      unit: 'ms',
      comparator: 'below',
      threshold: 1500,
      note: million.scaleError,
      load: million.scaleLoad,
    });
  }
  specs.push({
    id: 'rss',
    label: 'portal peak RSS during ingest and end to end',
    value: results.memory?.duringIngestAndEndToEndMB ?? null,
    unit: 'MB',
    comparator: 'below',
    threshold: 500,
    load: results.machine.loadAverageAtEnd ? { start: results.machine.loadAverageAtStart, end: results.machine.loadAverageAtEnd } : undefined,
  });
  return specs.map(judgeTarget);
}

export function allTables(results: BenchResults): Table[] {
  const tables: Table[] = [];
  for (const step of results.steps) tables.push(...ingestTables(step));
  for (const e of results.endToEnd) tables.push(endToEndTable(e));
  for (const t of [driftTable(results), backlogTable(results), scaleTable(results), pagesTable(results), memoryTable(results)]) if (t) tables.push(t);
  tables.push(verdictTable(results.targets));
  return tables;
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  const end = m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}` : '';
  const build = results.build.built ? `, ${formatNumber(results.build.buildS, 0)} s of it next build` : ', existing build';
  const groups = m.schedulerAutogroups === undefined || m.schedulerAutogroups === null ? '' : `; scheduler autogroups ${m.schedulerAutogroups ? 'on' : 'off'}`;
  const delivery = results.sandboxDeliveryConcurrency ? `; sandbox delivery concurrency ${results.sandboxDeliveryConcurrency}` : '';
  return `${m.nproc} cores (nproc), ${m.cpuModel}, ${formatNumber(m.memoryGiB, 0)} GiB, Node ${m.node}; load average (1, 5, 15 min) at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}${end}; run took ${formatNumber(results.durationS, 0)} s${build} (${results.mode})${delivery}${groups}; each table gives the load average at the start and end of its phase`;
}
