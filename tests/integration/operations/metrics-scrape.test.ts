import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, sellers } from '@/db/schema';
import { GET as scrape } from '@/app/api/metrics/route';
import { POST as ticketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { createTicket } from '@/lib/actions/tickets';
import { resetEnv } from '@/lib/env';
import { signListenerToken } from '@/lib/listener/listener-auth';
import { liveEventStream } from '@/lib/live/sse';
import { rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { deliverTicket, makeDueNow } from '@/lib/sync/outbox';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { discover, registerSandboxSellers, reporter, startTestSandbox, type DiscoveredSeller } from '../tickets/ticket-desk-fixture';
import { startFaultProxy, type FaultProxy } from '../../reliability/fault-proxy';

const TOKEN = 'metrics-token-for-the-scrape-test-0123456789';
const STATUS = 'troubleTicketStatusChangeEvent';
const base = { description: 'Loss of light on the access', severity: 'moderate', priority: 'medium', observedImpact: 'degraded', ticketType: 'assistance', reporter } as const;

let sandbox: RunningSandbox;
let proxy: FaultProxy;
let found: DiscoveredSeller[];
let acmeToken: string;

type Series = Map<string, number>;

/** `name{a="x",b="y"}` (labels sorted) → value, from the Prometheus text format. */
function parse(text: string): Series {
  const out: Series = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`).sort();
    out.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return out;
}

function value(series: Series, name: string, labels: Record<string, string>): number | undefined {
  const key = `${name}{${Object.entries({ process: 'server', ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`;
  return series.get(key);
}

async function scrapeWith(authorization?: string): Promise<Response> {
  return scrape(new Request('http://127.0.0.1:3000/api/metrics', { headers: authorization ? { authorization } : {} }));
}

function notify(opts: { slug?: string; token?: string | null; body?: string; eventId?: string; resource?: string }) {
  const slug = opts.slug ?? 'acme';
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8' };
  const token = opts.token === undefined ? acmeToken : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = opts.body ?? JSON.stringify({ eventId: opts.eventId, eventTime: new Date().toISOString(), eventType: STATUS, event: { id: opts.resource ?? 'TT-1' } });
  const request = new Request(`http://127.0.0.1:3000/sellers/${slug}/mefApi/sonata/troubleTicketNotification/v4/listener/${STATUS}`, { method: 'POST', headers, body });
  return ticketListener(request, { params: Promise.resolve({ slug, version: 'v4', eventType: STATUS }) });
}

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  process.env.METRICS_TOKEN = TOKEN;
  process.env.SELLER_BREAKER_FAILURES = '2';
  process.env.SELLER_BREAKER_OPEN_MS = '600000';
  resetEnv();
  actAs((await createUser('noc')).id);
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  found = await discover(sandbox.url);
  proxy = await startFaultProxy(sandbox.url);
  const globex = found.find((s) => s.slug === 'globex')!;
  await registerSandboxSellers(dir, found, {
    globex: { troubleTicketBaseUrl: globex.baseUrls.troubleTicket.replace(sandbox.url, proxy.origin), timeoutMs: 1000 },
  });
  // globex is down for the whole run.
  proxy.set(({ path: p }) => (p.startsWith('/globex/') ? { kind: 'down' } : undefined));
  const acmeRow = (await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get())!;
  const credential = await rotateListenerCredential(acmeRow);
  acmeToken = signListenerToken({ sellerSlug: 'acme', credentialId: credential.credential.id, scopes: [...LISTENER_SCOPES] }).token;
});

afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
  for (const name of ['METRICS_TOKEN', 'SELLER_BREAKER_FAILURES', 'SELLER_BREAKER_OPEN_MS']) delete process.env[name];
  resetEnv();
});

describe('/api/metrics after a scripted run', () => {
  let series: Series;
  let text: string;
  let globexTickets: number[] = [];

  beforeAll(async () => {
    const product = (slug: string) => found.find((s) => s.slug === slug)!.products[0]!.id;
    for (let i = 0; i < 3; i++) {
      const r = await createTicket({ ...base, seller: 'acme', productId: product('acme') });
      expect(r.ok && (r.data as { delivery: string }).delivery, r.message).toBe('sent');
    }
    for (let i = 0; i < 2; i++) {
      const r = await createTicket({ ...base, seller: 'globex', productId: product('globex') });
      expect(r.ok && (r.data as { delivery: string }).delivery, r.message).toBe('queued');
      globexTickets.push((r.data as { ticketId: number }).ticketId);
    }
    // A third try meets the open circuit: no call reaches the network.
    await makeDueNow(globexTickets[0]!);
    await deliverTicket(globexTickets[0]!, { force: true });

    expect((await notify({ eventId: 'evt-1', resource: 'TT-1' })).status).toBe(204);
    expect((await notify({ eventId: 'evt-2', resource: 'TT-2' })).status).toBe(204);
    expect((await notify({ eventId: 'evt-2', resource: 'TT-2' })).status).toBe(204);
    expect((await notify({ eventId: 'evt-3', token: null })).status).toBe(401);
    expect((await notify({ body: '{not json' })).status).toBe(400);
    expect((await notify({ slug: 'evil-corp-<script>', token: null, eventId: 'evt-4' })).status).toBe(401);
    expect((await notify({ slug: 'x'.repeat(300), token: 'forged.token.value', eventId: 'evt-5' })).status).toBe(401);

    const controller = new AbortController();
    const live = liveEventStream(new Request('http://127.0.0.1:3000/api/live', { signal: controller.signal }), 60_000);
    const reader = live.body!.getReader();
    await reader.read();
    const res = await scrapeWith(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = await res.text();
    series = parse(text);
    controller.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('refuses a scrape without the token, or with another one', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, `Bearer ${TOKEN}x`]) {
      const res = await scrapeWith(authorization);
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toMatch(/sonata_/);
    }
  });

  it('counts listener calls by Seller, API and outcome, and times each acknowledgement', () => {
    const calls = (seller: string, outcome: string) => value(series, 'sonata_listener_calls_total', { seller, api: 'troubleTicket', outcome });
    expect(calls('acme', 'accepted')).toBe(2);
    expect(calls('acme', 'duplicate')).toBe(1);
    expect(calls('acme', 'unauthorized')).toBe(1);
    expect(calls('acme', 'notJson')).toBe(1);
    expect(calls('unknown', 'unauthorized')).toBe(2);
    expect(value(series, 'sonata_listener_ack_seconds_count', { api: 'troubleTicket' })).toBe(7);
  });

  it('shows the inbox backlog and the age of its oldest entry', () => {
    expect(value(series, 'sonata_inbox_backlog', { seller: 'acme' })).toBe(2);
    expect(value(series, 'sonata_inbox_oldest_age_seconds', { seller: 'acme' })).toBeGreaterThan(0);
    expect(value(series, 'sonata_inbox_backlog', { seller: 'globex' })).toBe(0);
    expect(value(series, 'sonata_inbox_oldest_age_seconds', { seller: 'globex' })).toBe(0);
  });

  it('shows the outbox by Seller and state, and the age of the oldest waiting operation', async () => {
    expect(value(series, 'sonata_outbox_items', { seller: 'acme', state: 'done' })).toBe(3);
    expect(value(series, 'sonata_outbox_items', { seller: 'acme', state: 'pending' })).toBe(0);
    expect(value(series, 'sonata_outbox_items', { seller: 'globex', state: 'pending' })).toBe(2);
    const pending = await getDb().select().from(outbox).where(and(eq(outbox.state, 'pending'))).all();
    expect(pending).toHaveLength(2);
    expect(value(series, 'sonata_outbox_oldest_pending_age_seconds', { seller: 'globex' })).toBeGreaterThan(0);
    expect(value(series, 'sonata_outbox_oldest_pending_age_seconds', { seller: 'acme' })).toBe(0);
  });

  it('counts Seller calls by Seller, operation and status class, with their latency', () => {
    expect(value(series, 'sonata_seller_calls_total', { seller: 'acme', operation: 'createTroubleTicket', status_class: '2xx' })).toBe(3);
    expect(value(series, 'sonata_seller_calls_total', { seller: 'globex', operation: 'createTroubleTicket', status_class: 'network' })).toBe(2);
    expect(value(series, 'sonata_seller_call_seconds_count', { seller: 'globex', operation: 'createTroubleTicket' })).toBe(2);
    expect(value(series, 'sonata_seller_call_seconds_count', { seller: 'acme', operation: 'createTroubleTicket' })).toBe(3);
    // One token per Seller and operation scope, fetched once and cached: globex's token endpoint is not behind the fault.
    expect(value(series, 'sonata_seller_calls_total', { seller: 'acme', operation: 'oauth2Token', status_class: '2xx' })).toBe(1);
    expect(value(series, 'sonata_seller_calls_total', { seller: 'globex', operation: 'oauth2Token', status_class: '2xx' })).toBe(1);
  });

  it('shows the down Seller’s circuit open and the others closed', () => {
    expect(value(series, 'sonata_seller_circuit_state', { seller: 'globex', state: 'open' })).toBe(1);
    expect(value(series, 'sonata_seller_circuit_state', { seller: 'globex', state: 'closed' })).toBe(0);
    expect(value(series, 'sonata_seller_circuit_state', { seller: 'acme', state: 'closed' })).toBe(1);
  });

  it('shows open live connections, change-feed lag, memory and event-loop delay', () => {
    expect(value(series, 'sonata_live_connections', {})).toBe(1);
    expect(value(series, 'sonata_change_feed_lag_entries', {})).toBeGreaterThanOrEqual(0);
    expect(value(series, 'sonata_change_feed_lag_seconds', {})).toBeGreaterThanOrEqual(0);
    expect(value(series, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(value(series, 'nodejs_eventloop_lag_p99_seconds', {})).toBeGreaterThanOrEqual(0);
  });

  it('keeps label values bounded: registry Sellers and one value for strangers', () => {
    const sellerValues = new Set([...text.matchAll(/seller="([^"]*)"/g)].map((m) => m[1]));
    expect([...sellerValues].sort()).toEqual(['acme', 'globex', 'initech', 'unknown', 'vandelay'].filter((s) => sellerValues.has(s)));
    expect(text).not.toMatch(/evil-corp|xxxxxxxx/);
    const outcomes = new Set([...text.matchAll(/outcome="([^"]*)"/g)].map((m) => m[1]));
    expect([...outcomes].sort()).toEqual(['accepted', 'duplicate', 'notJson', 'unauthorized']);
  });
});

describe('/api/metrics without a configured token', () => {
  it('answers 404, whatever is sent', async () => {
    delete process.env.METRICS_TOKEN;
    resetEnv();
    try {
      expect((await scrapeWith(`Bearer ${TOKEN}`)).status).toBe(404);
      expect((await scrapeWith()).status).toBe(404);
    } finally {
      process.env.METRICS_TOKEN = TOKEN;
      resetEnv();
    }
  });
});
