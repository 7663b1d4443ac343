import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEMO_LOGINS, launchBrowser, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';
import { sellersFileEntries } from '../../lib/sync/sandbox-discovery';

/**
 * The main flows with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows, Escape; no pointer): sign in, create
 * a ticket, update it, reject a resolution then accept the next, book a technician visit. Every control reached shows
 * a focus ring; dialogs keep Tab inside and give focus back to what opened them.
 */

interface Discovered {
  slug: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let sellers: Discovered[];
const RUN = `kb${Date.now().toString(36)}`;

async function control<T = any>(method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function sellerTicket(slug: string, id: string) {
  const all = await control<Array<{ id: string; status: string; severity: string; note?: { text: string }[] }>>('GET', `/${slug}/tickets`);
  return all.find((t) => t.id === id)!;
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
  const sellersFile = path.join(tempDir('keyboard-e2e-'), 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(sellers as never)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  await until('hubs registered at the Sellers', () =>
    portalCount("select count(*) as n from notification_hubs where state = 'registered' and api = 'troubleTicket'") === sellers.length,
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Europe/Paris' });
  return context.newPage();
}

function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement).catch(() => false);
}

/** Whether the focused element draws a ring (outline or box shadow) that sets it apart. */
function focusRing(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) return `outline ${style.outlineWidth} ${style.outlineStyle}`;
    if (style.boxShadow && style.boxShadow !== 'none') return `box-shadow ${style.boxShadow}`;
    return null;
  });
}

/** Presses Tab (or Shift+Tab) until `target` has the focus, then checks its focus ring. */
async function tabTo(page: Page, target: Locator, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (opts.max ?? 120); i++) {
    if (await isFocused(target)) {
      expect(await focusRing(page), `focus ring on ${target.toString()}`).not.toBeNull();
      return;
    }
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

/** With a <select> focused, moves through its options with the arrow keys until `value` is chosen. */
async function arrowToOption(page: Page, select: Locator, value: string): Promise<void> {
  expect(await isFocused(select)).toBe(true);
  const values = await select.evaluate((el) => Array.from((el as HTMLSelectElement).options).map((o) => o.value));
  expect(values).toContain(value);
  const key = values.indexOf(value) >= values.indexOf(await select.inputValue()) ? 'ArrowDown' : 'ArrowUp';
  for (let i = 0; i < values.length && (await select.inputValue()) !== value; i++) await page.keyboard.press(key);
  expect(await select.inputValue()).toBe(value);
}

async function signInWithKeyboard(page: Page, login: { email: string; password: string }): Promise<void> {
  await page.goto(`${portal.baseUrl}/login`);
  await tabTo(page, page.getByLabel('E-mail'));
  await page.keyboard.type(login.email);
  await page.keyboard.press('Tab');
  expect(await isFocused(page.getByLabel('Password'))).toBe(true);
  await page.keyboard.type(login.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 });
}

/** Tab never leaves the open dialog, whichever way and however far it goes. */
async function expectFocusTrapped(page: Page, dialog: Locator): Promise<void> {
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `${key} ×${i + 1} stays in the dialog`).toBe(true);
    }
  }
}

describe('the main flows with the keyboard alone', () => {
  let ticket: { path: string; sellerTicketId: string };

  it('a NOC operator creates a ticket, updates it, rejects a resolution and accepts the next', async () => {
    const acme = sellers.find((s) => s.slug === 'acme')!;
    const page = await newPage();
    await signInWithKeyboard(page, DEMO_LOGINS.noc);

    // Create (MEF 113 UC1).
    await tabTo(page, page.getByRole('link', { name: 'New ticket' }));
    await page.keyboard.press('Enter');
    await page.waitForURL('**/tickets/new');
    const form = page.getByRole('form', { name: 'New trouble ticket' });
    await expect.poll(() => form.getByLabel(/^Contact Email Address/).inputValue()).toBe(DEMO_LOGINS.noc.email);
    await tabTo(page, form.getByRole('combobox', { name: 'Seller' }));
    await arrowToOption(page, form.getByRole('combobox', { name: 'Seller' }), 'acme');
    const product = form.getByRole('combobox', { name: 'Product Identifier' });
    await expect.poll(() => product.isEnabled()).toBe(true);
    await tabTo(page, product);
    await arrowToOption(page, product, acme.products[0]!.id);
    await tabTo(page, form.getByLabel(/^Description/));
    await page.keyboard.type(`${RUN} packet loss on the uplink`);
    for (const [label, value] of [
      ['Severity', 'significant'],
      ['Priority', 'high'],
      ['Observed Impact', 'degraded'],
      ['Type', 'maintenance'],
    ] as const) {
      const select = form.getByRole('combobox', { name: label, exact: true });
      await tabTo(page, select);
      await arrowToOption(page, select, value);
    }
    await tabTo(page, form.getByRole('button', { name: 'Create ticket' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tickets\/acme\/[^/]+$/, { timeout: 30_000 });
    ticket = { path: new URL(page.url()).pathname, sellerTicketId: decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!) };
    expect((await sellerTicket('acme', ticket.sellerTicketId)).status).toBeTruthy();

    // Update (UC4): a note, sent with Space on the button.
    const update = page.getByRole('form', { name: 'Update the ticket' });
    await tabTo(page, update.getByLabel(/^Note/));
    await page.keyboard.type('Loss above 5% since 07:00');
    await tabTo(page, update.getByRole('button', { name: 'Send update' }));
    await page.keyboard.press('Space');
    await until('the note at the Seller', async () =>
      ((await sellerTicket('acme', ticket.sellerTicketId)).note ?? []).some((n) => n.text === 'Loss above 5% since 07:00'),
    );

    // Reject the resolution (UC6): the dialog holds the focus, Escape gives it back, then the reason is sent.
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/resolve`, { text: 'Replaced the line card' });
    const reject = page.getByRole('button', { name: 'Reject resolution (reopen)' });
    await expect.poll(() => reject.isEnabled(), { timeout: 30_000 }).toBe(true);
    await tabTo(page, reject, { back: true });
    await page.keyboard.press('Enter');
    const rejectDialog = page.getByRole('dialog', { name: 'Reject the resolution' });
    await rejectDialog.waitFor();
    await expectFocusTrapped(page, rejectDialog);
    await page.keyboard.press('Escape');
    await rejectDialog.waitFor({ state: 'hidden' });
    expect(await isFocused(reject), 'focus back on the button that opened the dialog').toBe(true);
    await page.keyboard.press('Space');
    await rejectDialog.waitFor();
    await tabTo(page, rejectDialog.getByLabel(/^Closure Rejection Reason/));
    await page.keyboard.type('Still losing packets at peak hours');
    await tabTo(page, rejectDialog.getByRole('button', { name: 'Reopen ticket' }));
    await page.keyboard.press('Enter');
    await until('the ticket reopened at the Seller', async () => (await sellerTicket('acme', ticket.sellerTicketId)).status !== 'resolved');

    // Accept the next resolution: the confirmation's default button takes Enter.
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/resolve`, { text: 'Replaced the optics too' });
    const accept = page.getByRole('button', { name: 'Accept resolution (close)' });
    await expect.poll(() => accept.isEnabled(), { timeout: 30_000 }).toBe(true);
    await tabTo(page, accept, { back: true });
    await page.keyboard.press('Enter');
    const acceptDialog = page.getByRole('dialog', { name: 'Accept the resolution?' });
    await acceptDialog.waitFor();
    expect(await isFocused(acceptDialog.getByRole('button', { name: 'Accept and close' }))).toBe(true);
    expect(await focusRing(page)).not.toBeNull();
    await page.keyboard.press('Enter');
    await until('the ticket closed at the Seller', async () => (await sellerTicket('acme', ticket.sellerTicketId)).status === 'closed');
    await page.context().close();
  });

  it('a field coordinator books a technician visit', async () => {
    const globex = sellers.find((s) => s.slug === 'globex')!;
    // A ticket the Buyer opened at the Seller, whose work order needs a technician visit.
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: globex.clientId, client_secret: globex.clientSecret });
    const token = ((await (await fetch(globex.tokenUrl, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
    const opened = await fetch(`${globex.baseUrls.troubleTicket}/troubleTicket`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json;charset=utf-8' },
      body: JSON.stringify({
        description: `${RUN} access circuit down`,
        observedImpact: 'down',
        priority: 'high',
        severity: 'significant',
        ticketType: 'assistance',
        externalId: `NOC-KB-${Date.now()}`,
        relatedContactInformation: [{ name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
        relatedEntity: [{ '@referredType': 'Product', id: globex.products[0]!.id, role: 'affectedProduct' }],
      }),
    });
    expect(opened.ok, await opened.clone().text()).toBe(true);
    const sellerTicketId = ((await opened.json()) as { id: string }).id;
    const workOrder = await control<{ id: string }>('POST', `/globex/tickets/${sellerTicketId}/work-orders`, { appointmentRequired: true, task: ['Replace the access NTU'] });
    await until('the work order in the portal', () => portalCount('select count(*) as n from work_orders where seller_resource_id = ? and appointment_required = 1', workOrder.id) === 1);

    const page = await newPage();
    await signInWithKeyboard(page, DEMO_LOGINS.coordinator);
    await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Work orders' }));
    await page.keyboard.press('Enter');
    await page.waitForURL('**/work-orders');
    await tabTo(page, page.getByTestId('appointments-needed').locator(`[data-work-order="${workOrder.id}"]`).getByRole('link', { name: 'Find a slot' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/work-orders/globex/${workOrder.id}/schedule`);
    await page.getByTestId('zone-legend').filter({ hasText: 'Europe/Paris' }).waitFor();

    await tabTo(page, page.getByRole('group', { name: 'Quick picks' }).getByRole('button', { name: /^All of next week/ }));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('requested-windows').getByRole('listitem').count()).toBe(5);
    await tabTo(page, page.getByRole('button', { name: 'Search available slots' }));
    await page.keyboard.press('Enter');
    const slots = page.getByRole('region', { name: 'Available slots' }).getByRole('button');
    await slots.first().waitFor({ timeout: 20_000 });
    await tabTo(page, slots.first());
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Book this appointment' });
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await expectFocusTrapped(page, dialog);
    await tabTo(page, dialog.getByLabel('Note for the technician'));
    await page.keyboard.type('Ask for the facilities desk');
    await tabTo(page, dialog.getByRole('button', { name: 'Confirm booking' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/appointments\/globex\/[^/]+$/, { timeout: 20_000 });
    await expect(page.getByTestId('appointment-status').innerText()).resolves.toBe('Scheduled');
    await page.context().close();
  });
});
