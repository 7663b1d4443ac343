/** Every knob of the benchmark, from the environment, with the defaults that keep `npm run bench` under 10 minutes. */

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
  endToEnd: { rate: number; durationMs: number; tickets: number; settleMs: number; pollMs: number };
  out: string;
  rebuild: boolean;
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
      rate: num('BENCH_E2E_RATE', 50),
      durationMs: num('BENCH_E2E_S', 25) * 1000,
      tickets: num('BENCH_E2E_TICKETS', 200),
      settleMs: num('BENCH_E2E_SETTLE_S', 15) * 1000,
      pollMs: num('BENCH_E2E_POLL_MS', 20),
    },
    out: process.env.BENCH_OUT ?? 'bench/results.json',
    rebuild: args.includes('--rebuild') || process.env.BENCH_REBUILD === '1',
  };
}
