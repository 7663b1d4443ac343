/**
 * Per-Seller circuit breaker for calls to Sellers. After `failureThreshold` consecutive transport failures (no
 * connection, timeout, 5xx, 429) the Seller's circuit opens: calls fail at once without touching the network for
 * `openMs`, then one probe is let through (half-open); its success closes the circuit, its failure opens it again.
 * Answers that are the Seller's decision (4xx) count as the Seller being up. One Seller's outage never slows others.
 */
import { getDb } from '@/db';
import { sellers } from '@/db/schema';
import { addCircuitSource } from '@/lib/observability/metrics';
import { SonataError, isRetryable } from '@/lib/sonata/errors';

export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface BreakerPolicy {
  failureThreshold: number;
  openMs: number;
}

interface Circuit {
  state: CircuitState;
  failures: number;
  openedAt: number;
  probing: boolean;
}

/** Raised instead of calling a Seller whose circuit is open; retryable like any outage. */
export class SellerCircuitOpenError extends SonataError {
  readonly kind = 'network' as const;
  readonly retryable = true;
  readonly retryAt: number;

  constructor(sellerKey: string, retryAt: number) {
    super(`The Seller has failed repeatedly; calls are paused until ${new Date(retryAt).toISOString()}`, { sellerSlug: sellerKey });
    this.retryAt = retryAt;
  }
}

export function breakerPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): BreakerPolicy {
  const n = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return { failureThreshold: n('SELLER_BREAKER_FAILURES', 5), openMs: n('SELLER_BREAKER_OPEN_MS', 30_000) };
}

export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly policy: BreakerPolicy = breakerPolicyFromEnv(),
    private readonly now: () => number = Date.now,
  ) {}

  private circuit(key: string): Circuit {
    let c = this.circuits.get(key);
    if (!c) {
      c = { state: 'closed', failures: 0, openedAt: 0, probing: false };
      this.circuits.set(key, c);
    }
    return c;
  }

  state(key: string | number): CircuitState {
    const c = this.circuit(String(key));
    if (c.state === 'open' && this.now() - c.openedAt >= this.policy.openMs) return 'halfOpen';
    return c.state;
  }

  /** Whether a call may go out now; in half-open state only one probe at a time. */
  allow(key: string | number): { allowed: true } | { allowed: false; retryAt: number } {
    const c = this.circuit(String(key));
    if (c.state === 'closed') return { allowed: true };
    const retryAt = c.openedAt + this.policy.openMs;
    if (this.now() < retryAt || c.probing) return { allowed: false, retryAt: Math.max(retryAt, this.now() + 1) };
    c.state = 'halfOpen';
    c.probing = true;
    return { allowed: true };
  }

  success(key: string | number): void {
    const c = this.circuit(String(key));
    c.state = 'closed';
    c.failures = 0;
    c.probing = false;
  }

  failure(key: string | number): void {
    const c = this.circuit(String(key));
    c.probing = false;
    c.failures += 1;
    if (c.state === 'halfOpen' || c.failures >= this.policy.failureThreshold) {
      c.state = 'open';
      c.openedAt = this.now();
    }
  }

  /** Every circuit this process has used, by key, with its state now. */
  states(): Array<{ key: string; state: CircuitState }> {
    return [...this.circuits.keys()].map((key) => ({ key, state: this.state(key) }));
  }

  /** Runs one call to the Seller under its breaker. */
  async run<T>(key: string | number, call: () => Promise<T>): Promise<T> {
    const gate = this.allow(key);
    if (!gate.allowed) throw new SellerCircuitOpenError(String(key), gate.retryAt);
    try {
      const result = await call();
      this.success(key);
      return result;
    } catch (err) {
      if (err instanceof SonataError && isRetryable(err)) this.failure(key);
      else if (err instanceof SonataError) this.success(key);
      else this.circuit(String(key)).probing = false;
      throw err;
    }
  }
}

const HOLDER = Symbol.for('sonata-portal.seller-breakers');
const holder = globalThis as unknown as { [HOLDER]?: CircuitBreakers };

/** The process-wide breakers, one circuit per Seller id. */
export function sellerBreakers(): CircuitBreakers {
  if (!holder[HOLDER]) {
    const breakers = new CircuitBreakers();
    holder[HOLDER] = breakers;
    addCircuitSource(async () => {
      const circuits = breakers.states();
      if (circuits.length === 0) return [];
      const slugs = new Map((await getDb().select({ id: sellers.id, slug: sellers.slug }).from(sellers)).map((s) => [String(s.id), s.slug]));
      return circuits.map(({ key, state }) => ({ seller: slugs.get(key) ?? '', state }));
    });
  }
  return holder[HOLDER];
}

/** `await withSellerBreaker(sellerId, () => send(...))`: the one-line use in a delivery loop. */
export function withSellerBreaker<T>(sellerId: number, call: () => Promise<T>): Promise<T> {
  return sellerBreakers().run(sellerId, call);
}
