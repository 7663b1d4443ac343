import 'server-only';
import { env } from '@/lib/env';

/** The longest cooldown a scope may have (SELLER_REFRESH_COOLDOWN_SECONDS is capped to it). */
export const MAX_COOLDOWN_MS = 3_600_000;

export type GateOutcome<T> = { ran: true; joined: boolean; result: T } | { ran: false; retryAfterSeconds: number; lastFinishedAt: number };

/**
 * Refreshes from the Sellers, single-flight with a cooldown: while one refresh of a scope runs, another caller of
 * the same scope joins it instead of starting a second; once it has finished, the scope is not refreshed again for
 * the cooldown. In memory: refreshes run in the server process.
 */
export class RefreshGate {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly finishedAt = new Map<string, number>();

  async run<T>(scope: string, cooldownMs: number, work: () => Promise<T>, now: () => number = Date.now): Promise<GateOutcome<T>> {
    const running = this.inFlight.get(scope) as Promise<T> | undefined;
    if (running) return { ran: true, joined: true, result: await running };
    const last = this.finishedAt.get(scope);
    if (last !== undefined && now() - last < cooldownMs) {
      return { ran: false, retryAfterSeconds: Math.max(1, Math.ceil((last + cooldownMs - now()) / 1000)), lastFinishedAt: last };
    }
    const promise = work().finally(() => {
      this.inFlight.delete(scope);
      this.finishedAt.set(scope, now());
      if (this.finishedAt.size > 10_000) this.forgetOlderThan(now() - MAX_COOLDOWN_MS);
    });
    this.inFlight.set(scope, promise);
    return { ran: true, joined: false, result: await promise };
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [scope, at] of this.finishedAt) if (at < cutoff) this.finishedAt.delete(scope);
  }
}

const KEY = Symbol.for('sonata-portal.refresh-gate');
const holder = globalThis as unknown as { [KEY]?: RefreshGate };

export function refreshGate(): RefreshGate {
  holder[KEY] ??= new RefreshGate();
  return holder[KEY];
}

/**
 * A refresh of one resource is one GET: single-flight only, so an operator can read it again right after the
 * Seller changed it. Lists cost a GET per item at every Seller: they also wait SELLER_REFRESH_COOLDOWN_SECONDS.
 */
export const ITEM_COOLDOWN_MS = 0;

export function listCooldownMs(): number {
  return env().SELLER_REFRESH_COOLDOWN_SECONDS * 1000;
}

export function coolingDownMessage(retryAfterSeconds: number): string {
  return `Just refreshed from the Sellers; the next refresh is possible in ${retryAfterSeconds} s. The page already shows what they sent, and their notifications keep it current.`;
}
