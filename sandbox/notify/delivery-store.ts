import type { Database } from 'better-sqlite3';
import type { NotificationApi } from './listener-routes';

export type DeliveryState = 'pending' | 'delivered' | 'gaveUp';
export type AttemptOutcome = 'delivered' | 'retrying' | 'gaveUp' | 'interrupted';
/** How the attempt authenticated: a Bearer token, no credentials configured for the Buyer, or token request failed. */
export type AttemptAuth = 'bearer' | 'noCredentials' | 'tokenFailed';

export interface QueuedDelivery {
  id: number;
  seller: string;
  api: NotificationApi;
  hubId: string;
  hubKey: string;
  eventId: string;
  eventType: string;
  resourceId: string;
  url: string;
  body: string;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
}

export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  seller: string;
  api: NotificationApi;
  hubId: string;
  eventId: string;
  eventType: string;
  resourceId: string;
  url: string;
  /** 1 for the first POST of this delivery, counting every try including the one after a token refresh. */
  attempt: number;
  attemptedAt: string;
  durationMs: number;
  httpStatus?: number;
  error?: string;
  tokenSent: boolean;
  auth: AttemptAuth;
  outcome: AttemptOutcome;
}

export type NewAttempt = Omit<DeliveryAttempt, 'id' | 'attemptedAt' | 'attempt'> & { attemptedAt: number };

interface DeliveryRow {
  id: number;
  seller: string;
  api: NotificationApi;
  hub_id: string;
  hub_key: string;
  event_id: string;
  event_type: string;
  resource_id: string;
  url: string;
  body: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
}

interface AttemptRow {
  id: number;
  delivery_id: number;
  seller: string;
  api: NotificationApi;
  hub_id: string;
  event_id: string;
  event_type: string;
  resource_id: string;
  url: string;
  attempt: number;
  attempted_at: number;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  token_sent: number;
  auth: AttemptAuth;
  outcome: AttemptOutcome;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notify_delivery (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seller TEXT NOT NULL,
  api TEXT NOT NULL,
  hub_id TEXT NOT NULL,
  hub_key TEXT NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'gaveUp')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  finished_at INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS notify_delivery_queue ON notify_delivery (state, hub_key, id);
CREATE INDEX IF NOT EXISTS notify_delivery_lane ON notify_delivery (state, hub_key, resource_id, id);
CREATE INDEX IF NOT EXISTS notify_delivery_finished ON notify_delivery (state, finished_at);
CREATE TABLE IF NOT EXISTS notify_attempt (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id INTEGER NOT NULL,
  seller TEXT NOT NULL,
  api TEXT NOT NULL,
  hub_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  url TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  attempted_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  error TEXT,
  token_sent INTEGER NOT NULL,
  auth TEXT NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notify_attempt_by_seller ON notify_attempt (seller, id);
CREATE INDEX IF NOT EXISTS notify_attempt_by_time ON notify_attempt (attempted_at);
`;

const toDelivery = (r: DeliveryRow): QueuedDelivery => ({
  id: r.id,
  seller: r.seller,
  api: r.api,
  hubId: r.hub_id,
  hubKey: r.hub_key,
  eventId: r.event_id,
  eventType: r.event_type,
  resourceId: r.resource_id,
  url: r.url,
  body: r.body,
  attempts: r.attempts,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
});

const toAttempt = (r: AttemptRow): DeliveryAttempt => ({
  id: r.id,
  deliveryId: r.delivery_id,
  seller: r.seller,
  api: r.api,
  hubId: r.hub_id,
  eventId: r.event_id,
  eventType: r.event_type,
  resourceId: r.resource_id,
  url: r.url,
  attempt: r.attempt,
  attemptedAt: new Date(r.attempted_at).toISOString(),
  durationMs: r.duration_ms,
  ...(r.http_status === null ? {} : { httpStatus: r.http_status }),
  ...(r.error === null ? {} : { error: r.error }),
  tokenSent: r.token_sent === 1,
  auth: r.auth,
  outcome: r.outcome,
});

/** `nextAttemptAt` defaults to `createdAt`: sent at once. */
export type NewDelivery = Omit<QueuedDelivery, 'id' | 'attempts' | 'nextAttemptAt'> & { nextAttemptAt?: number };

/** The durable notification queue and its attempt log, in the sandbox database. */
export function createDeliveryStore(db: Database) {
  db.exec(SCHEMA);

  const insertDelivery = db.prepare(`
    INSERT INTO notify_delivery (seller, api, hub_id, hub_key, event_id, event_type, resource_id, url, body, state, created_at, next_attempt_at)
    VALUES (@seller, @api, @hubId, @hubKey, @eventId, @eventType, @resourceId, @url, @body, 'pending', @createdAt, @nextAttemptAt)`);
  const laneHeads = db.prepare(`
    SELECT d.* FROM notify_delivery d
    JOIN (SELECT MIN(id) AS id FROM notify_delivery WHERE state = 'pending' GROUP BY hub_key, resource_id) h ON h.id = d.id
    ORDER BY d.id`);
  const finish = db.prepare(
    `UPDATE notify_delivery SET state = @state, finished_at = @at, last_error = @error WHERE id = @id AND state = 'pending'`,
  );
  const reschedule = db.prepare(
    `UPDATE notify_delivery SET next_attempt_at = @at, last_error = @error WHERE id = @id AND state = 'pending'`,
  );
  const countAttempt = db.prepare(`UPDATE notify_delivery SET attempts = attempts + 1 WHERE id = ? RETURNING attempts`).pluck();
  const insertAttempt = db.prepare(`
    INSERT INTO notify_attempt (delivery_id, seller, api, hub_id, event_id, event_type, resource_id, url, attempt, attempted_at,
      duration_ms, http_status, error, token_sent, auth, outcome)
    VALUES (@deliveryId, @seller, @api, @hubId, @eventId, @eventType, @resourceId, @url, @attempt, @attemptedAt,
      @durationMs, @httpStatus, @error, @tokenSent, @auth, @outcome)`);
  const recentAttempts = db.prepare(`SELECT * FROM notify_attempt WHERE seller = ? ORDER BY id DESC LIMIT ?`);
  const pruneDeliveries = db.prepare(`DELETE FROM notify_delivery WHERE state != 'pending' AND finished_at < ?`);
  const pruneAttempts = db.prepare(`DELETE FROM notify_attempt WHERE attempted_at < ?`);

  const enqueueAll = db.transaction((rows: NewDelivery[]) => {
    for (const row of rows) insertDelivery.run({ ...row, nextAttemptAt: row.nextAttemptAt ?? row.createdAt });
  });

  const logAttempt = db.transaction((a: NewAttempt): number => {
    const attempt = countAttempt.get(a.deliveryId) as number | undefined;
    insertAttempt.run({
      ...a,
      attempt: attempt ?? 0,
      httpStatus: a.httpStatus ?? null,
      error: a.error ?? null,
      tokenSent: a.tokenSent ? 1 : 0,
    });
    return attempt ?? 0;
  });

  return {
    enqueue(rows: NewDelivery[]): void {
      if (rows.length > 0) enqueueAll(rows);
    },
    /**
     * The oldest pending delivery of every lane (one hub, one resource), oldest first: only these may be attempted,
     * so each hub sees the events about one resource in the order they were raised.
     */
    heads(): QueuedDelivery[] {
      return (laneHeads.all() as DeliveryRow[]).map(toDelivery);
    },
    /** Logs one attempt and returns its number within the delivery. */
    logAttempt,
    markDelivered(id: number, at: number): void {
      finish.run({ id, at, state: 'delivered', error: null });
    },
    markGaveUp(id: number, at: number, error: string): void {
      finish.run({ id, at, state: 'gaveUp', error });
    },
    retryAt(id: number, at: number, error: string | null): void {
      reschedule.run({ id, at, error });
    },
    recentAttempts(seller: string, limit: number): DeliveryAttempt[] {
      return (recentAttempts.all(seller, limit) as AttemptRow[]).map(toAttempt);
    },
    prune(olderThan: number): void {
      pruneDeliveries.run(olderThan);
      pruneAttempts.run(olderThan);
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
