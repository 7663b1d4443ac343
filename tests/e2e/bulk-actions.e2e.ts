import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';
import { sellersFileEntries } from '../../lib/sync/sandbox-discovery';

interface Discovered {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string }>;
}

interface Created {
  slug: string;
  externalId: string;
  sellerTicketId: string;
}

const SLUGS = ['acme', 'globex', 'initech'] as const;
let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let page: Page;
let sellers: Discovered[];
/** A word only this run's tickets carry, so the queue search finds exactly them. */
const RUN = `bulk${Date.now().toString(36)}`;
const created: Created[] = [];

async function control(method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${pathname}`).toBeLessThan(300);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
}

async function atSeller(t: Created) {
  const all = (await control('GET', `/${t.slug}/tickets`)) as Array<{ id: string; status: string; note?: { text: string; source: string }[] }>;
  return all.find((s) => s.id === t.sellerTicketId)!;
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers.filter((s) =>
    (SLUGS as readonly string[]).includes(s.slug),
  );
  const dir = tempDir('bulk-e2e-');
  const sellersFile = path.join(dir, 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(sellers)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

async function createTicket(seller: Discovered, n: number): Promise<Created> {
  await page.goto(`${portal.baseUrl}/tickets/new`);
  await page.getByLabel(/^Seller\*?$/).selectOption(seller.slug);
  await page.getByLabel(/^Product Identifier\*?$/).selectOption(seller.products[0]!.id);
  await page.getByLabel(/^Description\*?$/).fill(`${RUN} carrier outage ${seller.slug} ${n}`);
  await page.getByLabel(/^Severity\*?$/).selectOption('significant');
  await page.getByLabel(/^Priority\*?$/).selectOption('high');
  await page.getByLabel(/^Observed Impact\*?$/).selectOption('down');
  await page.getByLabel(/^Type\*?$/).selectOption('assistance');
  await expect.poll(() => page.getByLabel(/^Contact Email Address\*?$/).inputValue()).toBe(DEMO_LOGINS.noc.email);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.waitForURL(new RegExp(`/tickets/${seller.slug}/[^/]+$`), { timeout: 30_000 });
  const externalId = (await page.getByTestId('external-id').textContent())!.trim();
  const sellerTicketId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  return { slug: seller.slug, externalId, sellerTicketId };
}

/** The queue, hydrated (its live channel connected), so that clicks and keys reach React. */
async function queue() {
  await page.goto(`${portal.baseUrl}/tickets?q=${RUN}`);
  await page.locator('[data-live-status="live"]').waitFor({ timeout: 30_000 });
}
const selectionCount = () => page.getByTestId('selection-count').textContent();
const item = (t: Created) => page.locator(`[data-testid="bulk-item"][data-ticket="${t.externalId}"]`);
const find = (slug: string, n: number) => created.filter((c) => c.slug === slug)[n]!;

/** Presses a key until the page has hydrated enough to act on it. */
async function pressUntil(key: string, done: () => Promise<boolean>) {
  await expect
    .poll(async () => {
      await page.keyboard.press(key);
      return done();
    })
    .toBe(true);
}

describe('NOC operator: bulk actions and triage keys in the ticket queue', () => {
  it('creates two tickets at each of the three Sellers', async () => {
    for (const seller of sellers) for (const n of [0, 1]) created.push(await createTicket(seller, n));
    await queue();
    await expect.poll(() => page.getByTestId('ticket-row').count()).toBe(6);
  });

  it('lists every shortcut with ?, and the triage keys move, select and ignore what is typed in the search box', async () => {
    await queue();
    await pressUntil('?', () => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible());
    const sheet = page.getByTestId('shortcuts-sheet');
    for (const text of ['Focus the search box', 'Select or unselect the current ticket', 'Add a note to the selected tickets', 'Accept the resolution of the selected tickets', 'Show this list of shortcuts']) {
      expect(await sheet.getByText(text).count(), text).toBe(1);
    }
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });

    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(selectionCount).toBe('1 selected');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(selectionCount).toBe('2 selected');
    expect(await page.locator('tr[aria-selected="true"]').count()).toBe(1);
    await page.keyboard.press('x');
    await expect.poll(selectionCount).toBe('1 selected');

    // Typed into the search box, x, j and ? are text.
    await page.keyboard.press('/');
    await page.keyboard.press('End');
    await page.keyboard.type('xj?');
    expect(await page.locator('#ticket-search').inputValue()).toBe(`${RUN}xj?`);
    expect(await selectionCount()).toBe('1 selected');
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(false);
    await page.locator('#ticket-search').fill(RUN);
    await page.locator('#ticket-search').blur();

    // Shift-click selects a range; the header box selects the page.
    await page.getByRole('button', { name: 'Clear selection' }).click();
    const boxes = page.getByTestId('row-select');
    await boxes.nth(0).click();
    await boxes.nth(3).click({ modifiers: ['Shift'] });
    await expect.poll(selectionCount).toBe('4 selected');
    await page.getByTestId('select-page').check();
    await expect.poll(selectionCount).toBe('6 selected');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect.poll(selectionCount).toBe('No ticket selected');

    // o opens the current row.
    await page.keyboard.press('k');
    const href = await page.locator('tr[aria-selected="true"]').getAttribute('data-href');
    await page.keyboard.press('o');
    await page.waitForURL(`${portal.baseUrl}${href}`);
  });

  it('adds one note to six tickets at three Sellers; the ticket one Seller refuses shows its reason, the others are done', async () => {
    const refused = find('globex', 1);
    await control('PUT', `/globex/tickets/${refused.sellerTicketId}/refusal`, { reason: 'Ticket under legal hold: no Buyer updates', operations: ['patchTroubleTicket'] });
    await queue();
    await page.getByTestId('select-page').check();
    await expect.poll(selectionCount).toBe('6 selected');
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByTestId('bulk-summary').textContent())
      .toBe('Add a note to 6 tickets: 2 at Acme Networks, 2 at Globex Telecom, 2 at Initech Carrier Services');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => dialog.getByText('Write the note to add').count()).toBe(1);
    await dialog.getByLabel(/^Note/).fill('Carrier-wide outage since 09:40; bridge open');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });

    for (const t of created) {
      await expect.poll(() => item(t).getAttribute('data-state'), { timeout: 30_000 }).toBe(t === refused ? 'refused' : 'done');
    }
    expect(await item(refused).getByTestId('bulk-item-reason').textContent()).toContain('Ticket under legal hold: no Buyer updates');
    expect(await page.getByTestId('bulk-counts').textContent()).toContain('5 done · 1 refused');
    for (const t of created) {
      const notes = (await atSeller(t)).note ?? [];
      expect(notes.some((n) => n.text === 'Carrier-wide outage since 09:40; bridge open' && n.source === 'buyer'), t.externalId).toBe(t !== refused);
    }
  });

  it('accepts the resolution of the resolved tickets; the one not resolved is skipped with why, a Seller’s refusal is shown, the rest close', async () => {
    const notResolved = find('initech', 1);
    const refused = find('acme', 0);
    for (const t of created) if (t !== notResolved) await control('POST', `/${t.slug}/tickets/${t.sellerTicketId}/resolve`, { text: 'Carrier outage over' });
    await control('PUT', `/acme/tickets/${refused.sellerTicketId}/refusal`, {
      reason: 'Resolution cannot be confirmed while the circuit test runs',
      operations: ['closeTroubleTicket'],
      mode: 'sticky',
    });
    await queue();
    // The Sellers' notifications bring the resolutions to the queue.
    await expect.poll(() => page.getByTestId('ticket-row').filter({ hasText: 'Resolved' }).count(), { timeout: 30_000 }).toBe(5);

    await page.getByTestId('select-page').check();
    await page.keyboard.press('a');
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByTestId('bulk-summary').textContent())
      .toBe('Accept resolution of 5 tickets: 2 at Acme Networks, 2 at Globex Telecom, 1 at Initech Carrier Services');
    const skipped = await dialog.getByTestId('bulk-skipped').textContent();
    expect(skipped).toContain(notResolved.externalId);
    expect(skipped).toContain('cannot be closed; allowed only in: resolved');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });

    for (const t of created) {
      const expected = t === notResolved ? 'skipped' : t === refused ? 'refused' : 'done';
      await expect.poll(() => item(t).getAttribute('data-state'), { timeout: 30_000 }).toBe(expected);
    }
    expect(await item(refused).getByTestId('bulk-item-reason').textContent()).toContain('Resolution cannot be confirmed while the circuit test runs');
    expect(await item(notResolved).getByTestId('bulk-item-reason').textContent()).toContain('cannot be closed');
    for (const t of created) {
      const expected = t === notResolved ? 'acknowledged' : t === refused ? 'resolved' : 'closed';
      expect((await atSeller(t)).status, t.externalId).toBe(expected);
    }
    // The run's progress survives a reload of the queue, read again from the outbox.
    await page.reload();
    await expect.poll(() => item(refused).getAttribute('data-state')).toBe('refused');
    expect(await page.getByTestId('bulk-counts').textContent()).toContain('4 done · 1 refused · 0 sending · 0 queued · 1 skipped');
    await page.getByTestId('bulk-progress').getByRole('button', { name: 'Dismiss' }).click();
    await page.reload();
    // Once the page answers keys it has hydrated and read the tab's storage.
    await pressUntil('?', () => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible());
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('bulk-progress').count()).toBe(0);
  });

  it('a manager sees the queue without selection or bulk actions, and the triage keys start nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const managerPage = await context.newPage();
    await signIn(managerPage, portal.baseUrl, DEMO_LOGINS.manager);
    await managerPage.goto(`${portal.baseUrl}/tickets?q=${RUN}`);
    await expect.poll(() => managerPage.getByTestId('ticket-row').count()).toBe(6);
    expect(await managerPage.getByTestId('bulk-bar').count()).toBe(0);
    expect(await managerPage.getByTestId('row-select').count()).toBe(0);
    await expect
      .poll(async () => {
        await managerPage.keyboard.press('j');
        return managerPage.locator('tr[aria-selected="true"]').count();
      })
      .toBe(1);
    await managerPage.keyboard.press('x');
    await managerPage.keyboard.press('a');
    expect(await managerPage.getByRole('dialog').count()).toBe(0);
    await context.close();
  });
});
