/** The shape of bench/results.json. */
import type { EndToEndResult } from './phases/end-to-end';
import type { IngestResult } from './phases/ingest';
import type { PagesResult } from './phases/pages';
import type { LoadWindow } from './lib/load';
import type { TargetVerdict } from './lib/report';
import type { Summary } from './lib/stats';

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  memoryGiB: number;
  loadAverageAtStart: number[];
  /** os.loadavg() when the run ended (1, 5, 15 min). */
  loadAverageAtEnd?: number[];
  /** The kernel's scheduler autogroups (one CPU share per session): on, off, or null when not readable. */
  schedulerAutogroups?: boolean | null;
}

export interface MeasuredQuery {
  name: string;
  search?: string;
  rows: number;
  total?: number;
  statements: number;
  dataLayer: Summary;
  direct: Summary;
  perStatement?: Array<{ name: string; dataLayerP50: number; directP50: number }>;
}

export interface ScaleResult {
  tickets: number;
  runs: number;
  queue: MeasuredQuery[];
  dashboard: MeasuredQuery[];
  /** SLA scorecards (one Seller, one month); absent in results from before they were measured. */
  scorecard?: MeasuredQuery[];
}

export interface StepResult {
  cachedTickets: number;
  cacheGrowthS: number | null;
  scale: ScaleResult | null;
  scaleError?: string;
  /** Load average around the queue and dashboard measurement. */
  scaleLoad?: LoadWindow;
  ingest: IngestResult | null;
  ingestError?: string;
}

export interface MemoryResult {
  peakTotalMB: number;
  peakLargestMB: number;
  duringIngestAndEndToEndMB: number;
  windows: Array<{ label: string; peakTotalMB: number; samples: number }>;
}

export interface BenchResults {
  startedAt: string;
  durationS: number;
  mode: 'standard' | 'large';
  machine: Machine;
  build: { distDir: string; built: boolean; buildS: number | null };
  steps: StepResult[];
  /** One run per offered rate (BENCH_E2E_RATES), in order. */
  endToEnd: EndToEndResult[];
  /** Rates whose run failed, with the reason. */
  endToEndErrors?: Array<{ rate: number; error: string }>;
  /** SANDBOX_DELIVERY_CONCURRENCY the sandbox ran with. */
  sandboxDeliveryConcurrency?: number;
  pages: PagesResult | null;
  pagesError?: string;
  pagesLoad?: LoadWindow;
  memory: MemoryResult | null;
  targets: TargetVerdict[];
}
