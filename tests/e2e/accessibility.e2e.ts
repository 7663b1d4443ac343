import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '@/db/schema';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import type { Theme } from '@/components/layout/theme';
import { THEME_COOKIE } from '@/components/layout/theme';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';
import { sellersFileEntries } from '../../lib/sync/sandbox-discovery';

/**
 * WCAG 2.1 A and AA in the running portal: axe-core scans every page each role may open, in the light and the dark
 * theme, with the Seller data that fills them (a resolved ticket, a work order that needs a visit, an incident).
 */

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const THEMES: Theme[] = ['light', 'dark'];

interface Discovered {
  slug: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string }>;
}

interface Violation {
  page: string;
  theme: Theme;
  rule: string;
  impact: string | null;
  target: string;
  summary: string;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let sellers: Discovered[];
const fixtures = { ticketPath: '', incidentPath: '', workOrderPath: '', appointmentPath: '', month: '' };

async function control<T = unknown>(method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function mef(slug: string, method: string, p: string, body?: unknown): Promise<any> {
  const seller = sellers.find((s) => s.slug === slug)!;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: seller.clientId, client_secret: seller.clientSecret });
  const token = ((await (await fetch(seller.tokenUrl, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
  const res = await fetch(`${seller.baseUrls.troubleTicket}${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json;charset=utf-8' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function portalCount(sql: string, ...params: unknown[]): number {
  const db = new Database(portal.dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  const sellersFile = path.join(tempDir('accessibility-e2e-'), 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(sellers as never)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  await until('hubs registered at the Sellers', () =>
    portalCount("select count(*) as n from notification_hubs where state = 'registered' and api = 'troubleTicket'") === sellers.length,
  );

  // A Globex ticket the Seller has resolved, and another with a work order that needs a technician visit.
  const product = sellers.find((s) => s.slug === 'globex')!.products[0]!.id;
  const openTicket = (description: string) =>
    mef('globex', 'POST', '/troubleTicket', {
      description,
      observedImpact: 'down',
      priority: 'high',
      severity: 'significant',
      ticketType: 'assistance',
      externalId: `NOC-A11Y-${Date.now()}-${description.length}`,
      relatedContactInformation: [{ name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
      relatedEntity: [{ '@referredType': 'Product', id: product, role: 'affectedProduct' }],
    });
  const ticket = await openTicket('Access circuit down at the head office');
  await control('POST', `/globex/tickets/${ticket.id}/resolve`, { text: 'Replaced the line card' });
  const visited = await openTicket('Access circuit flapping at the branch office');
  const workOrder = await control<{ id: string }>('POST', `/globex/tickets/${visited.id}/work-orders`, { appointmentRequired: true, task: ['Replace the access NTU'] });
  const booked = await openTicket('Access circuit down at the depot');
  const bookedOrder = await control<{ id: string }>('POST', `/globex/tickets/${booked.id}/work-orders`, { appointmentRequired: true, task: ['Replace the access NTU'] });
  const incident = await control<{ id: string }>('POST', '/acme/incidents', {
    description: 'Fibre cut between two exchanges',
    productIds: [sellers.find((s) => s.slug === 'acme')!.products[0]!.id],
    impact: 'down',
    incidentType: 'repair',
    priority: 'critical',
    severity: 'extensive',
  });
  await until('the ticket, work order and incident in the portal', () =>
    portalCount("select count(*) as n from tickets where seller_ticket_id = ? and status = 'resolved'", ticket.id) === 1 &&
    portalCount('select count(*) as n from work_orders where seller_resource_id in (?, ?)', workOrder.id, bookedOrder.id) === 2 &&
    portalCount('select count(*) as n from incidents where seller_resource_id = ?', incident.id) === 1,
  );
  fixtures.ticketPath = `/tickets/globex/${encodeURIComponent(ticket.id)}`;
  fixtures.workOrderPath = `/work-orders/globex/${encodeURIComponent(workOrder.id)}`;
  fixtures.incidentPath = `/incidents/acme/${encodeURIComponent(incident.id)}`;
  fixtures.month = new Date().toISOString().slice(0, 7);
  browser = await launchBrowser();

  // A booked visit, so the calendar and an appointment page show one.
  const page = await newPage('light');
  await signIn(page, portal.baseUrl, DEMO_LOGINS.coordinator);
  await page.goto(`${portal.baseUrl}/work-orders/globex/${encodeURIComponent(bookedOrder.id)}/schedule`);
  await page.locator('.portal-calendar .rbc-time-content[tabindex]').waitFor();
  await searchSlots(page);
  await page.getByRole('region', { name: 'Available slots' }).getByRole('button').first().click();
  await page.getByRole('dialog', { name: 'Book this appointment' }).getByRole('button', { name: 'Confirm booking' }).click();
  await page.waitForURL(/\/appointments\/globex\/[^/]+$/, { timeout: 20_000 });
  fixtures.appointmentPath = new URL(page.url()).pathname;
  await page.context().close();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

/** Asks for next week's slots in the slot finder and waits for them on the calendar. */
async function searchSlots(page: Page): Promise<void> {
  await page.getByRole('group', { name: 'Quick picks' }).getByRole('button', { name: /^All of next week/ }).click();
  await page.getByRole('button', { name: 'Search available slots' }).click();
  await page.locator('[data-testid="slot-event"]').first().waitFor({ timeout: 20_000 });
}

interface Target {
  path: string;
  /** What shows that the page's client parts have rendered. */
  ready?: string;
  /** Calendar views to switch to (toolbar buttons), each scanned too. */
  views?: string[];
  /** States reached on the page (a dialog open, search results shown), each scanned too. */
  states?: Array<{ name: string; reach: (page: Page) => Promise<void> }>;
}

function pagesFor(role: Role): Target[] {
  const writesTickets = role === 'noc' || role === 'admin';
  const books = role === 'coordinator' || role === 'admin';
  const readsSla = role === 'manager' || role === 'admin';
  const pages: Target[] = [
    {
      path: '/tickets',
      ready: '[data-testid="ticket-row"]',
      states: [
        {
          name: 'keyboard shortcuts',
          reach: async (page) => {
            const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
            await expect
              .poll(async () => {
                await page.keyboard.press('?');
                return sheet.isVisible();
              })
              .toBe(true);
          },
        },
        ...(writesTickets
          ? [
              {
                name: 'a bulk note being confirmed',
                reach: async (page: Page) => {
                  await page.keyboard.press('Escape');
                  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });
                  await page.getByTestId('select-page').check();
                  await page.keyboard.press('n');
                  await page.getByRole('dialog').getByTestId('bulk-summary').waitFor();
                },
              },
            ]
          : []),
      ],
    },
    {
      path: fixtures.ticketPath,
      ready: '[data-testid="external-id"]',
      states: writesTickets
        ? [
            {
              name: 'rejecting the resolution',
              reach: async (page) => {
                const reject = page.getByRole('button', { name: 'Reject resolution (reopen)' });
                await expect.poll(() => reject.isEnabled()).toBe(true);
                await reject.click();
                await page.getByRole('dialog', { name: 'Reject the resolution' }).getByRole('button', { name: 'Reopen ticket' }).waitFor();
              },
            },
          ]
        : [],
    },
    ...(writesTickets ? [{ path: '/tickets/new' }, { path: '/settings/templates' }, { path: '/settings/templates/new' }] : []),
    { path: '/incidents', ready: '[data-testid="incident-row"]' },
    { path: fixtures.incidentPath },
    { path: '/work-orders', ready: '[data-testid="appointments-needed"]' },
    { path: fixtures.workOrderPath, ready: '[data-testid="work-order-summary"]' },
    { path: '/appointments', ready: '[data-testid="appointments-calendar"][data-loaded="true"] .rbc-time-content[tabindex]', views: ['Month', 'Day', 'Agenda'] },
    { path: fixtures.appointmentPath, ready: '[data-testid="appointment-status"]' },
    { path: '/tickets/contacts' },
    { path: `/leave?to=${encodeURIComponent('https://status.example.net/incidents/42')}` },
    ...(books
      ? [
          { path: `${fixtures.appointmentPath}/reschedule`, ready: '.portal-calendar .rbc-time-content[tabindex]' },
          {
            path: `${fixtures.workOrderPath}/schedule`,
            ready: '.portal-calendar .rbc-time-content[tabindex]',
            views: ['Day', 'Agenda'],
            states: [
              {
                name: 'slots found',
                reach: async (page: Page) => {
                  await page.locator('.rbc-toolbar').getByRole('button', { name: 'Week', exact: true }).click();
                  await searchSlots(page);
                },
              },
              {
                name: 'booking a slot',
                reach: async (page: Page) => {
                  await page.getByRole('region', { name: 'Available slots' }).getByRole('button').first().click();
                  await page.getByRole('dialog', { name: 'Book this appointment' }).getByRole('button', { name: 'Confirm booking' }).waitFor();
                },
              },
            ],
          },
        ]
      : []),
    { path: '/dashboard', ready: '[data-chart] .recharts-surface' },
    ...(readsSla
      ? [
          { path: `/service-levels?month=${fixtures.month}` },
          { path: `/service-levels/evidence?seller=globex&month=${fixtures.month}` },
          { path: '/audit' },
        ]
      : []),
    ...(role === 'admin'
      ? [
          { path: '/settings' },
          { path: '/settings/sellers' },
          { path: '/settings/sellers/acme' },
          { path: '/settings/sellers/new' },
          { path: '/settings/notifications' },
          { path: '/settings/products' },
          { path: '/settings/products/new' },
          { path: '/settings/products/import' },
          { path: `/settings/products/${portalCount('select min(id) as n from products')}` },
          { path: '/settings/users' },
          { path: '/settings/sla' },
          { path: '/settings/sla/agreements/new' },
          { path: '/settings/sla/calendars/new' },
        ]
      : []),
    { path: role === 'admin' ? '/forbidden?need=tickets.write' : '/forbidden?need=settings.view' },
    { path: '/no-such-page' },
  ];
  return pages;
}

async function newPage(theme: Theme): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.addCookies([{ name: THEME_COOKIE, value: theme, url: portal.baseUrl }]);
  return context.newPage();
}

async function scan(page: Page, target: Target, theme: Theme): Promise<Violation[]> {
  await page.goto(`${portal.baseUrl}${target.path}`, { waitUntil: 'load' });
  // Portal pages are scanned once hydrated and connected to the live feed, as they are used.
  if (await page.locator('[data-live-status]').count()) await page.locator('[data-live-status="live"]').waitFor({ timeout: 30_000 });
  if (target.ready) await page.locator(target.ready).first().waitFor({ timeout: 30_000 });
  expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(theme === 'dark');
  const found = await audit(page, target.path, theme);
  for (const view of target.views ?? []) {
    await page.locator('.rbc-toolbar').getByRole('button', { name: view, exact: true }).click();
    await page.locator(`.rbc-toolbar button.rbc-active`).filter({ hasText: view }).waitFor();
    found.push(...(await audit(page, `${target.path} (${view})`, theme)));
  }
  for (const state of target.states ?? []) {
    await state.reach(page);
    found.push(...(await audit(page, `${target.path} (${state.name})`, theme)));
  }
  return found;
}

async function audit(page: Page, where: string, theme: Theme): Promise<Violation[]> {
  // Evaluated rather than added as a script tag: the pages' CSP admits only scripts with the request's nonce.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    async (tags) => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<any> } }).axe;
      const result = await axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        // WCAG 2.5.3 (Label in Name) is an A criterion that axe checks only when asked.
        rules: { 'label-content-name-mismatch': { enabled: true } },
        resultTypes: ['violations'],
      });
      return (result.violations as Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[]; failureSummary?: string }> }>).flatMap((v) =>
        v.nodes.map((n) => ({ rule: v.id, impact: v.impact, target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ') })),
      );
    },
    WCAG_TAGS,
  );
  return violations.map((v) => ({ ...v, page: where, theme }));
}

function report(violations: Violation[]): string {
  return violations.map((v) => `${v.theme} ${v.page}: ${v.rule} (${v.impact}) at ${v.target}: ${v.summary}`).join('\n');
}

describe('no WCAG 2.1 A/AA violation axe-core can find', () => {
  for (const theme of THEMES) {
    it(`the sign-in page, ${theme} theme`, async () => {
      const page = await newPage(theme);
      const found = await scan(page, { path: '/login' }, theme);
      await page.context().close();
      expect(found, report(found)).toEqual([]);
    });
  }

  for (const role of Object.keys(DEMO_LOGINS) as Role[]) {
    for (const theme of THEMES) {
      it(`every page a ${ROLE_LABELS[role]} may open, ${theme} theme`, { timeout: 600_000 }, async () => {
        const page = await newPage(theme);
        await signIn(page, portal.baseUrl, DEMO_LOGINS[role]);
        const found: Violation[] = [];
        for (const target of pagesFor(role)) found.push(...(await scan(page, target, theme)));
        await page.context().close();
        expect(found, report(found)).toEqual([]);
      });
    }
  }
});
