/**
 * Every knob of the benchmark, from the environment, with the defaults that keep `npm run bench` within ~15 minutes on
 * a 2-core machine (about 3 of them for `next build` when the sources changed).
 */

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${raw}`);
  return value;
};

const list = (name: string, fallback: number[]): number[] => {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must list positive integers, not ${raw}`);
  return values;
};

export interface Settings {
  mode: 'standard' | 'large';
  /** Cached tickets at each step; items 1 (ingest) and 3 (queue, dashboard) run at each. */
  scales: number[];
  ingest: { levels: number[]; levelMs: number; rate: number; rateMs: number; drainTimeoutMs: number };
  endToEnd: {
    /** Offered Seller changes per second, one run each, in this order (BENCH_E2E_RATES, default 50,200). */
    rates: number[];
    durationMs: number;
    tickets: number;
    settleMs: number;
    pollMs: number;
    /** SANDBOX_DELIVERY_CONCURRENCY the sandbox is started with: notifications open at once towards one hub. */
    deliveryConcurrency: number;
  };
  /**
   * The whole run (build included) should end within this: an end-to-end run after the first is shortened (never
   * below 20 s) when its full duration would pass it. The first rate always runs for its full duration.
   */
  budgetMs: number;
  out: string;
  rebuild: boolean;
  /** Phases to run (BENCH_PHASES, default all): scale (queue and dashboard), ingest, pages, e2e. */
  phases: Set<Phase>;
}

export const PHASES = ['scale', 'ingest', 'pages', 'e2e'] as const;
export type Phase = (typeof PHASES)[number];

function phases(): Set<Phase> {
  const raw = process.env.BENCH_PHASES;
  if (!raw) return new Set(PHASES);
  const named = raw.split(',').map((p) => p.trim());
  const unknown = named.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_PHASES names unknown phases: ${unknown.join(', ')} (known: ${PHASES.join(', ')})`);
  return new Set(named as Phase[]);
}

export function readSettings(args: string[]): Settings {
  const large = args.includes('--large');
  return {
    mode: large ? 'large' : 'standard',
    scales: list('BENCH_SCALES', large ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]),
    ingest: {
      levels: list('BENCH_LEVELS', [1, 8, 32, 64]),
      levelMs: num('BENCH_LEVEL_S', 3) * 1000,
      rate: num('BENCH_RATE', 500),
      rateMs: num('BENCH_RATE_S', 4) * 1000,
      drainTimeoutMs: num('BENCH_DRAIN_S', 30) * 1000,
    },
    endToEnd: {
      rates: process.env.BENCH_E2E_RATES ? list('BENCH_E2E_RATES', []) : process.env.BENCH_E2E_RATE ? [num('BENCH_E2E_RATE', 50)] : [50, 200],
      durationMs: num('BENCH_E2E_S', 60) * 1000,
      // One change in flight per ticket: 600 tickets let 200 changes/s wait up to 3 s each before a change is not sent.
      tickets: num('BENCH_E2E_TICKETS', 600),
      settleMs: num('BENCH_E2E_SETTLE_S', 15) * 1000,
      pollMs: num('BENCH_E2E_POLL_MS', 20),
      deliveryConcurrency: num('BENCH_SANDBOX_CONCURRENCY', 8),
    },
    budgetMs: num('BENCH_BUDGET_S', large ? 1800 : 720) * 1000,
    out: process.env.BENCH_OUT ?? 'bench/results.json',
    rebuild: args.includes('--rebuild') || process.env.BENCH_REBUILD === '1',
    phases: phases(),
  };
}
