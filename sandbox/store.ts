import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ALL_SELLERS } from './sellers';

export type EntityKind = 'troubleTicket' | 'incident' | 'appointment' | 'workOrder' | 'hub';
export type NotifiedApi = 'troubleTicket' | 'appointment' | 'workOrder';

/** What the Seller remembers about an entity beyond its wire document. */
export interface EntityMeta {
  buyerId?: string;
  sellerId?: string;
  /** Hubs: which API the subscription belongs to. */
  api?: NotifiedApi;
  /** Appointments: the technician holding the slot. */
  technicianId?: string;
  /** Work orders: the product whose site the work happens at. */
  productId?: string;
  ticketId?: string;
}

export interface StoredEntity<T> {
  id: string;
  seq: number;
  doc: T;
  meta: EntityMeta;
}

export interface ClientRecord {
  clientId: string;
  seller: string;
  secret: string;
  /** null: every operation scope. */
  scopes: string[] | null;
  primary: boolean;
}

export interface BuyerAuth {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface JobRecord {
  id: number;
  seller: string;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY, seller TEXT NOT NULL, secret TEXT NOT NULL, scopes TEXT, is_primary INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY, seller TEXT NOT NULL, client_id TEXT NOT NULL, scopes TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  seller TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, meta TEXT NOT NULL,
  PRIMARY KEY (seller, kind, id)
);
CREATE INDEX IF NOT EXISTS documents_by_kind ON documents (seller, kind, seq);
CREATE TABLE IF NOT EXISTS buyer_auth (seller TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, seller TEXT NOT NULL, kind TEXT NOT NULL, due_at INTEGER NOT NULL, payload TEXT NOT NULL
);
`;

export class SandboxStore {
  readonly db: Database.Database;

  constructor(dbPath: string) {
    if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
    this.db = new Database(dbPath);
    this.db.pragma('journal_mode = WAL');
    // A restart of the sandbox loses nothing (WAL survives a killed process); a power cut may lose the newest
    // writes, which a test Seller can afford. Waiting for an fsync per delivery record would make it the slowest
    // part of every end-to-end measurement instead of a busy Seller.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.ensureClients();
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private ensureClients(): void {
    const existing = this.db.prepare('SELECT 1 FROM clients WHERE seller = ? AND is_primary = 1');
    const insert = this.db.prepare('INSERT INTO clients (client_id, seller, secret, scopes, is_primary) VALUES (?, ?, ?, NULL, 1)');
    for (const seller of ALL_SELLERS) {
      if (!existing.get(seller.slug)) insert.run(`${seller.slug}-buyer-${randomBytes(4).toString('hex')}`, seller.slug, randomBytes(24).toString('base64url'));
    }
  }

  // --- meta -----------------------------------------------------------------------------------------------
  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // --- OAuth clients and tokens ---------------------------------------------------------------------------
  primaryClient(seller: string): ClientRecord {
    const row = this.db.prepare('SELECT * FROM clients WHERE seller = ? AND is_primary = 1').get(seller) as ClientRow | undefined;
    if (!row) throw new Error(`No client for seller ${seller}`);
    return clientFromRow(row);
  }

  findClient(clientId: string): ClientRecord | undefined {
    const row = this.db.prepare('SELECT * FROM clients WHERE client_id = ?').get(clientId) as ClientRow | undefined;
    return row ? clientFromRow(row) : undefined;
  }

  createClient(seller: string, scopes: string[] | null): ClientRecord {
    const client: ClientRecord = {
      clientId: `${seller}-client-${randomBytes(4).toString('hex')}`,
      seller,
      secret: randomBytes(24).toString('base64url'),
      scopes,
      primary: false,
    };
    this.db
      .prepare('INSERT INTO clients (client_id, seller, secret, scopes, is_primary) VALUES (?, ?, ?, ?, 0)')
      .run(client.clientId, seller, client.secret, scopes ? JSON.stringify(scopes) : null);
    return client;
  }

  issueToken(seller: string, clientId: string, scopes: string[], expiresAt: number): string {
    const token = randomBytes(32).toString('base64url');
    this.db.prepare('DELETE FROM tokens WHERE expires_at < ?').run(Date.now());
    this.db
      .prepare('INSERT INTO tokens (token, seller, client_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(token, seller, clientId, JSON.stringify(scopes), expiresAt);
    return token;
  }

  findToken(token: string): { seller: string; clientId: string; scopes: string[]; expiresAt: number } | undefined {
    const row = this.db.prepare('SELECT * FROM tokens WHERE token = ?').get(token) as
      | { seller: string; client_id: string; scopes: string; expires_at: number }
      | undefined;
    return row ? { seller: row.seller, clientId: row.client_id, scopes: JSON.parse(row.scopes) as string[], expiresAt: row.expires_at } : undefined;
  }

  // --- documents ------------------------------------------------------------------------------------------
  get<T>(seller: string, kind: EntityKind, id: string): StoredEntity<T> | undefined {
    const row = this.db.prepare('SELECT * FROM documents WHERE seller = ? AND kind = ? AND id = ?').get(seller, kind, id) as DocRow | undefined;
    return row ? entityFromRow<T>(row) : undefined;
  }

  list<T>(seller: string, kind: EntityKind): StoredEntity<T>[] {
    const rows = this.db.prepare('SELECT * FROM documents WHERE seller = ? AND kind = ? ORDER BY seq').all(seller, kind) as DocRow[];
    return rows.map((row) => entityFromRow<T>(row));
  }

  insert<T>(seller: string, kind: EntityKind, id: string, doc: T, meta: EntityMeta = {}): void {
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM documents').get() as { next: number }).next;
    this.db
      .prepare('INSERT INTO documents (seller, kind, id, seq, doc, meta) VALUES (?, ?, ?, ?, ?, ?)')
      .run(seller, kind, id, seq, JSON.stringify(doc), JSON.stringify(meta));
  }

  update<T>(seller: string, kind: EntityKind, id: string, doc: T, meta?: EntityMeta): void {
    if (meta) {
      this.db
        .prepare('UPDATE documents SET doc = ?, meta = ? WHERE seller = ? AND kind = ? AND id = ?')
        .run(JSON.stringify(doc), JSON.stringify(meta), seller, kind, id);
    } else {
      this.db.prepare('UPDATE documents SET doc = ? WHERE seller = ? AND kind = ? AND id = ?').run(JSON.stringify(doc), seller, kind, id);
    }
  }

  remove(seller: string, kind: EntityKind, id: string): boolean {
    return this.db.prepare('DELETE FROM documents WHERE seller = ? AND kind = ? AND id = ?').run(seller, kind, id).changes > 0;
  }

  // --- Buyer listener credentials -------------------------------------------------------------------------
  buyerAuth(seller: string): BuyerAuth | undefined {
    const row = this.db.prepare('SELECT value FROM buyer_auth WHERE seller = ?').get(seller) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as BuyerAuth) : undefined;
  }

  setBuyerAuth(seller: string, auth: BuyerAuth): void {
    this.db
      .prepare('INSERT INTO buyer_auth (seller, value) VALUES (?, ?) ON CONFLICT(seller) DO UPDATE SET value = excluded.value')
      .run(seller, JSON.stringify(auth));
  }

  // --- Seller clock jobs ----------------------------------------------------------------------------------
  addJob(seller: string, kind: string, dueAt: number, payload: Record<string, unknown>): void {
    this.db.prepare('INSERT INTO jobs (seller, kind, due_at, payload) VALUES (?, ?, ?, ?)').run(seller, kind, dueAt, JSON.stringify(payload));
  }

  dueJobs(now: number): JobRecord[] {
    const rows = this.db.prepare('SELECT * FROM jobs WHERE due_at <= ? ORDER BY due_at, id').all(now) as Array<{
      id: number; seller: string; kind: string; due_at: number; payload: string;
    }>;
    return rows.map((r) => ({ id: r.id, seller: r.seller, kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  }

  pendingJobs(): JobRecord[] {
    return this.dueJobs(Number.MAX_SAFE_INTEGER);
  }

  removeJob(id: number): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }
}

interface ClientRow { client_id: string; seller: string; secret: string; scopes: string | null; is_primary: number }
interface DocRow { id: string; seq: number; doc: string; meta: string }

function clientFromRow(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    seller: row.seller,
    secret: row.secret,
    scopes: row.scopes ? (JSON.parse(row.scopes) as string[]) : null,
    primary: row.is_primary === 1,
  };
}

function entityFromRow<T>(row: DocRow): StoredEntity<T> {
  return { id: row.id, seq: row.seq, doc: JSON.parse(row.doc) as T, meta: JSON.parse(row.meta) as EntityMeta };
}

export const newId = (): string => randomUUID();
