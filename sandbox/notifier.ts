import type Database from 'better-sqlite3';
import { createNotifier } from './notify/index';
import type { NotifiedApi } from './store';

export interface SandboxEvent {
  seller: string;
  api: NotifiedApi;
  eventType: string;
  resourceId: string;
  buyerId?: string;
  sellerId?: string;
  /** Only for the imperfect Seller: late, repeated or time-shifted delivery. */
  quirks?: { delayMs?: number; repeat?: boolean; eventTimeOffsetMs?: number };
}

export interface NotifierDeps {
  db: Database.Database;
  listHubs(seller: string, api: NotifiedApi): Array<{ id: string; callback: string; query?: string }>;
  buyerAuth(seller: string): { tokenUrl: string; clientId: string; clientSecret: string } | undefined;
  /** The reference point a Seller notifies on ({callback}/mefApi/<it>/…); sonata when absent. */
  referencePoint?(seller: string): 'sonata' | 'cantata';
  /** The Seller clock, so eventTime agrees with the changeDate of the change it reports. */
  now?: () => number;
  /** Requests open at once per hub, each about a different resource (SANDBOX_DELIVERY_CONCURRENCY). */
  concurrencyPerHub?: number;
}

export interface Notifier {
  publish(e: SandboxEvent): void;
  deliveries(seller: string, limit?: number): unknown[];
  /** Resolves once nothing is left to send except deliveries waiting out a backoff. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** A notifier that records nothing and sends nothing (tests that only look at the context's event log). */
export function silentNotifier(): Notifier {
  return { publish: () => undefined, deliveries: () => [], drain: async () => undefined, close: async () => undefined };
}

/** Notification delivery to the Buyer's listeners (sandbox/notify): durable queue, Buyer OAuth2, retries. */
export async function loadNotifier(deps: NotifierDeps): Promise<Notifier> {
  return createNotifier(deps);
}
