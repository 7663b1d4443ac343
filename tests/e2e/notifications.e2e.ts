import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_LOGINS,
  freePort,
  launchBrowser,
  signIn,
  startPortal,
  startSandbox,
  tempDir,
  type PortalHandle,
  type SandboxHandle,
} from './harness';

/**
 * Seller notifications against the real portal process and the sandbox process: a crash (kill -9) while the inbox
 * holds events the Seller could not yet be asked about loses none of them; a Seller-side change shows on open pages
 * without a reload; "Waiting on you" lists the Seller's requests until they are answered.
 */

interface Discovered {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site: { id: string; name: string; timeZone: string; address: Record<string, string> } }>;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection']);

/** Stands between the portal and the sandbox for MEF calls, so the test can make the Seller unreachable for GETs. */
async function startSellerProxy(target: string) {
  const state = { blockGets: false, blocked: 0 };
  let origin = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = req.url ?? '/';
        if (state.blockGets && req.method === 'GET' && /\/mefApi\/sonata\/.+\/(troubleTicket|incident|appointment|workorder)\//.test(url)) {
          state.blocked += 1;
          res.writeHead(503, { 'content-type': 'application/json;charset=utf-8' });
          return res.end(JSON.stringify({ code: 'internalError', reason: 'Seller down for maintenance' }));
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !HOP_BY_HOP.has(k)) headers[k] = v;
        const upstream = await fetch(`${target}${url}`, {
          method: req.method,
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        });
        let body = Buffer.from(await upstream.arrayBuffer());
        // Discovery names the sandbox's own address: point it at this proxy instead.
        if (url === '/_sandbox/sellers') body = Buffer.from(body.toString('utf8').split(target).join(origin));
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
        });
        res.writeHead(upstream.status, out);
        res.end(body);
      })().catch((err: unknown) => {
        console.error('[proxy]', req.method, req.url, err, (err as { cause?: unknown }).cause);
        res.writeHead(502).end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let sandbox: SandboxHandle;
let proxy: Awaited<ReturnType<typeof startSellerProxy>>;
let portal: PortalHandle;
let browser: Browser | undefined;
let sellersFile: string;
let acme: Discovered;
let buyerToken: string;
const dbPath = path.join(tempDir('portal-notifications-'), 'portal.db');
let portalPort: number;

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let state = '';
  try {
    state = JSON.stringify(
      portalDb((db) => ({
        hubs: db.prepare('select api, state, last_error from notification_hubs').all(),
        sync: db.prepare('select * from seller_sync_state').all(),
        inbox: db.prepare('select state, count(*) as n from inbox group by state').all(),
        outbox: db.prepare('select operation, state, attempts, last_error from outbox').all(),
      })),
    );
  } catch (err) {
    state = String(err);
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms\n${state}\n${portal?.output().slice(-3000)}`);
}

function portalDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function control(method: string, p: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function openTicket(externalId: string): Promise<string> {
  const res = await fetch(`${sandbox.url}/acme/mefApi/sonata/troubleTicket/v4/troubleTicket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${buyerToken}`, 'content-type': 'application/json;charset=utf-8' },
    body: JSON.stringify({
      description: 'No light on the access fibre',
      observedImpact: 'down',
      priority: 'high',
      severity: 'significant',
      ticketType: 'assistance',
      externalId,
      relatedContactInformation: [{ name: 'Nora Noc', number: '+33 1 00 00 00 00', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
      relatedEntity: [{ '@referredType': 'Product', id: acme.products[0]!.id, role: 'affectedProduct' }],
    }),
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

const ticketStatus = (id: string) =>
  portalDb((db) => (db.prepare('select status from tickets where seller_ticket_id = ?').get(id) as { status: string } | undefined)?.status);

async function bootPortal(): Promise<PortalHandle> {
  // Only what this test adds: the harness supplies the rest (and NODE_ENV=production).
  const env: Partial<NodeJS.ProcessEnv> = { SELLERS_FILE: sellersFile, RECONCILE_INTERVAL_MS: '3600000' };
  return startPortal({ dbPath, port: portalPort, env: env as NodeJS.ProcessEnv });
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  proxy = await startSellerProxy(sandbox.url);
  const discovery = (await (await fetch(`${proxy.origin}/_sandbox/sellers`)).json()) as { sellers: Discovered[] };
  acme = discovery.sellers.find((s) => s.slug === 'acme')!;
  sellersFile = path.join(path.dirname(dbPath), 'sellers.json');
  fs.writeFileSync(
    sellersFile,
    JSON.stringify([
      {
        slug: acme.slug,
        name: acme.name,
        troubleTicketBaseUrl: acme.baseUrls.troubleTicket,
        appointmentBaseUrl: acme.baseUrls.appointment,
        workOrderBaseUrl: acme.baseUrls.workOrder,
        tokenUrl: acme.tokenUrl,
        clientId: acme.clientId,
        clientSecret: acme.clientSecret,
        scopeMode: 'operation',
        timeoutMs: 5000,
        enabled: true,
        products: acme.products.map((p) => ({
          productId: p.id,
          label: p.name,
          siteId: p.site.id,
          siteName: p.site.name,
          siteAddress: Object.values(p.site.address).join(' '),
          siteTimeZone: p.site.timeZone,
        })),
      },
    ]),
  );
  const token = await fetch(`${sandbox.url}/acme/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: acme.clientSecret }),
  });
  buyerToken = ((await token.json()) as { access_token: string }).access_token;
  portalPort = await freePort();
  portal = await bootPortal();
  await until(
    'the sandbox to hold our listener credentials',
    async () => (await control('GET', '/acme/buyer-auth')) as unknown,
    (auth) => JSON.stringify(auth).includes(`${portal.baseUrl}/oauth2/token`),
  );
  await until('hubs registered', async () => portalDb((db) => db.prepare("select count(*) as n from notification_hubs where state = 'registered'").get() as { n: number }).n, (n) => n === 3);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await proxy?.close();
  await sandbox?.stop();
});

describe('notifications in the running portal', () => {
  it('applies every acknowledged event after a kill -9 while the Seller could not be asked', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) ids.push(await openTicket(`NOC-E2E-00000${i}`));
    proxy.state.blockGets = true;
    for (const id of ids) await control('POST', `/acme/tickets/${id}/status`, { status: 'inProgress' });
    // (A reconciliation at start may also have queued fetches of these tickets: they wait the same way.)
    const pending = await until(
      'events acknowledged and waiting in the inbox',
      async () =>
        portalDb((db) =>
          (db.prepare("select resource_id from inbox where state = 'pending' and event_type = 'troubleTicketStatusChangeEvent'").all() as Array<{ resource_id: string }>)
            .map((r) => r.resource_id)
            .sort(),
        ),
      (r) => r.length === ids.length,
    );
    expect(pending).toEqual([...ids].sort());
    await until('the worker to have tried the Seller', async () => proxy.state.blocked, (n) => n > 0);
    expect(ids.map(ticketStatus)).toEqual(ids.map(() => undefined));

    await portal.kill9();
    proxy.state.blockGets = false;
    portal = await bootPortal();
    await until('every event applied after the restart', async () => ids.map(ticketStatus), (s) => s.every((v) => v === 'inProgress'));
    const states = portalDb((db) => db.prepare('select state from inbox group by state').all() as Array<{ state: string }>);
    expect(states).toEqual([{ state: 'done' }]);
  });

  it('shows a Seller-side change on an open ticket page and in the queue without a reload, and lists what the Seller waits for until answered', async () => {
    const id = await openTicket('NOC-E2E-000010');
    await control('POST', `/acme/tickets/${id}/status`, { status: 'inProgress' });
    await until('the ticket cached', async () => ticketStatus(id), (s) => s === 'inProgress');

    browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
    const queue = await context.newPage();
    await queue.goto(`${portal.baseUrl}/tickets`);
    const row = queue.getByRole('row').filter({ hasText: 'NOC-E2E-000010' });
    await row.getByText('In progress').waitFor();
    await page.goto(`${portal.baseUrl}/tickets/acme/${encodeURIComponent(id)}`);
    await page.getByText('In progress').first().waitFor();
    const waitingCount = page.getByTestId('waiting-count');
    await expect.poll(() => waitingCount.textContent(), { timeout: 10_000 }).toBe('0');
    // A marker in each window: a reload would wipe it, a live update keeps it.
    for (const p of [page, queue]) await p.evaluate(() => Object.assign(window, { notReloaded: true }));

    // The Seller asks for information: the page, the queue and the centre follow without a reload.
    await control('POST', `/acme/tickets/${id}/request-information`, { text: 'Which rack is the CPE in?' });
    await page.getByText('Waiting for you').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => waitingCount.textContent(), { timeout: 15_000 }).toBe('1');
    await row.getByText('Waiting for you').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /Waiting on you/ }).click();
    const panel = page.getByRole('region', { name: 'Waiting on you' });
    await panel.getByText('Information required').waitFor();
    await expect.poll(() => panel.getByRole('link').first().getAttribute('href')).toBe(`/tickets/acme/${encodeURIComponent(id)}`);
    await page.keyboard.press('Escape');

    // Answered with a note: the Seller resumes and the item goes.
    await page.getByLabel('Note').fill('Rack B4, second shelf.');
    await page.getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => waitingCount.textContent(), { timeout: 20_000 }).toBe('0');
    await until('the Seller resumed', async () => ticketStatus(id), (s) => s === 'inProgress');

    // The Seller resolves: clearance requested until we accept.
    await control('POST', `/acme/tickets/${id}/resolve`, { text: 'Replaced the SFP.' });
    await expect.poll(() => waitingCount.textContent(), { timeout: 15_000 }).toBe('1');
    await page.getByRole('button', { name: /Waiting on you/ }).click();
    await panel.getByText('Clearance requested').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Accept resolution (close)' }).click();
    await page.getByRole('button', { name: 'Accept and close' }).click();
    await expect.poll(() => waitingCount.textContent(), { timeout: 20_000 }).toBe('0');
    await until('closed at the Seller and in the cache', async () => ticketStatus(id), (s) => s === 'closed');
    await row.getByText('Closed').waitFor({ timeout: 15_000 });
    for (const p of [page, queue]) expect(await p.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });
});
