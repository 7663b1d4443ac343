import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sellersFileEntries, type DiscoveredSeller } from '../../lib/sync/sandbox-discovery';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';

/**
 * Two operators on one ticket, in two browser contexts against the real portal and the sandbox (manual mode):
 * - each sees the other on the ticket page (a second tab of the same user counts once), sees when the other is
 *   writing an update and when that stops, and sees them gone when their page closes;
 * - an update written against a ticket that changed since (another operator's update, a Seller note) is not sent:
 *   the form shows the difference, the Seller has nothing of it, and sending again deliberately goes through.
 */

const NORA = 'Nora Okafor';
const ADA = 'Ada Lindqvist';
/** How long a change may take to show on the other page. */
const BOUND_MS = 20_000;

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let nocContext: BrowserContext;
let adminContext: BrowserContext;
let nora: Page;
let ada: Page;
let ticket: { path: string; sellerTicketId: string };

async function control<T = unknown>(method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${pathname}`).toBeLessThan(300);
  return (await res.json()) as T;
}

async function sellerNotes(): Promise<string[]> {
  const all = await control<Array<{ id: string; note?: { text: string }[] }>>('GET', '/acme/tickets');
  return (all.find((t) => t.id === ticket.sellerTicketId)?.note ?? []).map((n) => n.text);
}

const present = (page: Page, name: string) => page.getByTestId('ticket-presence').locator(`[data-presence-user="${name}"]`);
const updateForm = (page: Page) => page.getByRole('form', { name: 'Update the ticket' });
const noteField = (page: Page) => updateForm(page).getByLabel(/^Note(\*|\(optional\))?$/);

async function openTicket(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${portal.baseUrl}${ticket.path}`);
  await page.getByTestId('ticket-presence').waitFor();
  return page;
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  const sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] }).sellers;
  const sellersFile = path.join(tempDir('presence-e2e-'), 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(sellers)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  browser = await launchBrowser();
  nocContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  adminContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  // A control that never becomes usable fails the step that waits for it, not the whole test's time.
  for (const context of [nocContext, adminContext]) context.setDefaultTimeout(BOUND_MS);
  const first = await nocContext.newPage();
  await signIn(first, portal.baseUrl, DEMO_LOGINS.noc);
  const adminFirst = await adminContext.newPage();
  await signIn(adminFirst, portal.baseUrl, DEMO_LOGINS.admin);
  await adminFirst.close();

  const acme = sellers.find((s) => s.slug === 'acme')!;
  await first.goto(`${portal.baseUrl}/tickets/new`);
  await first.getByLabel(/^Seller\*?$/).selectOption('acme');
  await first.getByLabel(/^Product Identifier\*?$/).selectOption(acme.products[0]!.id);
  await first.getByLabel(/^Description\*?$/).fill('Two operators on one ticket');
  await first.getByLabel(/^Severity\*?$/).selectOption('significant');
  await first.getByLabel(/^Priority\*?$/).selectOption('high');
  await first.getByLabel(/^Observed Impact\*?$/).selectOption('degraded');
  await first.getByLabel(/^Type\*?$/).selectOption('assistance');
  // The reporter comes from the operator's profile once the form has loaded it.
  for (let i = 0; (await first.getByLabel(/^Contact Email Address\*?$/).inputValue()) !== DEMO_LOGINS.noc.email; i++) {
    if (i > 100) throw new Error('the reporter was not filled in from the profile');
    await first.waitForTimeout(100);
  }
  await first.getByRole('button', { name: 'Create ticket' }).click();
  await first.waitForURL(/\/tickets\/acme\/[^/]+$/, { timeout: 30_000 });
  const pathname = new URL(first.url()).pathname;
  ticket = { path: pathname, sellerTicketId: decodeURIComponent(pathname.split('/').pop()!) };
  await first.close();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

describe('presence on the ticket page', () => {
  it('shows each operator the other, once per user however many tabs', async () => {
    nora = await openTicket(nocContext);
    ada = await openTicket(adminContext);
    await expect.poll(() => present(nora, ADA).count(), { timeout: BOUND_MS }).toBe(1);
    await expect.poll(() => present(ada, NORA).count(), { timeout: BOUND_MS }).toBe(1);
    expect(await present(nora, NORA).count()).toBe(0);

    const noraSecondTab = await openTicket(nocContext);
    await expect.poll(() => present(noraSecondTab, ADA).count(), { timeout: BOUND_MS }).toBe(1);
    expect(await ada.getByTestId('ticket-presence').locator('[data-presence-user]').count()).toBe(1);
    await noraSecondTab.close();
    // Nora's first tab is still open: she stays.
    await expect.poll(() => present(ada, NORA).count(), { timeout: BOUND_MS }).toBe(1);
  });

  it('shows who is writing an update, until they stop', async () => {
    await noteField(nora).pressSequentially('Checking the CPE logs', { delay: 20 });
    await expect.poll(() => present(ada, NORA).getAttribute('data-writing'), { timeout: BOUND_MS }).toBe('true');
    expect(await present(ada, NORA).textContent()).toContain('is writing an update');
    expect(await present(nora, ADA).getAttribute('data-writing')).toBe('false');
    // No keystroke for a while: "writing" lapses.
    await expect.poll(() => present(ada, NORA).getAttribute('data-writing'), { timeout: BOUND_MS }).toBe('false');
    // Emptying the note says at once that Nora stopped.
    await noteField(nora).pressSequentially('!');
    await expect.poll(() => present(ada, NORA).getAttribute('data-writing'), { timeout: BOUND_MS }).toBe('true');
    await noteField(nora).fill('');
    await expect.poll(() => present(ada, NORA).getAttribute('data-writing'), { timeout: BOUND_MS }).toBe('false');
  });

  it('shows an operator gone when their page closes', async () => {
    await nora.close();
    await expect.poll(() => present(ada, NORA).count(), { timeout: BOUND_MS }).toBe(0);
    expect(await ada.getByTestId('ticket-presence').textContent()).toContain('No one else has this ticket open.');
    nora = await openTicket(nocContext);
    await expect.poll(() => present(ada, NORA).count(), { timeout: BOUND_MS }).toBe(1);
  });
});

describe('an update written while the ticket changed', () => {
  it('is not sent: the form shows the difference, and sending again deliberately goes through', async () => {
    const adaNote = 'Ada: customer confirms the outage persists';
    const noraNote = 'Nora: raised priority, CPE reboot did not help';
    const sellerNote = 'Seller: field engineer booked for tomorrow';
    // Both open the update form; Ada starts writing first.
    await noteField(ada).fill(adaNote);

    await noteField(nora).fill(noraNote);
    await updateForm(nora).getByLabel(/^Priority\*?$/).selectOption('critical');
    await updateForm(nora).getByRole('button', { name: 'Send update' }).click();
    await expect.poll(sellerNotes, { timeout: BOUND_MS }).toContain(noraNote);
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/notes`, { text: sellerNote });

    // Ada's open page learns of Nora's update on the live stream, before she sends anything.
    const notice = updateForm(ada).getByTestId('ticket-changed');
    await expect.poll(() => notice.textContent(), { timeout: BOUND_MS }).toContain(noraNote);
    expect(await notice.getAttribute('data-refused')).toBe('false');
    expect(await noteField(ada).inputValue()).toBe(adaNote);
    // The Seller's note reaches the cache (here by a refresh; a notification does the same).
    await ada.getByRole('button', { name: 'Refresh from Seller' }).click();
    await expect.poll(() => notice.textContent(), { timeout: BOUND_MS }).toContain(sellerNote);

    await updateForm(ada).getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => notice.getAttribute('data-refused'), { timeout: BOUND_MS }).toBe('true');
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(noraNote);
    expect(text).toContain(sellerNote);
    expect(await notice.locator('[data-changed-field="priority"]').textContent()).toBe('Priority: High → Critical');
    expect(await updateForm(ada).getByText(/Nothing was sent: review the changes/).count()).toBe(1);
    expect(await sellerNotes()).not.toContain(adaNote);
    expect(await noteField(ada).inputValue()).toBe(adaNote);

    await updateForm(ada).getByRole('button', { name: 'Send my update anyway' }).click();
    await expect.poll(sellerNotes, { timeout: BOUND_MS }).toContain(adaNote);
    await expect.poll(() => noteField(ada).inputValue(), { timeout: BOUND_MS }).toBe('');
    expect(await notice.count()).toBe(0);
    const notes = await sellerNotes();
    expect(notes.filter((n) => n === adaNote)).toHaveLength(1);
  });

  it('lets the operator discard an update written against an older ticket', async () => {
    const stale = 'Ada: this one is not needed any more';
    // Nora has seen Ada's update before she writes hers.
    await expect.poll(() => nora.getByText('Ada: customer confirms the outage persists').count(), { timeout: BOUND_MS }).toBeGreaterThan(0);
    await noteField(ada).fill(stale);
    await noteField(nora).fill('Nora: engineer confirmed on site');
    await updateForm(nora).getByRole('button', { name: 'Send update' }).click();
    const notice = updateForm(ada).getByTestId('ticket-changed');
    await expect.poll(() => notice.textContent(), { timeout: BOUND_MS }).toContain('Nora: engineer confirmed on site');
    await updateForm(ada).getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => notice.getAttribute('data-refused'), { timeout: BOUND_MS }).toBe('true');
    await updateForm(ada).getByRole('button', { name: 'Discard my update' }).click();
    await expect.poll(() => notice.count(), { timeout: BOUND_MS }).toBe(0);
    expect(await noteField(ada).inputValue()).toBe('');
    expect(await sellerNotes()).not.toContain(stale);
    expect(await sellerNotes()).toContain('Nora: engineer confirmed on site');
    // Nothing is left of the old revision: Ada's next update goes straight through.
    await noteField(ada).fill('Ada: thanks, closing the loop with the customer');
    await updateForm(ada).getByRole('button', { name: 'Send update' }).click();
    await expect.poll(sellerNotes, { timeout: BOUND_MS }).toContain('Ada: thanks, closing the loop with the customer');
    expect(await notice.count()).toBe(0);
  });
});
