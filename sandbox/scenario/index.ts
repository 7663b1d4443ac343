import type { SandboxContext } from '../context';
import type { SellerConfig } from '../sellers';
import { createAgenda, type AgendaItem, type AgendaKind } from './agenda';
import { advanceAppointment } from './appointment-steps';
import { advanceIncident, raiseIncident } from './incident-steps';
import type { ScenarioRuntime, Step } from './runtime';
import { seededChoice } from './seeded-choice';
import { profileOf, type SellerProfile } from './seller-profiles';
import { advanceTicket } from './ticket-steps';
import { advanceWorkOrder } from './work-order-steps';

export type { SellerProfile } from './seller-profiles';

export interface ScenarioOptions {
  /** Seeds every decision; default SANDBOX_SEED, else a fixed value, so a run is reproducible. */
  seed?: string;
  /** Real milliseconds between looks at the agenda. */
  tickMs?: number;
  /** Per-Seller changes to the built-in behaviour. */
  profiles?: Record<string, Partial<SellerProfile>>;
  /** Most steps taken in one tick, so a tick stays short whatever the backlog. */
  maxStepsPerTick?: number;
}

export interface RunningScenario {
  stop(): void;
  /** Takes every step that is due now; returns how many were taken. The timer calls it too. */
  tick(): number;
}

const DEFAULT_SEED = 'sonata-sandbox';
const DEFAULT_TICK_MS = 250;
const MIN_RECHECK_MS = 200;
const MAX_RECHECK_MS = 5_000;
/** Real delay before a step that failed is tried again. */
const RETRY_FAILED_STEP_MS = 5_000;

const STEPS: Record<AgendaKind, Step> = {
  troubleTicket: advanceTicket,
  appointment: advanceAppointment,
  workOrder: advanceWorkOrder,
  incident: advanceIncident,
  incidentGenerator: raiseIncident,
};

function describeError(err: unknown): string {
  // The sandbox's HTTP errors carry their MEF error body; its reasons say more than the status.
  const body = typeof err === 'object' && err !== null ? (err as { body?: unknown }).body : undefined;
  const detail = body === undefined ? '' : ` ${JSON.stringify(body).slice(0, 300)}`;
  return `${err instanceof Error ? err.message : String(err)}${detail}`;
}

/**
 * Scenario mode: each Seller acts on its own on the Seller clock. Every tick finds new documents, then takes
 * the steps that are due; a step that fails is logged and tried again later, never thrown out of the timer.
 */
export function startScenario(ctx: SandboxContext, options: ScenarioOptions = {}): RunningScenario {
  const seed = options.seed ?? process.env.SANDBOX_SEED ?? DEFAULT_SEED;
  const maxSteps = options.maxStepsPerTick ?? 100;
  const agenda = createAgenda(ctx.store.db);
  const profiles = new Map<string, SellerProfile>(ctx.sellers.map((s) => [s.slug, profileOf(s, options.profiles?.[s.slug])]));
  const sellersBySlug = new Map<string, SellerConfig>(ctx.sellers.map((s) => [s.slug, s]));
  // One time per tick: every step of a tick sees the same instant, and the clock is read once.
  let tickTime: number | undefined;
  const now = () => tickTime ?? ctx.clock.now().getTime();

  const rt: ScenarioRuntime = {
    ctx,
    agenda,
    choice: seededChoice(seed),
    seller(slug) {
      const seller = sellersBySlug.get(slug);
      if (!seller) throw new Error(`unknown Seller ${slug}`);
      return seller;
    },
    profile(slug) {
      const profile = profiles.get(slug);
      if (!profile) throw new Error(`unknown Seller ${slug}`);
      return profile;
    },
    now,
    scaled: (ms) => ctx.clock.scaled(ms),
    after: (ms) => now() + ctx.clock.scaled(ms),
    recheckAt: () => now() + Math.min(MAX_RECHECK_MS, Math.max(MIN_RECHECK_MS, ctx.clock.scaled(2 * 60_000))),
  };

  for (const seller of ctx.sellers) {
    if (profiles.get(seller.slug)?.incidentEveryMinutes && seller.offersIncidents) {
      agenda.add({ seller: seller.slug, kind: 'incidentGenerator', id: seller.slug, ordinal: 0, round: 0, stage: 'new', dueAt: now() });
    }
  }

  let stopped = false;

  function takeStep(item: AgendaItem): void {
    try {
      STEPS[item.kind](rt, item);
    } catch (err) {
      console.warn(`[scenario] ${item.seller} ${item.kind} ${item.id} (${item.stage}): ${describeError(err)}`);
      try {
        item.dueAt = now() + RETRY_FAILED_STEP_MS;
        agenda.save(item);
      } catch {
        /* the database is closing; the item stays due and is retried on the next start */
      }
    }
  }

  function tick(): number {
    if (stopped) return 0;
    let taken = 0;
    try {
      tickTime = ctx.clock.now().getTime();
      for (const seller of ctx.sellers) agenda.discover(seller.slug, tickTime);
      for (const item of agenda.due(tickTime, maxSteps)) {
        if (stopped) break;
        takeStep(item);
        taken += 1;
      }
    } catch (err) {
      console.error('[scenario] tick failed:', err);
    } finally {
      tickTime = undefined;
    }
    return taken;
  }

  const timer = setInterval(tick, options.tickMs ?? DEFAULT_TICK_MS);
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    tick,
  };
}
