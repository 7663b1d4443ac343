/**
 * Background delivery of the outbox: polls for due operations (short interval), wakes at once when an action
 * queues one, and sends each ticket's operations in order. Survives restarts because the queue is in the database.
 */
import { logger } from '@/lib/observability/log';
import { deliverTicket, dueTicketIds } from './outbox';

export interface OutboxWorker {
  /** Check for due work now instead of at the next poll. */
  wake(): void;
  /** Stops polling and waits for deliveries already under way. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export interface OutboxWorkerOptions {
  intervalMs?: number;
  /** Tickets delivered in parallel (each ticket's operations stay in order). */
  concurrency?: number;
  onError?: (err: unknown) => void;
}

// On globalThis so that actions bundled apart from the start-up code still reach the one running worker.
const registry = globalThis as unknown as { ticketOutboxWorker?: OutboxWorker };

/** Wakes the running worker, if any (actions call this after queueing). */
export function wakeOutboxWorker(): void {
  registry.ticketOutboxWorker?.wake();
}

/** Whether this process's worker is running (readiness). */
export function outboxWorkerRunning(): boolean {
  return registry.ticketOutboxWorker?.running === true;
}

export function startOutboxWorker(options: OutboxWorkerOptions = {}): OutboxWorker {
  const existing = registry.ticketOutboxWorker;
  if (existing?.running) return existing;
  const intervalMs = options.intervalMs ?? 500;
  const concurrency = options.concurrency ?? 4;
  const onError = options.onError ?? ((err) => logger('outbox').error({ err }, 'delivery pass failed'));
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let again = false;
  const active = new Set<number>();

  async function runPass(): Promise<void> {
    const ids = (await dueTicketIds(100)).filter((id) => !active.has(id));
    let next = 0;
    const lane = async () => {
      while (running && next < ids.length) {
        const id = ids[next++]!;
        active.add(id);
        try {
          await deliverTicket(id);
        } catch (err) {
          onError(err);
        } finally {
          active.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
  }

  function tick(): void {
    if (!running) return;
    if (pass) {
      again = true;
      return;
    }
    clearTimeout(timer);
    pass = runPass()
      .catch(onError)
      .finally(() => {
        pass = undefined;
        if (!running) return;
        if (again) {
          again = false;
          setImmediate(tick);
        } else {
          timer = setTimeout(tick, intervalMs);
          timer.unref?.();
        }
      });
  }

  const worker: OutboxWorker = {
    wake: () => tick(),
    stop: async () => {
      running = false;
      clearTimeout(timer);
      await pass;
      if (registry.ticketOutboxWorker === worker) registry.ticketOutboxWorker = undefined;
    },
    get running() {
      return running;
    },
  };
  registry.ticketOutboxWorker = worker;
  setImmediate(tick);
  return worker;
}
