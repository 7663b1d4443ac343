import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatExternalId } from '../../lib/domain/ticket-external-id';
import { startPortal, startSandbox, type PortalHandle, type SandboxHandle } from './harness';

/**
 * /api/metrics of a production server over HTTP: the server's own series and its sync process's (fetched over IPC)
 * in one exposition, after real Seller notifications.
 */

const TOKEN = 'e2e-metrics-token-0123456789-abcdefghij';
const TICKETS = 3;

interface Discovered {
  slug: string;
  baseUrls: { troubleTicket: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let acme: Discovered;

function count(sql: string): number {
  const db = new Database(portal.dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([\w:]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  acme = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers.find((s) => s.slug === 'acme')!;
  portal = await startPortal({ sellersFrom: { url: sandbox.url, only: ['acme'] }, env: { ...process.env, METRICS_TOKEN: TOKEN } });
  await until('the hub at acme and its listener credentials', async () => {
    if (count("select count(*) as n from notification_hubs where api = 'troubleTicket' and state = 'registered'") !== 1) return false;
    return Boolean(((await (await fetch(`${sandbox.url}/_sandbox/acme/buyer-auth`)).json()) as { clientId?: string }).clientId);
  });
  const tokenRes = await fetch(acme.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: acme.clientSecret }),
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  for (let i = 0; i < TICKETS; i++) {
    const res = await fetch(`${acme.baseUrls.troubleTicket}/troubleTicket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json;charset=utf-8' },
      body: JSON.stringify({
        description: `Metrics circuit ${i}`,
        observedImpact: 'degraded',
        priority: 'medium',
        severity: 'moderate',
        ticketType: 'assistance',
        externalId: formatExternalId(2097, i + 1),
        relatedContactInformation: [{ name: 'Rita Reporter', number: '+44 20 7946 0000', emailAddress: 'rita@buyer.example', role: 'reporterContact' }],
        relatedEntity: [{ '@referredType': 'Product', id: acme.products[0]!.id, role: 'affectedProduct' }],
      }),
    });
    const id = ((await res.json()) as { id: string }).id;
    await fetch(`${sandbox.url}/_sandbox/acme/tickets/${encodeURIComponent(id)}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sellerPriority: 'high' }) });
  }
  await until(`${TICKETS} tickets cached and the inbox settled`, () => count('select count(*) as n from tickets') === TICKETS && count("select count(*) as n from inbox where state = 'pending'") === 0);
}, 240_000);

afterAll(async () => {
  await portal?.stop();
  await sandbox?.stop();
});

describe('/api/metrics of a running portal', () => {
  it('refuses a scrape without the token', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
      const res = await fetch(`${portal.baseUrl}/api/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('sonata_');
    }
  });

  it('merges the server’s and the sync process’s series, matching what happened', async () => {
    const refused = await fetch(`${portal.baseUrl}/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf-8' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    const res = await fetch(`${portal.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const received = count("select count(*) as n from inbox where event_type not like '%Reconciliation'");
    expect(received).toBeGreaterThanOrEqual(TICKETS);
    const accepted = [...text.matchAll(/^sonata_listener_calls_total\{([^}]*)\} (\S+)$/gm)]
      .filter(([, labels]) => labels!.includes('seller="acme"') && labels!.includes('outcome="accepted"') && labels!.includes('process="server"'))
      .reduce((sum, [, , v]) => sum + Number(v), 0);
    expect(accepted).toBe(received);
    expect(series(text, 'sonata_listener_calls_total', { seller: 'acme', api: 'troubleTicket', outcome: 'unauthorized', process: 'server' })).toBe(1);
    expect(series(text, 'sonata_inbox_backlog', { seller: 'acme', process: 'server' })).toBe(0);
    expect(series(text, 'sonata_seller_calls_total', { seller: 'acme', operation: 'retrieveTroubleTicket', status_class: '2xx', process: 'sync' })).toBeGreaterThanOrEqual(TICKETS);
    expect(series(text, 'sonata_live_connections', { process: 'server' })).toBe(0);
    expect(series(text, 'process_resident_memory_bytes', { process: 'server' })).toBeGreaterThan(0);
    expect(series(text, 'process_resident_memory_bytes', { process: 'sync' })).toBeGreaterThan(0);
    expect(series(text, 'nodejs_eventloop_lag_p99_seconds', { process: 'sync' })).toBeGreaterThanOrEqual(0);
  });
});
