import type { Database } from 'better-sqlite3';

/** What the scenario follows: a Seller's documents, plus one incident generator per Seller. */
export type AgendaKind = 'troubleTicket' | 'appointment' | 'workOrder' | 'incident' | 'incidentGenerator';
export const FOLLOWED_DOCUMENTS = ['troubleTicket', 'appointment', 'workOrder', 'incident'] as const;

export interface AgendaItem {
  seller: string;
  kind: AgendaKind;
  id: string;
  /** The nth entity of its kind at this Seller: the stable key of its seeded decisions (ids are random). */
  ordinal: number;
  /** Bumped when a ticket goes round again (reopened) or a generator raises its next incident. */
  round: number;
  stage: string;
  dueAt: number;
}

interface AgendaRow {
  seller: string;
  kind: AgendaKind;
  id: string;
  ordinal: number;
  round: number;
  stage: string;
  due_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS scenario_agenda (
  seller TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  round INTEGER NOT NULL DEFAULT 0,
  stage TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (seller, kind, id)
);
CREATE INDEX IF NOT EXISTS scenario_agenda_due ON scenario_agenda (due_at);
CREATE TABLE IF NOT EXISTS scenario_cursor (
  seller TEXT NOT NULL,
  kind TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  seen INTEGER NOT NULL,
  PRIMARY KEY (seller, kind)
);
`;

const toItem = (r: AgendaRow): AgendaItem => ({
  seller: r.seller,
  kind: r.kind,
  id: r.id,
  ordinal: r.ordinal,
  round: r.round,
  stage: r.stage,
  dueAt: r.due_at,
});

/**
 * The scenario's own schedule, in the sandbox database so a restart carries on where it stopped. New documents
 * are found through the store's (seller, kind, seq) index, never by reading every document.
 */
export function createAgenda(db: Database) {
  db.exec(SCHEMA);
  const cursor = db.prepare('SELECT last_seq, seen FROM scenario_cursor WHERE seller = ? AND kind = ?');
  const saveCursor = db.prepare(
    `INSERT INTO scenario_cursor (seller, kind, last_seq, seen) VALUES (?, ?, ?, ?)
     ON CONFLICT(seller, kind) DO UPDATE SET last_seq = excluded.last_seq, seen = excluded.seen`,
  );
  const newDocuments = db.prepare('SELECT id, seq FROM documents WHERE seller = ? AND kind = ? AND seq > ? ORDER BY seq LIMIT 100');
  const insert = db.prepare(
    `INSERT OR IGNORE INTO scenario_agenda (seller, kind, id, ordinal, round, stage, due_at)
     VALUES (@seller, @kind, @id, @ordinal, @round, @stage, @dueAt)`,
  );
  const due = db.prepare('SELECT * FROM scenario_agenda WHERE due_at <= ? ORDER BY due_at LIMIT ?');
  const update = db.prepare(
    'UPDATE scenario_agenda SET round = @round, stage = @stage, due_at = @dueAt WHERE seller = @seller AND kind = @kind AND id = @id',
  );
  const remove = db.prepare('DELETE FROM scenario_agenda WHERE seller = ? AND kind = ? AND id = ?');
  const find = db.prepare('SELECT * FROM scenario_agenda WHERE seller = ? AND kind = ? AND id = ?');

  const discoverKind = db.transaction((seller: string, kind: (typeof FOLLOWED_DOCUMENTS)[number], now: number): number => {
    const at = cursor.get(seller, kind) as { last_seq: number; seen: number } | undefined;
    let lastSeq = at?.last_seq ?? 0;
    let seen = at?.seen ?? 0;
    const rows = newDocuments.all(seller, kind, lastSeq) as Array<{ id: string; seq: number }>;
    for (const row of rows) {
      seen += 1;
      insert.run({ seller, kind, id: row.id, ordinal: seen, round: 0, stage: 'new', dueAt: now });
      lastSeq = row.seq;
    }
    if (rows.length > 0) saveCursor.run(seller, kind, lastSeq, seen);
    return rows.length;
  });

  return {
    /** Puts documents created since the last look on the agenda, due at once. */
    discover(seller: string, now: number): number {
      let found = 0;
      for (const kind of FOLLOWED_DOCUMENTS) found += discoverKind(seller, kind, now);
      return found;
    },
    add(item: AgendaItem): void {
      insert.run(item);
    },
    get(seller: string, kind: AgendaKind, id: string): AgendaItem | undefined {
      const row = find.get(seller, kind, id) as AgendaRow | undefined;
      return row ? toItem(row) : undefined;
    },
    due(now: number, limit: number): AgendaItem[] {
      return (due.all(now, limit) as AgendaRow[]).map(toItem);
    },
    save(item: AgendaItem): void {
      update.run(item);
    },
    remove(item: Pick<AgendaItem, 'seller' | 'kind' | 'id'>): void {
      remove.run(item.seller, item.kind, item.id);
    },
  };
}

export type Agenda = ReturnType<typeof createAgenda>;
