import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Locator, Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSandboxSellers, sellersFileEntries, type DiscoveredSeller } from '../../lib/sync/sandbox-discovery';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';

/**
 * What an operator sees of Seller changes on pages that are already open, against the real portal and the sandbox in
 * manual mode (only the changes this file makes happen):
 * - a change that reaches the portal's cache while a page is loading (after the server rendered it, before the
 *   browser holds it and follows the live stream) still shows on that page, without a reload: the ticket queue, a
 *   ticket page, Work orders and the Appointments calendar, 20 times each, no miss allowed;
 * - the same on a client-side navigation to the queue;
 * - an accept or a reject of a resolution sent to the slow Seller (initech) goes from "queued — will be sent" to done
 *   on the open ticket page, and the actions follow the new state;
 * - changes made while the browser is offline all show once it is back online.
 */

const ROUNDS = 20;
/** How long a change may take to show on an open page. */
const BOUND_MS = 15_000;

/**
 * Stands between the portal and initech's MEF APIs: when `holdAnswers` is on, the Buyer's close and reopen requests
 * wait until the test releases them, as a Seller slower than the portal's patience would.
 */
async function startSlowSellerProxy(target: string) {
  const state = { holdAnswers: false, waiting: 0, release: () => undefined as void };
  let origin = '';
  let released = Promise.resolve();
  const arm = () => {
    released = new Promise<void>((resolve) => (state.release = resolve));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = req.url ?? '/';
        if (state.holdAnswers && req.method === 'POST' && /\/troubleTicket\/[^/]+\/(close|reopen)(\?|$)/.test(url)) {
          state.waiting += 1;
          await released;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k)) headers[k] = v;
        const upstream = await fetch(`${target}${url}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
        });
        let body = Buffer.from(await upstream.arrayBuffer());
        // Discovery names the sandbox's own address: point initech at this proxy, so the portal recognises the sandbox.
        if (url === '/_sandbox/sellers') {
          const discovery = JSON.parse(body.toString('utf8')) as { sellers: Array<{ slug: string }> };
          for (const s of discovery.sellers) if (s.slug === 'initech') Object.assign(s, JSON.parse(JSON.stringify(s).split(target).join(origin)));
          body = Buffer.from(JSON.stringify(discovery));
        }
        res.writeHead(upstream.status, out);
        res.end(body);
      })().catch((err: unknown) => res.writeHead(502).end(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    state,
    hold: () => {
      state.waiting = 0;
      arm();
      state.holdAnswers = true;
    },
    letGo: () => {
      state.holdAnswers = false;
      state.release();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let slowProxy: Awaited<ReturnType<typeof startSlowSellerProxy>>;
let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let sellers: DiscoveredSeller[];
let noc: BrowserContext;
let coordinator: BrowserContext;
const summary: Record<string, string> = {};

const seller = (slug: string) => sellers.find((s) => s.slug === slug)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function control<T = any>(method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const tokens = new Map<string, string>();
/** A MEF call as the Buyer (our credentials at that Seller). */
async function mef<T = any>(slug: string, api: 'troubleTicket' | 'appointment' | 'workOrder', method: string, p: string, body?: unknown): Promise<T> {
  const s = seller(slug);
  if (!tokens.has(slug)) {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret });
    const res = await fetch(s.tokenUrl, { method: 'POST', body: form });
    tokens.set(slug, ((await res.json()) as { access_token: string }).access_token);
  }
  const res = await fetch(`${s.baseUrls[api]}${p}`, {
    method,
    headers: { authorization: `Bearer ${tokens.get(slug)}`, ...(body ? { 'content-type': 'application/json;charset=utf-8' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`MEF ${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function portalDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(portal.dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await sleep(100);
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms ${lastError ? String(lastError) : ''}\n${portal?.output().slice(-3000)}`);
}

/** True as soon as `check` holds, false when it still does not after `timeoutMs`. */
async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return true;
    } catch {
      /* the page is busy rendering: try again */
    }
    await sleep(100);
  }
  return false;
}

const cachedTicket = (id: string) =>
  portalDb((db) => db.prepare('select status, document from tickets where seller_ticket_id = ?').get(id) as { status: string | null; document: string } | undefined);
const cachedWorkOrder = (id: string) =>
  portalDb((db) => db.prepare('select status, appointment_required as appointmentRequired from work_orders where seller_resource_id = ?').get(id) as
    | { status: string; appointmentRequired: number }
    | undefined);
const cachedAppointment = (id: string) =>
  portalDb((db) => (db.prepare('select status from appointments where seller_resource_id = ?').get(id) as { status: string } | undefined)?.status);

let ticketCounter = 0;
/** A ticket opened at the Seller with our credentials, moved to inProgress by the Seller, and cached by the portal. */
async function sellerTicket(slug: string, description: string): Promise<{ id: string; externalId: string }> {
  const s = seller(slug);
  ticketCounter += 1;
  const externalId = `NOC-LIVE-${String(Date.now()).slice(-6)}${String(ticketCounter).padStart(3, '0')}`;
  const ticket = await mef<{ id: string }>(slug, 'troubleTicket', 'POST', '/troubleTicket', {
    description,
    observedImpact: 'down',
    priority: 'high',
    severity: 'significant',
    ticketType: 'assistance',
    externalId,
    relatedContactInformation: [{ name: 'Nora Noc', number: '+33 1 00 00 00 00', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
    relatedEntity: [{ '@referredType': 'Product', id: s.products[0]!.id, role: 'affectedProduct' }],
  });
  await control('POST', `/${slug}/tickets/${ticket.id}/status`, { status: 'inProgress' });
  await until(`ticket ${ticket.id} cached`, () => cachedTicket(ticket.id)?.status, (st) => st === 'inProgress');
  return { id: ticket.id, externalId };
}

/** Whether the page was reloaded since `markLoaded` (a reload drops the marker and adds a navigation entry). */
async function markLoaded(page: Page, token: string): Promise<void> {
  await page.evaluate((t) => Object.assign(window, { __liveMarker: t }), token);
}
async function stillSameDocument(page: Page, token: string): Promise<boolean> {
  return page.evaluate(
    (t) => (window as unknown as { __liveMarker?: string }).__liveMarker === t && performance.getEntriesByType('navigation').length === 1,
    token,
  );
}

/** Counts text/event-stream responses a page receives (a live stream connected). */
function countStreams(page: Page): { opened: number } {
  const counter = { opened: 0 };
  page.on('response', (res) => {
    if ((res.headers()['content-type'] ?? '').includes('text/event-stream')) counter.opened += 1;
  });
  return counter;
}

/**
 * Opens `url` so that the Seller's change reaches the portal's cache between the server answering the held request
 * (the page's document, or the first response matching `hold`) and the browser receiving it: the response is
 * fetched from the portal first, then the change is made and awaited in the cache, then the browser gets the
 * response rendered before it.
 */
async function openWithChangeDuringLoad(
  page: Page,
  open: string | (() => Promise<unknown>),
  hold: (request: Request) => boolean,
  change: () => Promise<void>,
): Promise<void> {
  let handled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (handled = resolve));
  let failure: unknown;
  let taken = false;
  const handler = async (route: Route) => {
    if (taken || !hold(route.request())) return route.fallback();
    taken = true;
    try {
      const response = await route.fetch();
      try {
        await change();
      } catch (err) {
        failure = err;
      }
      // The page may have given up on this request meanwhile (a newer read of the same data replaced it).
      await route.fulfill({ response }).catch(() => undefined);
    } finally {
      handled();
    }
  };
  await page.route('**/*', handler);
  try {
    if (typeof open === 'string') await page.goto(open);
    else await open();
    await Promise.race([done, sleep(30_000).then(() => Promise.reject(new Error(`no held request while opening ${String(open)}`)))]);
  } finally {
    await page.unroute('**/*', handler);
  }
  if (failure) throw failure;
}

const isDocument = (pathname: string) => (request: Request) => request.resourceType() === 'document' && new URL(request.url()).pathname === pathname;

/** Runs `rounds` rounds of "open the page while the Seller changes something", counting the changes not shown in time. */
async function repeatChangeDuringLoad(
  label: string,
  page: Page,
  round: (i: number) => Promise<{ open: () => Promise<void>; shown: () => Promise<boolean>; describe: () => string }>,
  rounds = ROUNDS,
): Promise<void> {
  const missed: string[] = [];
  const reloaded: string[] = [];
  const started = Date.now();
  for (let i = 0; i < rounds; i++) {
    const r = await round(i);
    await r.open();
    const token = `${label}-${i}-${Math.random()}`;
    await markLoaded(page, token);
    const shown = await within(BOUND_MS, r.shown);
    if (!shown) missed.push(`round ${i}: ${r.describe()}`);
    if (!(await stillSameDocument(page, token))) reloaded.push(`round ${i}`);
  }
  summary[label] = `${missed.length} missed, ${reloaded.length} reloaded of ${rounds} (${Math.round((Date.now() - started) / 1000)} s)`;
  console.log(`[live-updates e2e] ${label}: ${summary[label]}${missed.length ? `\n  ${missed.join('\n  ')}` : ''}`);
  expect(missed, `${label}: changes made while the page loaded that did not show within ${BOUND_MS} ms`).toEqual([]);
  expect(reloaded, `${label}: rounds where the page reloaded instead of updating`).toEqual([]);
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  sellers = await discoverSandboxSellers(sandbox.url);
  const dir = tempDir('live-updates-e2e-');
  const sellersFile = path.join(dir, 'sellers.json');
  slowProxy = await startSlowSellerProxy(sandbox.url);
  // initech's MEF APIs through the proxy (its token endpoint and notifications go direct).
  const entries = sellersFileEntries(sellers).map((e) =>
    e.slug === 'initech'
      ? {
          ...e,
          troubleTicketBaseUrl: e.troubleTicketBaseUrl.replace(sandbox.url, slowProxy.origin),
          appointmentBaseUrl: e.appointmentBaseUrl?.replace(sandbox.url, slowProxy.origin),
          workOrderBaseUrl: e.workOrderBaseUrl?.replace(sandbox.url, slowProxy.origin),
          timeoutMs: 60_000,
        }
      : e,
  );
  fs.writeFileSync(sellersFile, JSON.stringify(entries));
  portal = await startPortal({ dbPath: path.join(dir, 'portal.db'), env: { ...process.env, SELLERS_FILE: sellersFile, RECONCILE_INTERVAL_MS: '3600000' } });
  for (const slug of ['acme', 'globex', 'initech']) {
    await until(`the ${slug} sandbox to hold our listener credentials`, () => control('GET', `/${slug}/buyer-auth`), (auth) => JSON.stringify(auth).includes(portal.baseUrl), 60_000);
  }
  await until(
    'hubs registered at the three Sellers',
    () => portalDb((db) => db.prepare('select state, count(*) as n from notification_hubs group by state').all() as Array<{ state: string; n: number }>),
    (rows) => rows.length === 1 && rows[0]!.state === 'registered' && rows[0]!.n >= 9,
    60_000,
  );
  browser = await launchBrowser();
  noc = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Europe/Paris' });
  await signIn(await noc.newPage(), portal.baseUrl, DEMO_LOGINS.noc);
  coordinator = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Europe/Paris' });
  await signIn(await coordinator.newPage(), portal.baseUrl, DEMO_LOGINS.coordinator);
}, 240_000);

afterAll(async () => {
  console.log(`[live-updates e2e] summary ${JSON.stringify(summary, null, 2)}`);
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
  await slowProxy?.close();
});

/** The Seller moves the ticket between "In progress" and "Waiting for you" (an information request). */
async function toggleTicket(id: string, round: number): Promise<string> {
  const current = cachedTicket(id)?.status;
  if (current === 'inProgress') {
    await control('POST', `/acme/tickets/${id}/request-information`, { text: `Round ${round}: which port is the CPE on?` });
    await until(`ticket ${id} pending in the cache`, () => cachedTicket(id)?.status, (s) => s === 'pending');
    return 'Waiting for you';
  }
  await control('POST', `/acme/tickets/${id}/status`, { status: 'inProgress' });
  await until(`ticket ${id} inProgress in the cache`, () => cachedTicket(id)?.status, (s) => s === 'inProgress');
  return 'In progress';
}

const queueRow = (page: Page, externalId: string): Locator => page.getByTestId('ticket-row').filter({ hasText: externalId });

describe('a Seller change made while a page loads shows on it without a reload', () => {
  it(`the ticket queue (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    const ticket = await sellerTicket('acme', 'Queue: packet loss on the Paris EVPL');
    const page = await noc.newPage();
    await repeatChangeDuringLoad('queue', page, async (i) => {
      let expected = '';
      return {
        describe: () => `ticket ${ticket.externalId} should read "${expected}"`,
        open: () =>
          openWithChangeDuringLoad(page, `${portal.baseUrl}/tickets`, isDocument('/tickets'), async () => {
            expected = await toggleTicket(ticket.id, i);
          }),
        shown: async () => (await queueRow(page, ticket.externalId).getByText(expected, { exact: true }).count()) > 0,
      };
    });
    await page.close();
  });

  it('the ticket queue reached by a client-side navigation (10 rounds)', { timeout: 300_000 }, async () => {
    const ticket = await sellerTicket('acme', 'Queue by link: CRC errors on the Lyon port');
    const page = await noc.newPage();
    const streams = countStreams(page);
    const isQueueData = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname !== '/tickets') return false;
      if (request.resourceType() === 'document') return true;
      const h = request.headers();
      return h['rsc'] === '1' && !Object.keys(h).some((k) => k.startsWith('next-router-prefetch') || k.startsWith('next-router-segment-prefetch'));
    };
    await repeatChangeDuringLoad(
      'queue by client-side navigation',
      page,
      async (i) => {
        let expected = '';
        return {
          describe: () => `ticket ${ticket.externalId} should read "${expected}"`,
          open: async () => {
            const before = streams.opened;
            await page.goto(`${portal.baseUrl}/tickets/acme/${encodeURIComponent(ticket.id)}`);
            const link = page.getByRole('link', { name: 'Tickets', exact: true }).first();
            // Hydrated (React owns the link) and following the live stream: the click is a client-side navigation.
            await until('the ticket page hydrated', () => link.evaluate((a) => Object.keys(a).some((k) => k.startsWith('__reactProps'))), (v) => v, 20_000);
            await until('the live stream connected', () => streams.opened, (n) => n > before, 20_000);
            const token = `nav-${i}`;
            await markLoaded(page, token);
            await openWithChangeDuringLoad(
              page,
              async () => {
                await link.click();
                await page.waitForURL((u) => u.pathname === '/tickets', { timeout: 30_000 });
              },
              isQueueData,
              async () => {
                expected = await toggleTicket(ticket.id, i);
              },
            );
            // A client-side navigation keeps the document.
            expect(await stillSameDocument(page, token), 'the link click reloaded the document').toBe(true);
          },
          shown: async () => (await queueRow(page, ticket.externalId).getByText(expected, { exact: true }).count()) > 0,
        };
      },
      10,
    );
    await page.close();
  });

  it(`a ticket page (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    const ticket = await sellerTicket('acme', 'Ticket page: flapping link at the Marseille site');
    const page = await noc.newPage();
    await repeatChangeDuringLoad('ticket page', page, async (i) => {
      const text = `Seller note ${i}: spliced patch panel ${Math.random().toString(36).slice(2, 8)}`;
      return {
        describe: () => `note "${text}"`,
        open: () =>
          openWithChangeDuringLoad(page, `${portal.baseUrl}/tickets/acme/${encodeURIComponent(ticket.id)}`, isDocument(`/tickets/acme/${ticket.id}`), async () => {
            await control('POST', `/acme/tickets/${ticket.id}/notes`, { text });
            await until('the note in the cache', () => cachedTicket(ticket.id)?.document ?? '', (d) => JSON.stringify(d).includes(text));
          }),
        shown: async () => (await page.getByText(text).count()) > 0,
      };
    });
    await page.close();
  });

  it(`Work orders: a new work order needing an appointment (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    const ticket = await sellerTicket('globex', 'Work orders: access circuit down at the New York office');
    const page = await coordinator.newPage();
    await repeatChangeDuringLoad('work orders', page, async () => {
      let workOrderId = '';
      return {
        describe: () => `work order ${workOrderId} in "Appointments needed"`,
        open: () =>
          openWithChangeDuringLoad(page, `${portal.baseUrl}/work-orders`, isDocument('/work-orders'), async () => {
            workOrderId = (await control<{ id: string }>('POST', `/globex/tickets/${ticket.id}/work-orders`, { appointmentRequired: true, task: ['Replace the access NTU'] })).id;
            await until(`work order ${workOrderId} cached as needing an appointment`, () => cachedWorkOrder(workOrderId)?.appointmentRequired, (v) => v === 1);
          }),
        shown: async () => (await page.getByTestId('appointments-needed').locator(`[data-work-order="${workOrderId}"]`).count()) === 1,
      };
    });
    await page.close();
  });

  it(`Appointments: the calendar follows the technician's visit (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    // Ten booked visits; each round the Seller starts one (→ in progress) or completes the one it started.
    const ticket = await sellerTicket('globex', 'Appointments: no sync on the Chicago access');
    const appointments: string[] = [];
    const from = new Date(Date.now() + 24 * 3600_000);
    const to = new Date(Date.now() + 20 * 24 * 3600_000);
    for (let k = 0; k < ROUNDS / 2; k++) {
      const wo = await control<{ id: string }>('POST', `/globex/tickets/${ticket.id}/work-orders`, { appointmentRequired: true });
      const search = await mef<{ availableTimeSlot: Array<{ validFor: { startDateTime: string; endDateTime: string } }> }>('globex', 'appointment', 'POST', '/searchTimeSlot', {
        workOrder: { id: wo.id },
        requestedTimeSlot: [{ validFor: { startDateTime: from.toISOString(), endDateTime: to.toISOString() } }],
      });
      const contact = { name: 'Cora Coordinator', number: '+1 212 555 0199', emailAddress: 'coordinator@example.com' };
      const appt = await mef<{ id: string }>('globex', 'appointment', 'POST', '/appointment', {
        workOrder: { id: wo.id },
        validFor: search.availableTimeSlot[0]!.validFor,
        relatedContactInformation: [
          { ...contact, role: 'buyerAppointmentContact' },
          { ...contact, role: 'appointmentPlaceContact' },
        ],
      });
      // A Seller note makes the portal read the booked visit.
      await control('POST', `/globex/appointments/${appt.id}/notes`, { text: 'Technician assigned' });
      appointments.push(appt.id);
    }
    await until('the booked visits cached', () => appointments.map(cachedAppointment), (s) => s.every((v) => v === 'confirmed'));

    const page = await coordinator.newPage();
    // The calendar reads its appointments after the page loads: that answer is the one the change must beat.
    const isFeed = (request: Request) => new URL(request.url()).pathname === '/appointments/feed.json';
    await repeatChangeDuringLoad('appointments calendar', page, async (i) => {
      const id = appointments[Math.floor(i / 2)]!;
      const expected = i % 2 === 0 ? 'inProgress' : 'completed';
      return {
        describe: () => `appointment ${id} should be ${expected}`,
        open: async () => {
          await openWithChangeDuringLoad(page, `${portal.baseUrl}/appointments`, isFeed, async () => {
            await control('POST', `/globex/appointments/${id}/${i % 2 === 0 ? 'start' : 'complete'}`, {});
            await until(`appointment ${id} ${expected} in the cache`, () => cachedAppointment(id), (s) => s === expected);
          });
          // The agenda lists the next 30 days; switching views reads nothing again.
          await page.locator('[data-testid="appointments-calendar"][data-loaded="true"]').waitFor();
          await page.getByRole('button', { name: 'Agenda' }).click();
          await page.locator('.rbc-agenda-view').waitFor();
        },
        shown: async () =>
          (await page.locator(`[data-testid="calendar-appointment"][data-appointment="${id}"]`).first().getAttribute('data-status', { timeout: 500 })) === expected,
      };
    });
    await page.close();
  });
});

/** The badge in the ticket page's heading, and whether it still says the request is queued. */
async function ticketHeading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).first().innerText()).replace(/\s+/g, ' ');
}

const STATUS_LABEL: Record<string, string> = {
  acknowledged: 'Acknowledged',
  inProgress: 'In progress',
  pending: 'Waiting for you',
  resolved: 'Resolved',
  reopened: 'Reopened',
  closed: 'Closed',
};

describe('a resolution answered at the slow Seller (initech)', () => {
  async function resolvedTicketPage(description: string) {
    const ticket = await sellerTicket('initech', description);
    const page = await noc.newPage();
    await page.goto(`${portal.baseUrl}/tickets/initech/${encodeURIComponent(ticket.id)}`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'In progress' }).waitFor();
    // The live stream is open once a Seller change shows without a reload.
    await control('POST', `/initech/tickets/${ticket.id}/notes`, { text: 'Engineer dispatched' });
    await page.getByText('Engineer dispatched').first().waitFor({ timeout: BOUND_MS });
    await control('POST', `/initech/tickets/${ticket.id}/resolve`, { text: 'Replaced the line card.' });
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Resolved' }).waitFor({ timeout: BOUND_MS });
    const accept = page.getByRole('button', { name: 'Accept resolution (close)' });
    const reject = page.getByRole('button', { name: 'Reject resolution (reopen)' });
    await expect.poll(() => accept.isEnabled(), { timeout: BOUND_MS }).toBe(true);
    await expect.poll(() => reject.isEnabled(), { timeout: BOUND_MS }).toBe(true);
    await markLoaded(page, ticket.id);
    return { ticket, page, accept, reject };
  }

  /** Waits until the open page shows the Seller's current status, with nothing left queued, and returns it. */
  async function settles(page: Page, ticketId: string, expectOneOf: string[]): Promise<string> {
    const deadline = Date.now() + BOUND_MS;
    let seen = '';
    let atSeller = '';
    while (Date.now() < deadline) {
      atSeller = ((await control<Array<{ id: string; status: string }>>('GET', '/initech/tickets')).find((t) => t.id === ticketId) ?? { status: '' }).status;
      seen = await ticketHeading(page).catch(() => seen);
      const queuedItems = await page.getByRole('list', { name: 'Requests not yet accepted by the Seller' }).count();
      if (expectOneOf.includes(atSeller) && seen.includes(STATUS_LABEL[atSeller]!) && !/queued — will be sent/i.test(seen) && queuedItems === 0) return atSeller;
      await sleep(200);
    }
    throw new Error(`the open ticket page still reads "${seen}" (queued items listed: ${await page.getByRole('list', { name: 'Requests not yet accepted by the Seller' }).count()}) while the Seller has ${atSeller}`);
  }

  /**
   * With `sellerSlow`, the Seller answers only once the page says the request is queued (slower than the action waits),
   * so the move from "queued — will be sent" to done happens on the open page; otherwise initech answers at its own pace.
   */
  async function answered(page: Page, sellerSlow: boolean, send: () => Promise<void>): Promise<void> {
    if (sellerSlow) slowProxy.hold();
    try {
      await send();
      if (sellerSlow) {
        await until('the request held at the Seller', () => slowProxy.state.waiting, (n) => n > 0);
        await page.getByText('queued — will be sent').first().waitFor({ timeout: 30_000 });
      }
    } finally {
      slowProxy.letGo();
    }
  }

  const ROUNDS_AT_INITECH: Array<[number, boolean]> = [
    [1, false],
    [2, true],
    [3, true],
  ];

  for (const [round, sellerSlow] of ROUNDS_AT_INITECH) {
    it(`a reject moves from queued to done on the open page, and the actions follow (${round}/3${sellerSlow ? ', Seller slower than the action waits' : ''})`, async () => {
      const { ticket, page, accept, reject } = await resolvedTicketPage(`Reject ${round}: bit errors on the Osaka circuit`);
      await answered(page, sellerSlow, async () => {
        await reject.click();
        const dialog = page.getByRole('dialog', { name: 'Reject the resolution' });
        await dialog.getByLabel('Closure Rejection Reason').fill('Errors are still counted on the NTU');
        await dialog.getByRole('button', { name: 'Reopen ticket' }).click();
      });
      const status = await settles(page, ticket.id, ['reopened', 'inProgress']);
      expect(['reopened', 'inProgress']).toContain(status);
      expect(await accept.isDisabled()).toBe(true);
      expect(await reject.isDisabled()).toBe(true);
      expect(await page.getByText('counting the operations still queued', { exact: false }).count()).toBe(0);
      expect(await stillSameDocument(page, ticket.id)).toBe(true);
      await page.close();
    });
  }

  for (const [round, sellerSlow] of ROUNDS_AT_INITECH) {
    it(`an accept moves from queued to done on the open page, and the actions follow (${round}/3${sellerSlow ? ', Seller slower than the action waits' : ''})`, async () => {
      const { ticket, page, accept, reject } = await resolvedTicketPage(`Accept ${round}: LOS alarm on the Kobe access`);
      await answered(page, sellerSlow, async () => {
        await accept.click();
        await page.getByRole('button', { name: 'Accept and close' }).click();
      });
      expect(await settles(page, ticket.id, ['closed'])).toBe('closed');
      expect(await accept.isDisabled()).toBe(true);
      expect(await reject.isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Cancel ticket' }).isDisabled()).toBe(true);
      expect(await page.getByText('counting the operations still queued', { exact: false }).count()).toBe(0);
      expect(await stillSameDocument(page, ticket.id)).toBe(true);
      await page.close();
    });
  }
});

describe('the browser goes offline and back online', () => {
  it('shows every Seller change made meanwhile on the open pages, without a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Europe/Paris' });
    await signIn(await context.newPage(), portal.baseUrl, DEMO_LOGINS.noc);
    const a = await sellerTicket('acme', 'Offline A: high latency to the Nice POP');
    const b = await sellerTicket('acme', 'Offline B: intermittent loss on the Lille EVPL');
    const visits = await sellerTicket('globex', 'Offline C: access down at the Boston office');

    const queue = await context.newPage();
    await queue.goto(`${portal.baseUrl}/tickets`);
    await queueRow(queue, b.externalId).waitFor();
    const ticketPage = await context.newPage();
    await ticketPage.goto(`${portal.baseUrl}/tickets/acme/${encodeURIComponent(a.id)}`);
    const workOrders = await context.newPage();
    await workOrders.goto(`${portal.baseUrl}/work-orders`);
    await workOrders.getByTestId('appointments-needed').waitFor();
    // Following the stream: a Seller change shows on each page.
    await control('POST', `/acme/tickets/${a.id}/notes`, { text: 'Online check: looking into it' });
    await ticketPage.getByText('Online check: looking into it').first().waitFor({ timeout: BOUND_MS });
    await queueRow(queue, a.externalId).getByText('In progress', { exact: true }).waitFor();
    for (const p of [queue, ticketPage, workOrders]) await markLoaded(p, 'offline');

    await context.setOffline(true);
    await control('POST', `/acme/tickets/${a.id}/request-information`, { text: 'Offline: which rack holds the router?' });
    await control('POST', `/acme/tickets/${b.id}/resolve`, { text: 'Offline: cleaned the connector.' });
    const c = await sellerTicket('acme', 'Offline D: a ticket the Seller moved while we were away');
    const workOrderId = (await control<{ id: string }>('POST', `/globex/tickets/${visits.id}/work-orders`, { appointmentRequired: true })).id;
    await until('every offline change in the cache', () => [cachedTicket(a.id)?.status, cachedTicket(b.id)?.status, cachedWorkOrder(workOrderId)?.appointmentRequired], (v) =>
      v[0] === 'pending' && v[1] === 'resolved' && v[2] === 1,
    );
    // Long enough for the browser to notice the dropped stream and fail to reconnect at least once.
    await sleep(4_000);
    await context.setOffline(false);

    const checks: Array<[string, () => Promise<boolean>]> = [
      ['queue: A waiting for you', async () => (await queueRow(queue, a.externalId).getByText('Waiting for you', { exact: true }).count()) > 0],
      ['queue: B resolved', async () => (await queueRow(queue, b.externalId).getByText('Resolved', { exact: true }).count()) > 0],
      ['queue: new ticket D listed', async () => (await queueRow(queue, c.externalId).count()) === 1],
      ['ticket page: the Seller question', async () => (await ticketPage.getByText('Offline: which rack holds the router?').count()) > 0],
      ['ticket page: waiting for you', async () => (await ticketPage.getByRole('heading', { level: 1 }).filter({ hasText: 'Waiting for you' }).count()) > 0],
      ['work orders: new work order needing an appointment', async () => (await workOrders.getByTestId('appointments-needed').locator(`[data-work-order="${workOrderId}"]`).count()) === 1],
    ];
    const missing: string[] = [];
    const deadline = Date.now() + BOUND_MS;
    for (const [what, check] of checks) if (!(await within(Math.max(0, deadline - Date.now()), check))) missing.push(what);
    summary.offline = `${missing.length} of ${checks.length} changes missing after going back online`;
    console.log(`[live-updates e2e] offline: ${summary.offline}${missing.length ? `: ${missing.join('; ')}` : ''}`);
    expect(missing).toEqual([]);
    for (const p of [queue, ticketPage, workOrders]) expect(await stillSameDocument(p, 'offline')).toBe(true);
    await context.close();
  });
});
