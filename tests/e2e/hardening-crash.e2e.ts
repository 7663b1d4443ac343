import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck } from '@/db/integrity';
import { startFaultProxy, type FaultProxy } from '../reliability/fault-proxy';
import { freePort, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';

interface Discovered {
  slug: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site?: { timeZone?: string } }>;
}

let sandbox: SandboxHandle;
let proxy: FaultProxy;
let portal: PortalHandle | undefined;
let acme: Discovered;
const dir = tempDir('crash-');
const dbPath = path.join(dir, 'portal.db');

const EVENT = 'troubleTicketStatusChangeEvent';

async function sellerToken(): Promise<string> {
  const res = await fetch(acme.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: acme.clientSecret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

function createBody(externalId: string) {
  return {
    externalId,
    description: `Crash test ${externalId}`,
    severity: 'minor',
    priority: 'low',
    observedImpact: 'degraded',
    ticketType: 'assistance',
    relatedEntity: [{ '@referredType': 'Product', id: acme.products[0]!.id, role: 'impactedProduct' }],
    relatedContactInformation: [{ role: 'reporterContact', name: 'Nora', number: '+1 555 0100', emailAddress: 'nora@noc.example' }],
  };
}

async function waitUntil(probe: () => boolean, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const sqlite = new Database(dbPath, { readonly: true });
  try {
    return sqlite.prepare(sql).all(...params) as T[];
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  const found = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  acme = found.find((s) => s.slug === 'acme')!;
  proxy = await startFaultProxy(sandbox.url);
  // Every Seller call takes a while, so deliveries are in flight when the portal dies.
  proxy.set(({ method }) => (method === 'POST' ? { kind: 'slow', ms: 150 } : undefined));
  const sellersFile = path.join(dir, 'sellers.json');
  // Its own slug, so the portal does not hand our listener credential over to the sandbox (and revoke ours).
  fs.writeFileSync(
    sellersFile,
    JSON.stringify([
      {
        slug: 'acme-crash',
        name: 'Acme (crash test)',
        troubleTicketBaseUrl: acme.baseUrls.troubleTicket.replace(sandbox.url, proxy.origin),
        appointmentBaseUrl: acme.baseUrls.appointment,
        workOrderBaseUrl: acme.baseUrls.workOrder,
        tokenUrl: acme.tokenUrl,
        clientId: acme.clientId,
        clientSecret: acme.clientSecret,
        scopeMode: 'operation',
        timeoutMs: 5000,
        products: acme.products.map((p) => ({ productId: p.id, label: p.name, siteTimeZone: p.site?.timeZone ?? 'UTC' })),
      },
    ]),
  );
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, SELLERS_FILE: sellersFile, OUTBOX_RETRY_BASE_MS: '200', OUTBOX_RETRY_MAX_MS: '1000', RECONCILE_INTERVAL_MS: '600000' };
  portal = await startPortal({ dbPath, port, env });
});

afterAll(async () => {
  await portal?.stop();
  await proxy?.close();
  await sandbox?.stop();
});

describe('kill -9 of the portal while its outbox and inbox hold work', () => {
  it('after restart every confirmed ticket reached the Seller once, every acknowledged event was applied once, and the file is sound', async () => {
    // Tickets at the Seller that notifications will name.
    const bearer = await sellerToken();
    const sellerIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${acme.baseUrls.troubleTicket}/troubleTicket`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json;charset=utf-8' },
        body: JSON.stringify(createBody(`SELLER-SIDE-${i}`)),
      });
      sellerIds.push(((await res.json()) as { id: string }).id);
    }

    // A listener credential of ours for the Seller, and 40 tickets confirmed to the operator (committed to the outbox).
    const secret = randomBytes(24).toString('base64url');
    const externalIds = Array.from({ length: 40 }, (_, i) => `NOC-2000-${String(i + 1).padStart(6, '0')}`);
    {
      const sqlite = new Database(dbPath);
      const seller = sqlite.prepare("select id from sellers where slug = 'acme-crash'").get() as { id: number };
      sqlite
        .prepare('insert into listener_credentials (seller_id, client_id, secret_hash, secret_hint, created_at) values (?, ?, ?, ?, ?)')
        .run(seller.id, 'crash-client', createHash('sha256').update(secret).digest('base64url'), secret.slice(-4), new Date().toISOString());
      const now = new Date().toISOString();
      const insertTicket = sqlite.prepare(
        `insert into tickets (seller_id, external_id, product_id, description, severity, priority, ticket_type, observed_impact, document, sync_state)
         values (?, ?, ?, ?, 'minor', 'low', 'assistance', 'degraded', ?, 'queued') returning id`,
      );
      const insertItem = sqlite.prepare(`insert into outbox (seller_id, ticket_id, operation, payload, state, next_attempt_at) values (?, ?, 'create', ?, 'pending', ?)`);
      sqlite.transaction(() => {
        for (const externalId of externalIds) {
          const body = createBody(externalId);
          const { id } = insertTicket.get(seller.id, externalId, acme.products[0]!.id, body.description, JSON.stringify(body)) as { id: number };
          insertItem.run(seller.id, id, JSON.stringify({ create: body }), now);
        }
      })();
      sqlite.close();
    }

    const listenerUrl = () => `${portal!.baseUrl}/sellers/acme-crash/mefApi/sonata/troubleTicketNotification/v4/listener/${EVENT}`;
    const tokenFor = async () => {
      const res = await fetch(`${portal!.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'crash-client', client_secret: secret }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const events = Array.from({ length: 300 }, (_, i) => ({
      eventId: `crash-evt-${i}`,
      eventTime: new Date().toISOString(),
      eventType: EVENT,
      event: { id: sellerIds[i % sellerIds.length]! },
    }));
    const acknowledged = new Set<string>();
    const send = async (token: string, ev: (typeof events)[number]) => {
      try {
        const res = await fetch(listenerUrl(), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json;charset=utf-8' },
          body: JSON.stringify(ev),
        });
        if (res.status === 204) acknowledged.add(ev.eventId);
        return res.status;
      } catch {
        return 0;
      }
    };

    let token = await tokenFor();
    // Notifications arrive in bursts while the outbox works; the portal dies in the middle of both.
    const firing = (async () => {
      for (let i = 0; i < events.length; i += 10) await Promise.all(events.slice(i, i + 10).map((ev) => send(token, ev)));
    })();
    await waitUntil(() => acknowledged.size >= 60, 'some events to be acknowledged');
    const deliveredBefore = query<{ n: number }>("select count(*) as n from outbox where state = 'done'")[0]!.n;
    await portal!.kill9();
    await firing;
    expect(acknowledged.size).toBeLessThan(events.length);
    expect(deliveredBefore).toBeLessThan(externalIds.length);
    expect(integrityCheck(dbPath)).toEqual(['ok']);

    portal = await startPortal({ dbPath, port: Number(new URL(portal!.baseUrl).port), env: portal!.env });
    token = await tokenFor();
    // The Seller sends everything again (it never knows what got through): duplicates must not be stored twice.
    const resent = await Promise.all(events.map((ev) => send(token, ev)));
    expect(resent.every((s) => s === 204)).toBe(true);

    await waitUntil(() => {
      const [o] = query<{ n: number }>("select count(*) as n from outbox where state = 'pending'");
      const [i] = query<{ n: number }>("select count(*) as n from inbox where state = 'pending'");
      return o!.n === 0 && i!.n === 0;
    }, 'the outbox and inbox to drain');

    const atSeller = ((await (await fetch(`${sandbox.url}/_sandbox/acme/tickets`)).json()) as Array<{ id: string; externalId?: string }>);
    for (const externalId of externalIds) {
      const copies = atSeller.filter((t) => t.externalId === externalId);
      expect(copies, externalId).toHaveLength(1);
      const [row] = query<{ seller_ticket_id: string; sync_state: string }>('select seller_ticket_id, sync_state from tickets where external_id = ?', externalId);
      expect(row).toEqual({ seller_ticket_id: copies[0]!.id, sync_state: 'synced' });
    }
    const inboxRows = query<{ event_id: string; state: string }>("select event_id, state from inbox where event_id like 'crash-evt-%'");
    expect(inboxRows).toHaveLength(events.length);
    expect(new Set(inboxRows.map((r) => r.event_id)).size).toBe(events.length);
    for (const id of acknowledged) expect(inboxRows.find((r) => r.event_id === id)?.state, id).toBe('done');
    const cached = query<{ seller_ticket_id: string }>('select seller_ticket_id from tickets where seller_ticket_id in (' + sellerIds.map(() => '?').join(',') + ')', ...sellerIds);
    expect(cached).toHaveLength(sellerIds.length);
    expect(integrityCheck(dbPath)).toEqual(['ok']);
  });
});
