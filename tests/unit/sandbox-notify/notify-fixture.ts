import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createNotifier, type HubRegistration, type Notifier, type NotifierDeps, type NotificationApi } from '@/sandbox/notify';
import { startListenerStub, startTokenStub, type ListenerStub, type TokenStub } from './buyer-stub';

export const T0 = Date.parse('2026-11-27T10:00:00.000Z');

export interface NotifyFixture {
  dbFile: string;
  db: Database.Database;
  listener: ListenerStub;
  tokens: TokenStub;
  hubs: Map<string, HubRegistration[]>;
  /** Buyer credentials per Seller; a Seller missing here has none. */
  auth: Map<string, { tokenUrl: string; clientId: string; clientSecret: string }>;
  clock: { now: number };
  addHub(seller: string, api: NotificationApi, hub: Omit<HubRegistration, 'callback'> & { callback?: string }): void;
  notifier(overrides?: Partial<NotifierDeps>): Notifier;
  reopenDb(): Database.Database;
  cleanup(): Promise<void>;
}

export async function createNotifyFixture(): Promise<NotifyFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-notify-'));
  const dbFile = path.join(dir, 'sandbox.db');
  const listener = await startListenerStub();
  const tokens = await startTokenStub();
  const hubs = new Map<string, HubRegistration[]>();
  const auth = new Map<string, { tokenUrl: string; clientId: string; clientSecret: string }>();
  const notifiers: Notifier[] = [];
  const clock = { now: T0 };
  const fixture: NotifyFixture = {
    dbFile,
    db: new Database(dbFile),
    listener,
    tokens,
    hubs,
    auth,
    clock,
    addHub(seller, api, hub) {
      const key = `${seller}/${api}`;
      hubs.set(key, [...(hubs.get(key) ?? []), { callback: `${listener.url}/sellers/${seller}`, ...hub }]);
    },
    notifier(overrides = {}) {
      const n = createNotifier({
        db: fixture.db,
        listHubs: (seller, api) => hubs.get(`${seller}/${api}`) ?? [],
        buyerAuth: (seller) => auth.get(seller),
        now: () => clock.now,
        retry: { baseMs: 60_000, maxMs: 60_000, maxElapsedMs: 10 * 60_000 },
        random: () => 1,
        ...overrides,
      });
      notifiers.push(n);
      return n;
    },
    reopenDb() {
      fixture.db.close();
      fixture.db = new Database(dbFile);
      return fixture.db;
    },
    async cleanup() {
      for (const n of notifiers) await n.close();
      await listener.stop();
      await tokens.stop();
      fixture.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export function bodyOf(r: { body: string }): { eventId: string; eventTime: string; eventType: string; event: Record<string, unknown> } {
  return JSON.parse(r.body) as { eventId: string; eventTime: string; eventType: string; event: Record<string, unknown> };
}
