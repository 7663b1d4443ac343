import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import type { NotifiedApi } from './store';

export interface SandboxEvent {
  seller: string;
  api: NotifiedApi;
  eventType: string;
  resourceId: string;
  buyerId?: string;
  sellerId?: string;
}

export interface NotifierDeps {
  db: Database.Database;
  listHubs(seller: string, api: NotifiedApi): Array<{ id: string; callback: string; query?: string }>;
  buyerAuth(seller: string): { tokenUrl: string; clientId: string; clientSecret: string } | undefined;
}

export interface Notifier {
  publish(e: SandboxEvent): void;
  deliveries(seller: string, limit?: number): unknown[];
  close(): Promise<void>;
}

type NotifierFactory = (deps: NotifierDeps) => Notifier;

/** Used when no delivery module is installed: events are still recorded by the context, nothing is sent. */
export function silentNotifier(): Notifier {
  return { publish: () => undefined, deliveries: () => [], close: async () => undefined };
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Loads sandbox/notify when it is present, so the server runs with or without notification delivery. */
export async function loadNotifier(deps: NotifierDeps): Promise<Notifier> {
  const entry = path.join(here, 'notify', 'index.ts');
  if (!fs.existsSync(entry)) return silentNotifier();
  const mod = (await import(pathToFileURL(entry).href)) as { createNotifier?: NotifierFactory };
  if (typeof mod.createNotifier !== 'function') return silentNotifier();
  return mod.createNotifier(deps);
}
