/**
 * Baseline (b): a bare Node HTTP server doing only the listener's essential work: read the body, JSON parse, bearer
 * check (one HMAC), insert the event into the same `inbox` table (same migrations, WAL, synchronous=FULL), answer
 * 204 once committed. BARE_MODE=row commits each event alone; BARE_MODE=group shares a transaction among events that
 * arrive within 2 ms (at most 256), like the portal's group commit.
 *
 *   BARE_DB=/tmp/x.db BARE_KEY=<base64url> BARE_MODE=row tsx bench/baselines/bare-listener.ts   → prints READY <port>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../db';
import { inbox, sellers } from '../../db/schema';
import { verifyBareBearer } from './bearer';

const MODE = process.env.BARE_MODE === 'group' ? 'group' : 'row';
const KEY = Buffer.from(process.env.BARE_KEY ?? '', 'base64url');
const SCOPE = 'listenToTroubleTicketStatusChangeEvent';
const MAX_BODY = 64 * 1024;
const GROUP_MS = 2;
const GROUP_MAX = 256;

if (KEY.length < 16 || !process.env.BARE_DB) {
  console.error('BARE_DB and BARE_KEY (base64url, 16+ bytes) are required');
  process.exit(2);
}

const { db, sqlite } = openDatabase(process.env.BARE_DB);
const seller = db
  .insert(sellers)
  .values({
    slug: 'bare',
    name: 'Bare',
    troubleTicketBaseUrl: 'http://127.0.0.1:9/tt',
    appointmentBaseUrl: 'http://127.0.0.1:9/ap',
    workOrderBaseUrl: 'http://127.0.0.1:9/wo',
    tokenUrl: 'http://127.0.0.1:9/token',
    clientId: 'bare',
    clientSecretEnc: 'unused',
  })
  .returning({ id: sellers.id })
  .get();

// The insert's SQL comes from drizzle once; each event then only fills the parameters (found by sentinel values).
const SENTINEL = { sellerId: 987_654_321, eventId: '\u0001eventId', eventType: '\u0001eventType', eventTime: '\u0001eventTime', resourceId: '\u0001resourceId', body: { '\u0001': 1 }, now: '\u0001now' };
const probe = db
  .insert(inbox)
  .values({
    sellerId: SENTINEL.sellerId,
    api: 'troubleTicket',
    eventId: SENTINEL.eventId,
    eventType: SENTINEL.eventType,
    eventTime: SENTINEL.eventTime,
    resourceId: SENTINEL.resourceId,
    body: SENTINEL.body,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: SENTINEL.now,
    receivedAt: SENTINEL.now,
  })
  .onConflictDoNothing({ target: [inbox.sellerId, inbox.eventId] })
  .toSQL();
const slot = (value: unknown) => {
  const all = probe.params.flatMap((p, i) => (p === value ? [i] : []));
  if (all.length === 0) throw new Error(`no parameter for ${String(value)}`);
  return all;
};
const SLOTS = {
  sellerId: slot(SENTINEL.sellerId),
  eventId: slot(SENTINEL.eventId),
  eventType: slot(SENTINEL.eventType),
  eventTime: slot(SENTINEL.eventTime),
  resourceId: slot(SENTINEL.resourceId),
  body: slot(JSON.stringify(SENTINEL.body)),
  now: slot(SENTINEL.now),
};
const insertStatement = sqlite.prepare(probe.sql);

interface Entry {
  eventId: string;
  eventType: string;
  eventTime: string;
  resourceId: string;
  body: string;
}

function paramsOf(entry: Entry, now: string): unknown[] {
  const params = [...probe.params];
  const fill = (slots: number[], value: unknown) => slots.forEach((i) => (params[i] = value));
  fill(SLOTS.sellerId, seller.id);
  fill(SLOTS.eventId, entry.eventId);
  fill(SLOTS.eventType, entry.eventType);
  fill(SLOTS.eventTime, entry.eventTime);
  fill(SLOTS.resourceId, entry.resourceId);
  fill(SLOTS.body, entry.body);
  fill(SLOTS.now, now);
  return params;
}

const insertMany = sqlite.transaction((entries: Entry[]) => {
  const now = new Date().toISOString();
  for (const e of entries) insertStatement.run(paramsOf(e, now));
});

let queued: Array<{ entry: Entry; done: (err?: unknown) => void }> = [];
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  const batch = queued;
  queued = [];
  if (batch.length === 0) return;
  try {
    insertMany.immediate(batch.map((b) => b.entry));
    for (const b of batch) b.done();
  } catch (err) {
    for (const b of batch) b.done(err);
  }
}

function store(entry: Entry): Promise<void> {
  if (MODE === 'row') {
    insertStatement.run(paramsOf(entry, new Date().toISOString()));
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    queued.push({ entry, done: (err) => (err ? reject(err) : resolve()) });
    if (queued.length >= GROUP_MAX) flush();
    else timer ??= setTimeout(flush, GROUP_MS);
  });
}

function answer(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  if (req.method !== 'POST') return answer(res, 405);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY) return answer(res, 413);
    if (!verifyBareBearer(KEY, req.headers.authorization, SCOPE)) return answer(res, 401);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: { eventId?: unknown; eventType?: unknown; eventTime?: unknown; event?: { id?: unknown } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return answer(res, 400);
    }
    if (typeof body.eventId !== 'string' || typeof body.eventType !== 'string' || typeof body.eventTime !== 'string' || typeof body.event?.id !== 'string') {
      return answer(res, 400);
    }
    store({ eventId: body.eventId, eventType: body.eventType, eventTime: body.eventTime, resourceId: body.event.id, body: text }).then(
      () => answer(res, 204),
      () => answer(res, 503),
    );
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`READY ${(server.address() as AddressInfo).port}`);
});

const stop = () => {
  flush();
  server.close();
  sqlite.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
