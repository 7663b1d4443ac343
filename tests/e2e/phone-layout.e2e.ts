import fs from 'node:fs';
import path from 'node:path';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';
import { sellersFileEntries, type DiscoveredSeller } from '../../lib/sync/sandbox-discovery';

dayjs.extend(utc);
dayjs.extend(timezone);

const NY = 'America/New_York';
const PRODUCT = 'globex-prod-access-101';
/** An iPhone-sized screen held upright. */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, timezoneId: 'Europe/Paris' } as const;
/** The smallest valid PNG: one transparent pixel. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let globex: DiscoveredSeller;

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] };
  globex = discovery.sellers.find((s) => s.slug === 'globex')!;
  const sellersFile = path.join(tempDir('phone-e2e-'), 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(discovery.sellers)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  browser = await launchBrowser();
  context = await browser.newContext(PHONE);
  page = await context.newPage();
  await signIn(page, portal.baseUrl, DEMO_LOGINS.coordinator);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

async function mef(api: 'troubleTicket' | 'workOrder', method: string, p: string, body?: unknown): Promise<any> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: globex.clientId, client_secret: globex.clientSecret });
  const token = ((await (await fetch(globex.tokenUrl, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
  const res = await fetch(`${globex.baseUrls[api]}${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json;charset=utf-8' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function control(method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.url}/_sandbox${p}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Fails with the elements that stick out when the page scrolls sideways: the document, or the portal's scrolling
 * <main>, which would otherwise take the overflow without widening the document.
 */
async function expectNoSideScroll(step: string): Promise<void> {
  expect(await sideScroll(step)).toBeNull();
}

/** What sticks out sideways on the current page, or null when it fits. */
async function sideScroll(step: string): Promise<string | null> {
  const found = await page.evaluate(() => {
    const width = window.innerWidth;
    const main = document.getElementById('main');
    const fits = document.documentElement.scrollWidth <= width && (!main || main.scrollWidth <= main.clientWidth);
    const culprits = fits
      ? []
      : [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.overflow-x-auto'))
          .slice(-8)
          .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(' ').slice(0, 4).join('.')} (${Math.round(el.getBoundingClientRect().right)}px)`);
    return { fits, scrollWidth: Math.max(document.documentElement.scrollWidth, main?.scrollWidth ?? 0), width, culprits };
  });
  return found.fits ? null : `${step}: page is ${found.scrollWidth}px wide in a ${found.width}px screen; sticking out: ${found.culprits.join(', ')}`;
}

/** A Globex ticket whose work order needs a technician visit, once the portal has both. */
async function ticketNeedingVisit(): Promise<{ ticketId: string; workOrderId: string }> {
  const ticket = await mef('troubleTicket', 'POST', '/troubleTicket', {
    description: 'Access circuit down at the New York office',
    observedImpact: 'down',
    priority: 'high',
    severity: 'significant',
    ticketType: 'assistance',
    externalId: `NOC-PHONE-${Date.now()}`,
    relatedContactInformation: [{ name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
    relatedEntity: [{ '@referredType': 'Product', id: PRODUCT, role: 'affectedProduct' }],
  });
  const wo = await control('POST', `/globex/tickets/${ticket.id}/work-orders`, { appointmentRequired: true, task: ['Replace the access NTU'] });
  await page.goto(`${portal.baseUrl}/work-orders`);
  const row = page.getByTestId('appointments-needed').locator(`[data-work-order="${wo.id}"]`);
  // The Seller's notification brings the work order in; a refresh from the Sellers covers a lost one.
  await row.waitFor({ timeout: 20_000 }).catch(async () => {
    await page.getByRole('button', { name: /^Refresh( from Sellers)?$/ }).first().click();
    await page.reload();
    await row.waitFor({ timeout: 20_000 });
  });
  return { ticketId: ticket.id, workOrderId: wo.id };
}

/** Monday of a week at least seven days ahead in New York. */
function visitMonday(): string {
  let day = dayjs().tz(NY).add(7, 'day').startOf('day');
  while (day.day() !== 1) day = day.add(1, 'day');
  return day.format('YYYY-MM-DD');
}

async function addWindowAndSearch(day: string, from: string, to: string): Promise<string> {
  const form = page.getByRole('form', { name: 'Add a window' });
  await form.getByLabel('Day (site time)').fill(day);
  await form.getByLabel('From').fill(from);
  await form.getByLabel('To').fill(to);
  await form.getByRole('button', { name: 'Add window' }).tap();
  await page.getByTestId('requested-windows').getByRole('listitem').first().waitFor();
  await expectNoSideScroll('slot search with a window');
  await page.getByRole('button', { name: 'Search available slots' }).tap();
  const slots = page.getByRole('region', { name: 'Available slots' }).getByRole('button');
  await slots.first().waitFor({ timeout: 20_000 });
  await expectNoSideScroll('available slots');
  const label = (await slots.first().innerText()).trim();
  await slots.first().tap();
  return label;
}

/** Height of a control in CSS pixels: fingers need about 40. */
async function heightOf(locator: ReturnType<Page['getByRole']>): Promise<number> {
  return (await locator.boundingBox())!.height;
}

describe('a field coordinator on a 390 px phone', () => {
  let visit: { ticketId: string; workOrderId: string };
  let appointmentId = '';
  const monday = visitMonday();

  it('opens the navigation from the menu button, closes it with Escape, and leaves it by choosing a link', async () => {
    await page.goto(`${portal.baseUrl}/tickets`);
    await expectNoSideScroll('ticket queue');
    const menu = page.getByRole('button', { name: 'Menu', exact: true });
    const drawer = page.getByRole('dialog', { name: 'Navigation' });
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    const controls = await menu.getAttribute('aria-controls');
    expect(await page.locator(`[id="${controls}"]`).evaluate((el) => el.tagName)).toBe('DIALOG');
    expect(await heightOf(menu)).toBeGreaterThanOrEqual(40);

    await menu.tap();
    await drawer.waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect(await drawer.getAttribute('id')).toBe(controls);
    const links = drawer.getByRole('navigation', { name: 'Main' }).getByRole('link');
    expect((await links.allInnerTexts()).map((t) => t.trim())).toEqual(['Tickets', 'Incidents', 'Appointments', 'Work orders', 'Dashboard']);
    // Focus moves into the drawer, on the current page's link.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Tickets');
    await expectNoSideScroll('navigation open');

    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Menu');

    await menu.tap();
    await drawer.getByRole('link', { name: 'Work orders' }).tap();
    await page.waitForURL((url) => url.pathname === '/work-orders');
    await drawer.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await expectNoSideScroll('work orders');

    // Turned to a tablet's width with the drawer open: the sidebar is back and the page is not left inert.
    await menu.tap();
    await drawer.waitFor();
    await page.setViewportSize({ width: 1024, height: 844 });
    await page.waitForFunction(() => !document.querySelector('dialog[aria-label="Navigation"]')?.hasAttribute('open'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await page.waitForURL((url) => url.pathname === '/tickets');
    await page.setViewportSize(PHONE.viewport);
    await menu.waitFor();
  });

  it('finds a slot and confirms the booking without sideways scrolling', async () => {
    visit = await ticketNeedingVisit();
    await expectNoSideScroll('work orders with one needing a visit');
    const find = page.getByTestId('appointments-needed').locator(`[data-work-order="${visit.workOrderId}"]`).getByRole('link', { name: 'Find a slot' });
    expect(await heightOf(find)).toBeGreaterThanOrEqual(40);
    await find.tap();
    await page.waitForURL(`**/work-orders/globex/${visit.workOrderId}/schedule`);
    await page.getByTestId('zone-legend').filter({ hasText: 'Europe/Paris' }).waitFor();
    // One day at a time on a phone: no week grid to squeeze.
    expect(await page.locator('.portal-calendar .rbc-time-view .rbc-day-slot').count()).toBe(1);
    expect(await page.locator('.portal-calendar .rbc-toolbar').getByRole('button', { name: 'Week' }).count()).toBe(0);
    await expectNoSideScroll('slot search');

    const slot = await addWindowAndSearch(monday, '09:00', '13:00');
    expect(slot).toMatch(/^Mon .*09:00–11:00$/);
    const dialog = page.getByRole('dialog', { name: 'Book this appointment' });
    await dialog.waitFor();
    await expectNoSideScroll('booking dialog');
    const confirm = dialog.getByRole('button', { name: 'Confirm booking' });
    expect(await heightOf(confirm)).toBeGreaterThanOrEqual(40);
    await dialog.getByLabel('Note for the technician').fill('Ring the loading bay');
    await confirm.tap();
    await page.waitForURL(/\/appointments\/globex\/[^/]+$/, { timeout: 20_000 });
    appointmentId = page.url().split('/').pop()!;
    await expect(page.getByTestId('appointment-status').innerText()).resolves.toBe('Scheduled');
    await expectNoSideScroll('booked appointment');
  });

  it('reschedules it', async () => {
    await page.getByRole('link', { name: 'Reschedule' }).tap();
    await page.waitForURL(`**/appointments/globex/${appointmentId}/reschedule`);
    await page.getByTestId('zone-legend').filter({ hasText: 'Europe/Paris' }).waitFor();
    await expectNoSideScroll('reschedule');
    const slot = await addWindowAndSearch(dayjs(monday).add(2, 'day').format('YYYY-MM-DD'), '13:00', '17:00');
    expect(slot).toMatch(/^Wed .*13:00–15:00$/);
    const move = page.getByRole('dialog', { name: 'Move the appointment?' });
    await move.waitFor();
    await expectNoSideScroll('reschedule confirmation');
    await move.getByRole('button', { name: 'Move appointment' }).tap();
    await page.waitForURL(`**/appointments/globex/${appointmentId}`, { timeout: 20_000 });
    await page.getByTestId('appointment-summary').filter({ hasText: /Wed .*13:00–15:00 site time/ }).waitFor();
    await expectNoSideScroll('rescheduled appointment');
  });

  it('shows the appointments as a list on the calendar page', async () => {
    await page.goto(`${portal.baseUrl}/appointments`);
    await page.locator('[data-testid="appointments-calendar"][data-loaded="true"]').waitFor();
    await page.locator('.portal-calendar .rbc-agenda-view').waitFor();
    await page.locator(`[data-testid="calendar-appointment"][data-appointment="${appointmentId}"]`).first().waitFor();
    expect(await page.locator('.portal-calendar .rbc-toolbar').getByRole('button', { name: 'Month' }).count()).toBe(0);
    await expectNoSideScroll('appointments calendar');
  });

  it('cancels it', async () => {
    await page.goto(`${portal.baseUrl}/appointments/globex/${appointmentId}`);
    await page.getByTestId('appointment-summary').filter({ hasText: 'your time' }).waitFor();
    await page.getByRole('button', { name: 'Cancel appointment' }).tap();
    const confirm = page.getByRole('dialog', { name: 'Cancel this appointment?' });
    await confirm.waitFor();
    await expectNoSideScroll('cancel confirmation');
    await confirm.getByRole('button', { name: 'Cancel appointment' }).tap();
    await page.getByTestId('appointment-status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: 20_000 });
    await expectNoSideScroll('cancelled appointment');
  });

  it('adds a note with a photo to the work order’s ticket, and both appear on the ticket', async () => {
    await page.goto(`${portal.baseUrl}/work-orders/globex/${visit.workOrderId}`);
    const form = page.getByRole('form', { name: 'Add to the ticket' });
    await expectNoSideScroll('work order');
    const file = form.getByLabel(/^Photos/);
    expect(await file.getAttribute('accept')).toBe('image/*');
    expect(await file.getAttribute('capture')).toBe('environment');
    const submit = form.getByRole('button', { name: 'Add to the ticket' });
    expect(await submit.isDisabled()).toBe(true);

    await form.getByLabel(/^Note for ticket/).fill('NTU replaced; photo of the cabinet attached');
    await file.setInputFiles({ name: 'cabinet.png', mimeType: 'image/png', buffer: PHOTO });
    await form.getByRole('list', { name: 'Chosen photos' }).getByText(/ready$/).waitFor();
    await expectNoSideScroll('note with a photo');
    await submit.tap();
    await form.getByRole('alert').or(form.getByRole('status')).filter({ hasText: /Added to ticket/ }).waitFor({ timeout: 20_000 });
    expect(await form.getByLabel(/^Note for ticket/).inputValue()).toBe('');

    const atSeller = await mef('troubleTicket', 'GET', `/troubleTicket/${visit.ticketId}`);
    expect(atSeller.note.map((n: { text: string }) => n.text)).toContain('NTU replaced; photo of the cabinet attached');
    expect(atSeller.attachment.map((a: { name: string; mimeType: string }) => [a.name, a.mimeType])).toContainEqual(['cabinet.png', 'image/png']);

    await page.goto(`${portal.baseUrl}/tickets/globex/${visit.ticketId}`);
    const timeline = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Timeline' }) });
    await timeline.getByText('NTU replaced; photo of the cabinet attached').waitFor();
    await timeline.getByRole('link', { name: /cabinet\.png/ }).waitFor();
    await expectNoSideScroll('ticket with the note and photo');
  });

  it('a bad path: an empty note with no photo cannot be sent', async () => {
    await page.goto(`${portal.baseUrl}/work-orders/globex/${visit.workOrderId}`);
    const form = page.getByRole('form', { name: 'Add to the ticket' });
    await form.getByLabel(/^Note for ticket/).fill('   ');
    expect(await form.getByRole('button', { name: 'Add to the ticket' }).isDisabled()).toBe(true);
  });

  it('every main page fits the screen', async () => {
    const incident = await control('POST', '/globex/incidents', {
      description: 'Fibre cut on the Hudson span affecting several access circuits in lower Manhattan',
      productIds: [PRODUCT],
      impact: 'down',
      incidentType: 'repair',
      priority: 'high',
      severity: 'extensive',
    });
    const pages: Array<[string, string]> = [
      ['ticket queue', '/tickets'],
      ['ticket page', `/tickets/globex/${visit.ticketId}`],
      ['incidents', '/incidents'],
      ['incident page', `/incidents/globex/${incident.id}`],
      ['work orders', '/work-orders'],
      ['work order page', `/work-orders/globex/${visit.workOrderId}`],
      ['appointments', '/appointments'],
      ['appointment page', `/appointments/globex/${appointmentId}`],
      ['dashboard', '/dashboard'],
    ];
    const overflowing: string[] = [];
    for (const [name, href] of pages) {
      await page.goto(`${portal.baseUrl}${href}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const problem = await sideScroll(name);
      if (problem) overflowing.push(problem);
    }
    expect(overflowing).toEqual([]);
  });
});

describe('an administrator on a 390 px phone', () => {
  it('reads service levels, the audit trail and every settings page without sideways scrolling', async () => {
    const admin = await (await browser.newContext(PHONE)).newPage();
    await signIn(admin, portal.baseUrl, DEMO_LOGINS.admin);
    page = admin;
    await page.getByRole('button', { name: 'Menu', exact: true }).tap();
    const drawer = page.getByRole('dialog', { name: 'Navigation' });
    expect((await drawer.getByRole('link').allInnerTexts()).map((t) => t.trim())).toContain('Settings');
    await drawer.getByRole('link', { name: 'Settings' }).tap();
    await page.waitForURL((url) => url.pathname.startsWith('/settings'));
    const overflowing: string[] = [];
    for (const href of [
      '/service-levels',
      '/audit',
      '/settings',
      '/settings/sellers',
      '/settings/sellers/globex',
      '/settings/products',
      '/settings/products/new',
      '/settings/sla',
      '/settings/sla/agreements/new',
      '/settings/users',
      '/settings/notifications',
      '/tickets/new',
    ]) {
      await page.goto(`${portal.baseUrl}${href}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const problem = await sideScroll(href);
      if (problem) overflowing.push(problem);
    }
    expect(overflowing).toEqual([]);
  });
});
