import type { JobRecord, SandboxStore } from './store';

export type JobHandler = (job: JobRecord) => void;

/**
 * The Sellers' sense of time. `now()` is wall time plus an offset that `advance()` moves forward (so tests and
 * demos can skip ahead deterministically); Seller delays are divided by the speed factor (SANDBOX_CLOCK).
 * Scheduled work is persisted, so a restart resumes it.
 */
export class SellerClock {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: SandboxStore,
    readonly speed: number = 1,
    private readonly tickMs = 200,
  ) {}

  private get offsetMs(): number {
    return Number(this.store.getMeta('clock.offsetMs') ?? '0');
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  /** How long a Seller delay of `ms` really takes on this clock. */
  scaled(ms: number): number {
    return Math.max(0, Math.round(ms / (this.speed > 0 ? this.speed : 1)));
  }

  on(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  schedule(seller: string, kind: string, delayMs: number, payload: Record<string, unknown>): void {
    this.store.addJob(seller, kind, this.now().getTime() + this.scaled(delayMs), payload);
  }

  /** Moves the Seller clock forward and runs everything that has become due. */
  advance(ms: number): { now: Date; ran: number } {
    this.store.setMeta('clock.offsetMs', String(this.offsetMs + Math.max(0, ms)));
    const ran = this.runDue();
    return { now: this.now(), ran };
  }

  runDue(): number {
    if (this.running) return 0;
    this.running = true;
    let ran = 0;
    try {
      for (;;) {
        const due = this.store.dueJobs(this.now().getTime());
        if (due.length === 0) break;
        for (const job of due) {
          this.store.removeJob(job.id);
          const handler = this.handlers.get(job.kind);
          try {
            handler?.(job);
          } catch (err) {
            console.error(`[sandbox] job ${job.kind} failed:`, err);
          }
          ran += 1;
        }
      }
    } finally {
      this.running = false;
    }
    return ran;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.runDue(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
