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
  products: Array<{ id: string; name: string; site?: { id: string; name: string; timeZone: string; address: Record<string, string> } }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let page: Page;
let sellers: Discovered[];
let dir: string;
/** A word only this run's tickets carry, so the queue search finds exactly them. */
const RUN = `e2e${Date.now().toString(36)}`;

async function control(method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${pathname}`).toBeLessThan(300);
  return res.json() as Promise<unknown>;
}

async function sellerTicket(slug: string, id: string) {
  const all = (await control('GET', `/${slug}/tickets`)) as Array<{ id: string; externalId?: string; status: string; severity: string; note?: { text: string }[]; attachment?: { name: string; content?: string }[] }>;
  return all.find((t) => t.id === id)!;
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  dir = tempDir('tickets-e2e-');
  const sellersFile = path.join(dir, 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(sellers)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile, ATTACHMENT_MAX_BYTES: '4096' } });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

async function createTicket(seller: Discovered, fields: { description: string; severity: string; priority: string; impact: string; type: string; note?: string }) {
  await page.goto(`${portal.baseUrl}/tickets/new`);
  await page.getByLabel(/^Seller\*?$/).selectOption(seller.slug);
  await page.getByLabel(/^Product Identifier\*?$/).selectOption(seller.products[0]!.id);
  await page.getByLabel(/^Description\*?$/).fill(fields.description);
  await page.getByLabel(/^Severity\*?$/).selectOption(fields.severity);
  await page.getByLabel(/^Priority\*?$/).selectOption(fields.priority);
  await page.getByLabel(/^Observed Impact\*?$/).selectOption(fields.impact);
  await page.getByLabel(/^Type\*?$/).selectOption(fields.type);
  // The reporter comes from the operator's profile.
  await expect.poll(() => page.getByLabel(/^Contact Email Address\*?$/).inputValue()).toBe(DEMO_LOGINS.noc.email);
  if (fields.note) await page.getByLabel(/^Notes/).fill(fields.note);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.waitForURL(new RegExp(`/tickets/${seller.slug}/[^/]+$`), { timeout: 30_000 });
  const externalId = (await page.getByTestId('external-id').textContent())!.trim();
  expect(externalId).toMatch(/^NOC-\d{4}-\d{6}$/);
  const sellerTicketId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  return { externalId, sellerTicketId, path: new URL(page.url()).pathname };
}

async function refreshFromSeller() {
  await page.getByRole('button', { name: 'Refresh from Seller' }).click();
  await page.waitForTimeout(300);
}

describe('NOC operator: trouble tickets across Sellers (MEF 113 UC1–UC6)', () => {
  let acmeTicket: Awaited<ReturnType<typeof createTicket>>;
  let globexTicket: Awaited<ReturnType<typeof createTicket>>;

  it('refuses a form with missing mandatory attributes and explains under each field', async () => {
    await page.goto(`${portal.baseUrl}/tickets/new`);
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await expect.poll(() => page.getByText('Enter the Description').count()).toBeGreaterThan(0);
    expect(await page.getByText('Choose a Severity').count()).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe('/tickets/new');
  });

  it('creates tickets at two different Sellers (UC1)', async () => {
    const acme = sellers.find((s) => s.slug === 'acme')!;
    const globex = sellers.find((s) => s.slug === 'globex')!;
    acmeTicket = await createTicket(acme, { description: `${RUN} packet loss <script>alert(1)</script> on uplink`, severity: 'significant', priority: 'high', impact: 'degraded', type: 'maintenance' });
    // Text with markup is shown as typed, never run.
    expect(await page.getByTestId('ticket-description').textContent()).toContain('<script>alert(1)</script>');
    globexTicket = await createTicket(globex, { description: `${RUN} circuit down at HQ`, severity: 'extensive', priority: 'critical', impact: 'down', type: 'assistance', note: 'Started after the storm' });
    expect((await sellerTicket('acme', acmeTicket.sellerTicketId)).externalId).toBe(acmeTicket.externalId);
    expect((await sellerTicket('globex', globexTicket.sellerTicketId)).note?.[0]?.text).toBe('Started after the storm');
  });

  it('finds both in one queue, narrows with filters, and keeps the filters in the shareable URL', async () => {
    await page.goto(`${portal.baseUrl}/tickets`);
    // The key works once the queue has hydrated: pressed until it lands in the search box.
    await expect
      .poll(async () => {
        await page.keyboard.press('/');
        return page.evaluate(() => document.activeElement?.id);
      })
      .toBe('ticket-search');
    await page.keyboard.type(RUN);
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    await expect.poll(() => page.getByTestId('ticket-row').count()).toBe(2);
    const text = await page.locator('table').textContent();
    expect(text).toContain(acmeTicket.externalId);
    expect(text).toContain(globexTicket.externalId);

    await page.goto(`${portal.baseUrl}/tickets?q=${RUN}&seller=globex&severity=extensive`);
    await expect.poll(() => page.getByTestId('ticket-row').count()).toBe(1);
    expect(await page.locator('table').textContent()).toContain(globexTicket.externalId);

    await page.goto(`${portal.baseUrl}/tickets?q=${RUN}&priority=low`);
    await expect.poll(() => page.getByTestId('ticket-row').count()).toBe(0);

    // Keyboard: j moves to the first row, Enter opens it.
    await page.goto(`${portal.baseUrl}/tickets?q=${RUN}&seller=acme`);
    // Pressed until the page is interactive: the first j selects the only row.
    await expect
      .poll(async () => {
        await page.keyboard.press('j');
        return page.locator('tr[aria-selected="true"]').count();
      })
      .toBe(1);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(acmeTicket.path));
  });

  it('patches with a note and an attachment, and refuses a severity change without a note (UC4)', async () => {
    await page.goto(`${portal.baseUrl}${acmeTicket.path}`);
    const form = page.getByRole('form', { name: 'Update the ticket' });
    await form.getByLabel(/^Severity\*?$/).selectOption('extensive');
    await form.getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => form.getByText(/R42/).count()).toBeGreaterThan(0);
    expect((await sellerTicket('acme', acmeTicket.sellerTicketId)).severity).toBe('significant');

    await form.getByLabel(/^Note(\*|\(optional\))?$/).fill('Customer confirms loss above 5%');
    await form.getByRole('button', { name: 'Add attachment' }).click();
    const big = path.join(dir, 'too-big.log');
    fs.writeFileSync(big, 'x'.repeat(5000));
    await form.getByLabel(/^File$/).setInputFiles(big);
    await expect.poll(() => form.getByText(/the limit is 4\.0 KB/).count()).toBe(1);
    const small = path.join(dir, 'ping.txt');
    fs.writeFileSync(small, 'PING 10.0.0.1: 30% loss');
    await form.getByLabel(/^File$/).setInputFiles(small);
    await expect.poll(() => form.getByText(/ready/).count()).toBe(1);
    await form.getByRole('button', { name: 'Send update' }).click();
    await expect.poll(async () => (await sellerTicket('acme', acmeTicket.sellerTicketId)).severity, { timeout: 15_000 }).toBe('extensive');
    const atSeller = await sellerTicket('acme', acmeTicket.sellerTicketId);
    expect(atSeller.note?.map((n) => n.text)).toContain('Customer confirms loss above 5%');
    expect(atSeller.attachment?.[0]).toMatchObject({ name: 'ping.txt', content: Buffer.from('PING 10.0.0.1: 30% loss').toString('base64') });
    await expect.poll(() => page.getByText('Customer confirms loss above 5%').count()).toBeGreaterThan(0);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'ping.txt' }).click();
    expect((await download).suggestedFilename()).toBe('ping.txt');
  });

  it('cancels with confirmation; the ticket shows the Seller is assessing it (UC5)', async () => {
    await page.goto(`${portal.baseUrl}${acmeTicket.path}`);
    await page.getByRole('button', { name: 'Cancel ticket' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel ticket' }).click();
    await expect.poll(async () => (await sellerTicket('acme', acmeTicket.sellerTicketId)).status, { timeout: 15_000 }).toBe('assessingCancellation');
    await expect.poll(() => page.getByText('Cancellation requested', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The state table now forbids another cancellation and the page says why.
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.getByRole('button', { name: 'Cancel ticket' }).isDisabled()).toBe(true);
    expect(await page.getByText(/cannot be cancelled; allowed only in/).count()).toBeGreaterThan(0);
  });

  it('rejects a resolution with a reason (reopen), then accepts the next one (close) (UC6)', async () => {
    await control('POST', `/globex/tickets/${globexTicket.sellerTicketId}/resolve`, { text: 'Replaced the line card' });
    await page.goto(`${portal.baseUrl}${globexTicket.path}`);
    await refreshFromSeller();
    await expect.poll(() => page.getByRole('button', { name: 'Reject resolution (reopen)' }).isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.getByRole('button', { name: 'Reject resolution (reopen)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Reopen ticket' }).click();
    await expect.poll(() => dialog.getByText('Enter the Closure Rejection Reason').count()).toBeGreaterThan(0);
    await dialog.getByLabel(/^Closure Rejection Reason/).fill('Still down at the HQ site');
    await dialog.getByRole('button', { name: 'Reopen ticket' }).click();
    await expect.poll(async () => (await sellerTicket('globex', globexTicket.sellerTicketId)).status, { timeout: 15_000 }).not.toBe('resolved');
    expect(['reopened', 'inProgress']).toContain((await sellerTicket('globex', globexTicket.sellerTicketId)).status);

    await control('POST', `/globex/tickets/${globexTicket.sellerTicketId}/resolve`, { text: 'Replaced the fibre patch too' });
    await page.reload();
    await refreshFromSeller();
    await expect.poll(() => page.getByRole('button', { name: 'Accept resolution (close)' }).isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.getByRole('button', { name: 'Accept resolution (close)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Accept and close' }).click();
    await expect.poll(async () => (await sellerTicket('globex', globexTicket.sellerTicketId)).status, { timeout: 15_000 }).toBe('closed');
    await page.reload();
    await expect.poll(() => page.getByText('Closed', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('exports the current view as CSV', async () => {
    const res = await page.request.get(`${portal.baseUrl}/api/tickets/export?q=${RUN}`);
    expect(res.status()).toBe(200);
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toContain('Buyer Ticket Identifier');
    expect(csv).toContain(acmeTicket.externalId);
    expect(csv).toContain(globexTicket.externalId);
  });
});
