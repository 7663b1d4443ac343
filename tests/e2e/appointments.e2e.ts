import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';
import { sellersFileEntries } from '../../lib/sync/sandbox-discovery';

dayjs.extend(utc);
dayjs.extend(timezone);

const NY = 'America/New_York';
const PRODUCT = 'globex-prod-access-101';

interface Discovered {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site: { id: string; name: string; timeZone: string; address: Record<string, string> } }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let page: Page;
let globex: Discovered;
/** How each Seller-side change reached the screen: 'live' (notification, no click) or 'refresh' (button). */
const arrivals: Record<string, 'live' | 'refresh'> = {};

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] };
  globex = discovery.sellers.find((s) => s.slug === 'globex')!;
  const dir = tempDir('appointments-e2e-');
  const sellersFile = path.join(dir, 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(discovery.sellers)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Europe/Paris' });
  page = await context.newPage();
  await signIn(page, portal.baseUrl, DEMO_LOGINS.coordinator);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
  console.log(`[appointments e2e] how Seller-side changes reached the screen: ${JSON.stringify(arrivals)}`);
});

async function mef(api: 'troubleTicket' | 'appointment' | 'workOrder', method: string, p: string, body?: unknown): Promise<any> {
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
  const res = await fetch(`${sandbox.url}/_sandbox/globex${p}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A Globex ticket whose work order the Seller marks as needing a technician appointment. */
async function ticketNeedingVisit(): Promise<{ ticketId: string; workOrderId: string }> {
  const ticket = await mef('troubleTicket', 'POST', '/troubleTicket', {
    description: 'Access circuit down at the New York office',
    observedImpact: 'down',
    priority: 'high',
    severity: 'significant',
    ticketType: 'assistance',
    externalId: `NOC-E2E-${Date.now()}`,
    relatedContactInformation: [{ name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
    relatedEntity: [{ '@referredType': 'Product', id: PRODUCT, role: 'affectedProduct' }],
  });
  const wo = await control('POST', `/tickets/${ticket.id}/work-orders`, { appointmentRequired: true, task: ['Replace the access NTU'] });
  return { ticketId: ticket.id, workOrderId: wo.id };
}

/** Waits for `check` to pass on reloads (the page polls the cache), else clicks "Refresh from Sellers"/"Refresh" once. */
async function arrives(label: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    if (await check()) {
      arrivals[label] = 'live';
      return;
    }
    await page.waitForTimeout(1_000);
  }
  await page.getByRole('button', { name: /^Refresh( from Sellers)?$/ }).first().click();
  await page.waitForTimeout(2_000);
  await page.reload();
  expect(await check(), label).toBe(true);
  arrivals[label] = 'refresh';
}

function cachedTicketStatus(ticketId: string): string | null {
  const db = new Database(portal.dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select status from tickets where seller_ticket_id = ?').get(ticketId) as { status: string } | undefined;
    return row?.status ?? null;
  } finally {
    db.close();
  }
}

/** Monday of a week at least seven days ahead in New York, and the Wednesday of the same week. */
function visitWeek(): { monday: string; wednesday: string } {
  let day = dayjs().tz(NY).add(7, 'day').startOf('day');
  while (day.day() !== 1) day = day.add(1, 'day');
  return { monday: day.format('YYYY-MM-DD'), wednesday: day.add(2, 'day').format('YYYY-MM-DD') };
}
const { monday, wednesday } = visitWeek();

async function addWindow(day: string, from: string, to: string) {
  const form = page.getByRole('form', { name: 'Add a window' });
  await form.getByLabel('Day (site time)').fill(day);
  await form.getByLabel('From').fill(from);
  await form.getByLabel('To').fill(to);
  await form.getByRole('button', { name: 'Add window' }).click();
}

async function searchAndPickFirst(): Promise<string> {
  await page.getByRole('button', { name: 'Search available slots' }).click();
  const slots = page.getByRole('region', { name: 'Available slots' }).getByRole('button');
  await slots.first().waitFor({ timeout: 20_000 });
  const label = (await slots.first().innerText()).trim();
  await slots.first().click();
  return label;
}

/** The status the calendar shows for an appointment in its agenda (the next 30 days), or null when absent. */
async function calendarStatus(appointmentId: string): Promise<string | null> {
  await page.goto(`${portal.baseUrl}/appointments`);
  // Loaded data means the calendar has hydrated, so the view buttons work.
  await page.locator('[data-testid="appointments-calendar"][data-loaded="true"]').waitFor();
  await page.getByRole('button', { name: 'Agenda' }).click();
  await page.locator('.rbc-agenda-view').waitFor();
  const event = page.locator(`[data-testid="calendar-appointment"][data-appointment="${appointmentId}"]`);
  return (await event.count()) ? event.first().getAttribute('data-status') : null;
}

describe('a field coordinator books, moves and cancels technician visits', () => {
  let first: { ticketId: string; workOrderId: string };
  let appointmentId = '';

  it('a work order the Seller marks as needing an appointment appears in "Appointments needed"', async () => {
    first = await ticketNeedingVisit();
    await page.goto(`${portal.baseUrl}/work-orders`);
    const queue = page.getByTestId('appointments-needed');
    await arrives('work order needs an appointment', async () => {
      await page.reload();
      return (await queue.locator(`[data-work-order="${first.workOrderId}"]`).count()) === 1;
    });
    await expect(queue.locator(`[data-work-order="${first.workOrderId}"]`).innerText()).resolves.toContain('New York office');
  });

  it('searches two windows on the calendar and books a slot; the work order, calendar and ticket follow', async () => {
    await page.getByTestId('appointments-needed').locator(`[data-work-order="${first.workOrderId}"]`).getByRole('link', { name: 'Find a slot' }).click();
    await page.waitForURL(`**/work-orders/globex/${first.workOrderId}/schedule`);
    // The user's zone is known once the page has hydrated in the browser.
    await page.getByTestId('zone-legend').filter({ hasText: /America\/New_York[\s\S]*Europe\/Paris/ }).waitFor();
    await addWindow(monday, '09:00', '13:00');
    await addWindow(wednesday, '13:00', '17:00');
    expect(await page.getByTestId('requested-windows').getByRole('listitem').count()).toBe(2);
    expect(await page.locator('.portal-calendar .rbc-background-event').count()).toBeGreaterThan(0);

    const slotLabel = await searchAndPickFirst();
    expect(slotLabel).toMatch(/^Mon .*09:00–11:00$/);
    expect(await page.locator('[data-testid="slot-event"]').count()).toBeGreaterThanOrEqual(2);
    const dialog = page.getByRole('dialog', { name: 'Book this appointment' });
    await expect(dialog.getByLabel('E-mail').first().inputValue()).resolves.toBe(DEMO_LOGINS.coordinator.email);
    await dialog.getByLabel('Note for the technician').fill('Ask for the facilities desk on floor 12');
    await dialog.getByRole('button', { name: 'Confirm booking' }).click();
    await page.waitForURL(/\/appointments\/globex\/[^/]+$/, { timeout: 20_000 });
    appointmentId = page.url().split('/').pop()!;
    await expect(page.getByTestId('appointment-status').innerText()).resolves.toBe('Scheduled');
    await expect(page.locator('body').innerText()).resolves.toContain('Ask for the facilities desk on floor 12');

    await page.goto(`${portal.baseUrl}/work-orders/globex/${first.workOrderId}`);
    await expect(page.getByTestId('work-order-summary').innerText()).resolves.toMatch(/Planned[\s\S]*No appointment needed/);
    expect(cachedTicketStatus(first.ticketId)).toBe('inProgress');
    expect((await mef('troubleTicket', 'GET', `/troubleTicket/${first.ticketId}`)).status).toBe('inProgress');

    expect(await calendarStatus(appointmentId)).toBe('confirmed');
  });

  it('reschedules it to another slot from a new search', async () => {
    await page.goto(`${portal.baseUrl}/appointments/globex/${appointmentId}`);
    await page.getByRole('link', { name: 'Reschedule' }).click();
    await page.waitForURL(`**/appointments/globex/${appointmentId}/reschedule`);
    await page.getByTestId('zone-legend').filter({ hasText: 'Europe/Paris' }).waitFor();
    await addWindow(wednesday, '13:00', '17:00');
    const slotLabel = await searchAndPickFirst();
    expect(slotLabel).toMatch(/^Wed .*13:00–15:00$/);
    await page.getByRole('dialog', { name: 'Move the appointment?' }).getByRole('button', { name: 'Move appointment' }).click();
    await page.waitForURL(`**/appointments/globex/${appointmentId}`, { timeout: 20_000 });
    await expect(page.getByTestId('appointment-summary').innerText()).resolves.toMatch(/Wed .*13:00–15:00 site time/);
    expect(await page.getByTestId('appointment-history').getByRole('listitem').count()).toBe(2);
    const seller = await mef('appointment', 'GET', `/appointment/${appointmentId}`);
    expect(dayjs(seller.validFor.startDateTime).tz(NY).format('ddd HH:mm')).toBe('Wed 13:00');
    expect(await calendarStatus(appointmentId)).toBe('confirmed');
  });

  it('books a second visit and cancels it with confirmation; the work order needs an appointment again', async () => {
    const second = await ticketNeedingVisit();
    await page.goto(`${portal.baseUrl}/work-orders`);
    await arrives('second work order needs an appointment', async () => {
      await page.reload();
      return (await page.getByTestId('appointments-needed').locator(`[data-work-order="${second.workOrderId}"]`).count()) === 1;
    });
    await page.goto(`${portal.baseUrl}/work-orders/globex/${second.workOrderId}/schedule`);
    await page.getByTestId('zone-legend').filter({ hasText: 'Europe/Paris' }).waitFor();
    await addWindow(monday, '09:00', '17:00');
    await searchAndPickFirst();
    await page.getByRole('dialog', { name: 'Book this appointment' }).getByRole('button', { name: 'Confirm booking' }).click();
    await page.waitForURL(/\/appointments\/globex\/[^/]+$/, { timeout: 20_000 });
    const secondId = page.url().split('/').pop()!;
    expect(cachedTicketStatus(second.ticketId)).toBe('inProgress');

    await page.getByTestId('appointment-summary').filter({ hasText: 'your time' }).waitFor();
    await page.getByRole('button', { name: 'Cancel appointment' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel this appointment?' });
    await confirm.getByRole('button', { name: 'Cancel appointment' }).click();
    await page.getByTestId('appointment-status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Cancel appointment' }).isDisabled()).toBe(true);
    expect(cachedTicketStatus(second.ticketId)).toBe('pending');
    await page.goto(`${portal.baseUrl}/work-orders`);
    expect(await page.getByTestId('appointments-needed').locator(`[data-work-order="${second.workOrderId}"]`).count()).toBe(1);
    expect(await calendarStatus(secondId)).toBe('cancelled');
    expect(await calendarStatus(appointmentId)).toBe('confirmed');
  });

  it('a completion by the Seller reaches the appointment page, the calendar and the ticket', async () => {
    await page.goto(`${portal.baseUrl}/appointments/globex/${appointmentId}`);
    await page.getByTestId('appointment-summary').filter({ hasText: 'your time' }).waitFor();
    await control('POST', `/appointments/${appointmentId}/start`);
    await control('POST', `/appointments/${appointmentId}/complete`, { note: 'NTU replaced, circuit up' });
    await arrives('appointment completed by the Seller', async () =>
      (await page.getByTestId('appointment-status').innerText().catch(() => '')) === 'Completed',
    );
    await expect(page.locator('body').innerText()).resolves.toMatch(/Completed/);
    expect(await calendarStatus(appointmentId)).toBe('completed');
    const deadline = Date.now() + 20_000;
    while (cachedTicketStatus(first.ticketId) !== 'resolved' && Date.now() < deadline) await page.waitForTimeout(500);
    if (cachedTicketStatus(first.ticketId) !== 'resolved') {
      await page.goto(`${portal.baseUrl}/work-orders/globex/${first.workOrderId}`);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(2_000);
    }
    expect(cachedTicketStatus(first.ticketId)).toBe('resolved');
  });
});
