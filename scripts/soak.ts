/**
 * Soak: the Seller sandbox in scenario mode on a fast clock, a load Seller notifying the portal at 50 events/s,
 * tickets confirmed to the outbox all along, and the portal restarted every minute (kill -9 on alternate restarts).
 * Afterwards every Seller is listed and compared with the cache. Prints lost / duplicated / divergent counts and
 * exits non-zero when any is not zero.
 *
 *   npm run soak                      10 minutes (SOAK_MINUTES to change; E2E_DIST_DIR picks the build folder)
 *
 * Needs a production build (built once into E2E_DIST_DIR when missing). Traffic stays on 127.0.0.1.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { integrityCheck } from '../db/integrity';
import { buildPortal, DIST_DIR, freePort, ROOT, startPortal, startSandbox, tempDir, type PortalHandle } from '../tests/e2e/harness';

const MINUTES = Number(process.env.SOAK_MINUTES ?? '10');
const EVENTS_PER_SECOND = Number(process.env.SOAK_EVENTS_PER_SECOND ?? '50');
const RESTART_EVERY_MS = Number(process.env.SOAK_RESTART_MS ?? '60000');
const TICKETS_PER_MINUTE = Number(process.env.SOAK_TICKETS_PER_MINUTE ?? '30');
const SETTLE_MS = 120_000;

interface Discovered {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site?: { timeZone?: string } }>;
}

type Doc = Record<string, unknown> & { id: string; status: string };

const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Seller of our own for the notification load: serves tickets whose status it changes before notifying. */
async function startLoadSeller(count: number) {
  const docs = new Map<string, Doc>();
  const statuses = ['acknowledged', 'inProgress', 'pending', 'inProgress', 'resolved'];
  const base = Date.parse('2026-01-01T00:00:00Z');
  let tick = 0;
  for (let i = 0; i < count; i++) {
    const id = `LOAD-${i}`;
    docs.set(id, {
      id,
      externalId: `LOADX-${i}`,
      description: `Load ticket ${i}`,
      severity: 'minor',
      priority: 'low',
      ticketType: 'assistance',
      observedImpact: 'degraded',
      status: 'acknowledged',
      creationDate: new Date(base).toISOString(),
      relatedEntity: [{ id: 'LOAD-PRODUCT', '@referredType': 'Product', role: 'impactedProduct' }],
      relatedContactInformation: [{ role: 'reporterContact', name: 'Load', number: '1', emailAddress: 'load@noc.example' }],
      statusChange: [{ status: 'acknowledged', changeDate: new Date(base).toISOString() }],
    });
  }
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.endsWith('/oauth2/token')) return json(200, { access_token: 'load', token_type: 'Bearer', expires_in: 3600 });
    if (url.pathname.endsWith('/hub')) return json(201, { id: `hub-${Date.now()}`, callback: 'x' });
    const one = /\/troubleTicket\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const doc = docs.get(decodeURIComponent(one[1]!));
      return doc ? json(200, doc) : json(404, { code: 'notFound', reason: 'unknown ticket' });
    }
    if (url.pathname.endsWith('/troubleTicket')) {
      const all = [...docs.values()];
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return json(200, all.slice(offset, offset + limit), { 'X-Total-Count': String(all.length) });
    }
    if (url.pathname.endsWith('/incident')) return json(200, [], { 'X-Total-Count': '0' });
    json(404, { code: 'notFound', reason: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    docs,
    /** Moves one ticket on; returns its id. */
    change(i: number): string {
      const doc = docs.get(`LOAD-${i % count}`)!;
      tick += 1;
      const status = statuses[tick % statuses.length]!;
      const changeDate = new Date(base + tick * 1000).toISOString();
      doc.status = status;
      doc.statusChange = [...((doc.statusChange as unknown[]) ?? []).slice(-20), { status, changeDate }];
      return doc.id;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whatever was started, stopped again if the run fails half-way. */
const started: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) {
    log(`no build in ${DIST_DIR}: building once`);
    buildPortal();
  }
  const dir = tempDir('soak-');
  const dbPath = path.join(dir, 'portal.db');
  process.env.SANDBOX_CLOCK ??= '120';
  const sandbox = await startSandbox({ mode: 'scenario', dbPath: path.join(dir, 'sandbox.db') });
  started.push(() => sandbox.stop());
  const discovered = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  const loadSeller = await startLoadSeller(500);
  started.push(() => loadSeller.close());
  const sellersFile = path.join(dir, 'sellers.json');
  const entry = (s: Discovered) => ({
    slug: s.slug,
    name: s.name,
    troubleTicketBaseUrl: s.baseUrls.troubleTicket,
    appointmentBaseUrl: s.baseUrls.appointment,
    workOrderBaseUrl: s.baseUrls.workOrder,
    tokenUrl: s.tokenUrl,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    scopeMode: 'operation',
    timeoutMs: 10_000,
    products: s.products.map((p) => ({ productId: p.id, label: p.name, siteTimeZone: p.site?.timeZone ?? 'UTC' })),
  });
  const loadBase = `${loadSeller.origin}/load/mefApi/sonata`;
  fs.writeFileSync(
    sellersFile,
    JSON.stringify([
      ...discovered.map(entry),
      {
        slug: 'load',
        name: 'Load Seller',
        troubleTicketBaseUrl: `${loadBase}/troubleTicket/v4`,
        appointmentBaseUrl: `${loadBase}/appointment/v2`,
        workOrderBaseUrl: `${loadBase}/workOrderManagement/v2`,
        tokenUrl: `${loadSeller.origin}/load/oauth2/token`,
        clientId: 'load',
        clientSecret: 'load-secret',
        scopeMode: 'operation',
        timeoutMs: 10_000,
        products: [{ productId: 'LOAD-PRODUCT', label: 'Load product', siteTimeZone: 'UTC' }],
      },
    ]),
  );
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, SELLERS_FILE: sellersFile, OUTBOX_RETRY_BASE_MS: '500', OUTBOX_RETRY_MAX_MS: '5000', RECONCILE_INTERVAL_MS: '20000' };
  let portal: PortalHandle | undefined = await startPortal({ dbPath, port, env });
  started.push(async () => portal?.stop());
  let portalUp = true;
  log(`portal ${portal.baseUrl}, sandbox ${sandbox.url} (clock x${process.env.SANDBOX_CLOCK}), load Seller ${loadSeller.origin}; ${MINUTES} min`);

  // Our listener credential for the load Seller.
  const secret = randomBytes(24).toString('base64url');
  {
    const sqlite = new Database(dbPath);
    const seller = sqlite.prepare("select id from sellers where slug = 'load'").get() as { id: number };
    sqlite
      .prepare('insert into listener_credentials (seller_id, client_id, secret_hash, secret_hint, created_at) values (?, ?, ?, ?, ?)')
      .run(seller.id, 'soak-load', createHash('sha256').update(secret).digest('base64url'), secret.slice(-4), new Date().toISOString());
    sqlite.close();
  }
  let token = '';
  const fetchToken = async () => {
    const res = await fetch(`${portal!.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'soak-load', client_secret: secret }),
    });
    if (res.ok) token = ((await res.json()) as { access_token: string }).access_token;
  };

  const stats = { sent: 0, acknowledged: 0, refusedOrDown: 0, restarts: 0, kills: 0, confirmedTickets: 0 };
  /** Answers other than 204 by status (0: no answer: restarting, or slower than the 10 s timeout). */
  const refusals: Record<string, number> = {};
  const MAX_IN_FLIGHT = 64;
  let inFlight = 0;
  const acked = new Set<string>();
  const unacked = new Map<string, string>();
  const confirmed: Array<{ slug: string; externalId: string }> = [];
  let eventSeq = 0;
  let ticketSeq = 0;
  let running = true;

  const sendEvent = async (eventId: string, resourceId: string) => {
    stats.sent += 1;
    inFlight += 1;
    let status = 0;
    try {
      if (!token) await fetchToken();
      const res = await fetch(`${portal!.baseUrl}/sellers/load/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json;charset=utf-8' },
        body: JSON.stringify({ eventId, eventTime: new Date().toISOString(), eventType: 'troubleTicketStatusChangeEvent', event: { id: resourceId } }),
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      if (res.status === 204) {
        acked.add(eventId);
        unacked.delete(eventId);
        stats.acknowledged += 1;
        return;
      }
      if (res.status === 401) token = '';
    } catch {
      // the portal is restarting: the Seller will send it again
    } finally {
      inFlight -= 1;
    }
    stats.refusedOrDown += 1;
    refusals[status] = (refusals[status] ?? 0) + 1;
    unacked.set(eventId, resourceId);
  };

  const eventLoop = (async () => {
    const start = Date.now();
    let issued = 0;
    while (running) {
      const due = Math.floor(((Date.now() - start) / 1000) * EVENTS_PER_SECOND) - issued;
      for (let i = 0; i < due; i++) {
        issued += 1;
        const id = loadSeller.change(eventSeq);
        const eventId = `soak-${++eventSeq}`;
        // A Seller with too many calls open keeps the event for its next retry.
        if (inFlight < MAX_IN_FLIGHT) void sendEvent(eventId, id);
        else unacked.set(eventId, id);
      }
      // A Seller retries what was not acknowledged.
      for (const [eventId, resourceId] of [...unacked.entries()].slice(0, Math.max(0, MAX_IN_FLIGHT - inFlight))) {
        unacked.delete(eventId);
        void sendEvent(eventId, resourceId);
      }
      await sleep(100);
    }
  })();

  // Tickets confirmed to operators: committed to the outbox, as the create action does.
  const sellersForTickets = discovered.filter((s) => s.products.length > 0);
  const ticketLoop = (async () => {
    const db = new Database(dbPath);
    db.pragma('busy_timeout = 10000');
    const ids = new Map(sellersForTickets.map((s) => [s.slug, (db.prepare('select id from sellers where slug = ?').get(s.slug) as { id: number }).id]));
    const insertTicket = db.prepare(
      `insert into tickets (seller_id, external_id, product_id, description, severity, priority, ticket_type, observed_impact, document, sync_state)
       values (?, ?, ?, ?, 'minor', 'low', 'assistance', 'degraded', ?, 'queued') returning id`,
    );
    const insertItem = db.prepare(`insert into outbox (seller_id, ticket_id, operation, payload, state, next_attempt_at) values (?, ?, 'create', ?, 'pending', ?)`);
    while (running) {
      const seller = sellersForTickets[ticketSeq % sellersForTickets.length]!;
      const externalId = `NOC-1990-${String(++ticketSeq).padStart(6, '0')}`;
      const body = {
        externalId,
        description: `Soak ${externalId}`,
        severity: 'minor',
        priority: 'low',
        observedImpact: 'degraded',
        ticketType: 'assistance',
        relatedEntity: [{ '@referredType': 'Product', id: seller.products[0]!.id, role: 'impactedProduct' }],
        relatedContactInformation: [{ role: 'reporterContact', name: 'Soak', number: '+1 555 0100', emailAddress: 'soak@noc.example' }],
      };
      try {
        db.transaction(() => {
          const { id } = insertTicket.get(ids.get(seller.slug)!, externalId, seller.products[0]!.id, body.description, JSON.stringify(body)) as { id: number };
          insertItem.run(ids.get(seller.slug)!, id, JSON.stringify({ create: body }), new Date().toISOString());
        })();
        confirmed.push({ slug: seller.slug, externalId });
        stats.confirmedTickets += 1;
      } catch (err) {
        log(`could not queue ${externalId}: ${(err as Error).message}`);
      }
      await sleep(60_000 / TICKETS_PER_MINUTE);
    }
    db.close();
  })();

  const deadline = Date.now() + MINUTES * 60_000;
  let restart = 0;
  while (Date.now() < deadline) {
    await sleep(Math.min(RESTART_EVERY_MS, Math.max(0, deadline - Date.now())));
    if (Date.now() >= deadline) break;
    restart += 1;
    const hard = restart % 2 === 0;
    portalUp = false;
    if (hard) {
      await portal!.kill9();
      stats.kills += 1;
    } else await portal!.stop();
    stats.restarts += 1;
    const problems = integrityCheck(dbPath);
    if (problems.join() !== 'ok') log(`integrity after ${hard ? 'kill -9' : 'stop'}: ${problems.join('; ')}`);
    portal = await startPortal({ dbPath, port, env });
    portalUp = true;
    token = '';
    log(`restart ${restart} (${hard ? 'kill -9' : 'graceful'}): ${JSON.stringify(stats)} refusals=${JSON.stringify(refusals)} unacked=${unacked.size}`);
  }

  running = false;
  await eventLoop;
  await ticketLoop;
  while (inFlight > 0) await sleep(100);
  // Every event the load Seller still holds is sent until acknowledged, a bounded number at a time.
  const flushBy = Date.now() + 300_000;
  while (unacked.size > 0 && Date.now() < flushBy) {
    const batch = [...unacked.entries()].slice(0, MAX_IN_FLIGHT);
    await Promise.all(batch.map(([e, r]) => sendEvent(e, r)));
  }
  log(`load stopped: ${JSON.stringify(stats)} refusals=${JSON.stringify(refusals)} unacked=${unacked.size}`);

  // Freeze the Sellers: the sandbox comes back in manual mode on the same data, so nothing moves while we compare.
  await sandbox.stop();
  const frozen = await startSandbox({ mode: 'manual', dbPath: sandbox.dbPath, port: Number(new URL(sandbox.url).port) });
  started.push(() => frozen.stop());
  log(`load stopped; sandbox frozen; settling (outbox, inbox, reconciliation) up to ${SETTLE_MS / 1000} s`);

  const sqlite = () => new Database(dbPath, { readonly: true });
  const count = (sql: string) => {
    const db = sqlite();
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  const sellerDocs = async (s: Discovered): Promise<Doc[]> => {
    const tokenRes = await fetch(s.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret }),
    });
    const bearer = ((await tokenRes.json()) as { access_token: string }).access_token;
    const headers = { authorization: `Bearer ${bearer}`, accept: 'application/json' };
    const ids: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await (await fetch(`${s.baseUrls.troubleTicket}/troubleTicket?offset=${offset}&limit=100`, { headers })).json()) as Array<{ id: string }>;
      ids.push(...page.map((t) => t.id));
      if (page.length < 100) break;
    }
    const docs: Doc[] = [];
    for (const id of ids) docs.push((await (await fetch(`${s.baseUrls.troubleTicket}/troubleTicket/${encodeURIComponent(id)}`, { headers })).json()) as Doc);
    return docs;
  };

  const compare = async () => {
    const db = sqlite();
    const result = { lostTickets: 0, duplicatedTickets: 0, lostEvents: 0, duplicatedEvents: 0, divergent: 0, missingFromCache: 0, sellerTickets: 0, detail: [] as string[] };
    try {
      for (const s of discovered) {
        const docs = await sellerDocs(s);
        result.sellerTickets += docs.length;
        const sellerId = (db.prepare('select id from sellers where slug = ?').get(s.slug) as { id: number }).id;
        const cached = new Map(
          (db.prepare('select seller_ticket_id, status, document from tickets where seller_id = ? and seller_ticket_id is not null').all(sellerId) as Array<{ seller_ticket_id: string; status: string; document: string }>).map((r) => [r.seller_ticket_id, r]),
        );
        for (const doc of docs) {
          const row = cached.get(doc.id);
          if (!row) {
            result.missingFromCache += 1;
            result.detail.push(`${s.slug}/${doc.id} not cached`);
          } else if (row.status !== doc.status || canonical(JSON.parse(row.document)) !== canonical(doc)) {
            result.divergent += 1;
            result.detail.push(`${s.slug}/${doc.id} cache ${row.status} vs Seller ${doc.status}`);
          }
        }
        for (const { externalId } of confirmed.filter((c) => c.slug === s.slug)) {
          const n = docs.filter((d) => d.externalId === externalId).length;
          if (n === 0) result.lostTickets += 1;
          if (n > 1) result.duplicatedTickets += n - 1;
        }
      }
      const loadId = (db.prepare("select id from sellers where slug = 'load'").get() as { id: number }).id;
      for (const row of db.prepare('select seller_ticket_id, status, document from tickets where seller_id = ?').all(loadId) as Array<{ seller_ticket_id: string; status: string; document: string }>) {
        const doc = loadSeller.docs.get(row.seller_ticket_id);
        if (!doc || row.status !== doc.status || canonical(JSON.parse(row.document)) !== canonical(doc)) {
          result.divergent += 1;
          result.detail.push(`load/${row.seller_ticket_id} cache ${row.status} vs Seller ${doc?.status}`);
        }
      }
      const inboxRows = db.prepare("select event_id as id, count(*) as n, min(state) as state from inbox where event_id like 'soak-%' group by event_id").all() as Array<{ id: string; n: number; state: string }>;
      const byId = new Map(inboxRows.map((r) => [r.id, r]));
      for (const id of acked) {
        const row = byId.get(id);
        if (!row || row.state !== 'done') result.lostEvents += 1;
        if (row && row.n > 1) result.duplicatedEvents += row.n - 1;
      }
    } finally {
      db.close();
    }
    return result;
  };

  const settleBy = Date.now() + SETTLE_MS;
  let result = await compare();
  while (Date.now() < settleBy) {
    const pending = count("select count(*) as n from outbox where state = 'pending'") + count("select count(*) as n from inbox where state = 'pending'");
    if (pending === 0) {
      result = await compare();
      if (result.lostTickets + result.duplicatedTickets + result.lostEvents + result.duplicatedEvents + result.divergent + result.missingFromCache === 0) break;
    }
    await sleep(5_000);
  }
  result = await compare();
  const integrity = integrityCheck(dbPath);
  const pendingOutbox = count("select count(*) as n from outbox where state = 'pending'");
  const rejected = count("select count(*) as n from outbox where state = 'rejected'");
  const pendingInbox = count("select count(*) as n from inbox where state = 'pending'");

  await portal?.stop();
  await frozen.stop();
  await loadSeller.close();

  console.log('\nSoak result');
  console.log(`  duration            ${MINUTES} min, ${stats.restarts} restarts (${stats.kills} by kill -9)`);
  console.log(`  notifications       ${eventSeq} events, ${stats.sent} deliveries, ${acked.size} acknowledged, ${unacked.size} never acknowledged (${EVENTS_PER_SECOND}/s target)`);
  console.log(`  not acknowledged    ${JSON.stringify(refusals)} (status: count; 0 = no answer)`);
  console.log(`  tickets confirmed   ${confirmed.length} (${pendingOutbox} still pending, ${rejected} refused by the Seller)`);
  console.log(`  Seller tickets      ${result.sellerTickets} compared`);
  console.log(`  lost                ${result.lostTickets} tickets, ${result.lostEvents} notifications`);
  console.log(`  duplicated          ${result.duplicatedTickets} tickets, ${result.duplicatedEvents} notifications`);
  console.log(`  divergent           ${result.divergent} (+${result.missingFromCache} Seller tickets not in the cache)`);
  console.log(`  inbox pending       ${pendingInbox}`);
  console.log(`  integrity_check     ${integrity.join('; ')}`);
  for (const line of result.detail.slice(0, 20)) console.log(`    ${line}`);
  const bad = result.lostTickets + result.lostEvents + result.duplicatedTickets + result.duplicatedEvents + result.divergent + result.missingFromCache;
  process.exitCode = bad === 0 && integrity.join() === 'ok' ? 0 : 1;
  void portalUp;
}

main().catch(async (err: unknown) => {
  console.error(err);
  for (const stop of started.reverse()) await stop().catch(() => undefined);
  process.exit(1);
});
