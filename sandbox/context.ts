import type { SellerClock } from './clock';
import { deliveryQuirks } from './imperfections';
import type { Notifier, SandboxEvent } from './notifier';
import { SellerRefusals } from './refusals';
import { referencePointOf, type SellerConfig } from './sellers';
import type { SellerActions } from './seller-actions';
import type { SandboxStore } from './store';

export interface PublishedEvent extends SandboxEvent {
  at: string;
}

export interface SellerUrls {
  troubleTicket: string;
  appointment: string;
  workOrder: string;
  tokenUrl: string;
}

/**
 * Everything a Seller behaviour needs: the store, the Seller clock and the event outlet. Events raised inside
 * `atomically` are published only once the transaction commits, so a rejected request never notifies.
 */
export class SandboxContext {
  private pending: SandboxEvent[] | undefined;
  private readonly recent: PublishedEvent[] = [];
  private readonly imperfectCount = new Map<string, number>();
  baseUrl = 'http://127.0.0.1:4010';
  /** Set right after construction: the Seller behaviours bound to this context. */
  actions!: SellerActions;
  /** Operations on one ticket the Seller is told to refuse (control API). */
  readonly refusals = new SellerRefusals();

  constructor(
    readonly store: SandboxStore,
    readonly clock: SellerClock,
    readonly sellers: readonly SellerConfig[],
    public notifier: Notifier,
  ) {}

  seller(slug: string): SellerConfig | undefined {
    return this.sellers.find((s) => s.slug === slug);
  }

  urls(slug: string): SellerUrls {
    const root = `${this.baseUrl}/${slug}`;
    const seller = this.seller(slug);
    const mefApi = `${root}/mefApi/${seller ? referencePointOf(seller) : 'sonata'}`;
    return {
      troubleTicket: `${mefApi}/troubleTicket/v4`,
      appointment: `${mefApi}/appointment/v2`,
      workOrder: `${mefApi}/workOrderManagement/v2`,
      tokenUrl: `${root}/oauth2/token`,
    };
  }

  atomically<T>(fn: () => T): T {
    if (this.pending) return this.store.transaction(fn);
    this.pending = [];
    let events: SandboxEvent[] = [];
    try {
      const result = this.store.transaction(fn);
      events = this.pending;
      return result;
    } finally {
      this.pending = undefined;
      for (const e of events) this.emit(e);
    }
  }

  publish(event: SandboxEvent): void {
    const clean: SandboxEvent = { seller: event.seller, api: event.api, eventType: event.eventType, resourceId: event.resourceId };
    if (event.buyerId !== undefined) clean.buyerId = event.buyerId;
    if (event.sellerId !== undefined) clean.sellerId = event.sellerId;
    if (this.seller(event.seller)?.imperfect) {
      const n = this.imperfectCount.get(event.seller) ?? 0;
      this.imperfectCount.set(event.seller, n + 1);
      const quirks = deliveryQuirks(n);
      if (Object.keys(quirks).length > 0) clean.quirks = quirks;
    }
    if (this.pending) this.pending.push(clean);
    else this.emit(clean);
  }

  /** The last events raised for a Seller, newest last (kept in memory for inspection). */
  events(seller: string): PublishedEvent[] {
    return this.recent.filter((e) => e.seller === seller);
  }

  private emit(event: SandboxEvent): void {
    this.recent.push({ ...event, at: this.clock.nowIso() });
    if (this.recent.length > 2000) this.recent.splice(0, this.recent.length - 2000);
    try {
      this.notifier.publish(event);
    } catch (err) {
      console.error('[sandbox] notifier failed to accept an event:', err);
    }
  }
}
