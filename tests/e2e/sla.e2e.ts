import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, type PortalHandle, type SandboxHandle } from './harness';

/**
 * Service levels end to end: an administrator writes an agreement in Settings; the sandbox Seller keeps a ticket
 * past its resolve target with a pending pause in between (its clock moved forward hours at a time, so the Seller's
 * status changes run ahead of our clock). The verdicts show on the ticket page and in the queue filters, the
 * at-risk toast pops up, the scorecard counts the breach and the evidence pack lists the ticket with the paused
 * time.
 */

const M = 60_000;
const H = 60 * M;

interface Discovered {
  slug: string;
  name: string;
  products: Array<{ id: string; name: string }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let page: Page;
let acme: Discovered;

async function control(method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${pathname}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json() as Promise<unknown>;
}

const advance = (ms: number) => control('POST', '/clock/advance', { ms });

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  acme = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers.find((s) => s.slug === 'acme')!;
  portal = await startPortal({ sellersFrom: { url: sandbox.url, only: ['acme'] } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true })).newPage();
  // The machine is shared: first renders of a page can take a while.
  page.setDefaultNavigationTimeout(120_000);
  page.setDefaultTimeout(60_000);
  await signIn(page, portal.baseUrl, DEMO_LOGINS.admin);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

async function reloadUntil(probe: () => Promise<string>, expected: RegExp, what: string) {
  await expect
    .poll(
      async () => {
        await page.reload();
        return probe();
      },
      { timeout: 30_000, interval: 500, message: what },
    )
    .toMatch(expected);
}

describe('an SLA agreement held against a Seller', () => {
  let ticket: { externalId: string; sellerTicketId: string; path: string };
  let month: string;

  it('is written in Settings, refusing a form without targets', async () => {
    await page.goto(`${portal.baseUrl}/settings/sla/agreements/new`);
    await page.getByLabel(/^Name/).fill('Acme gold');
    await page.getByLabel(/^Seller/).selectOption('acme');
    await page.getByLabel(/^Valid from/).fill('2020-01-01');
    await page.getByRole('button', { name: 'Add agreement' }).click();
    await expect.poll(() => page.getByText('Set at least one target').count()).toBe(1);

    await page.getByLabel('Time to resolve, extensive').fill('5h');
    await page.getByLabel('Time to acknowledge, extensive').fill('15m');
    await page.getByRole('button', { name: 'Add agreement' }).click();
    await page.waitForURL(/\/settings\/sla$/, { timeout: 30_000 });
    await expect.poll(() => page.getByTestId('sla-agreement-row').innerText()).toMatch(/Acme gold[\s\S]*resolve 5h/);
  });

  it('puts a ticket the Seller works with a pending pause at risk: toast, ticket page and queue filter', async () => {
    await page.goto(`${portal.baseUrl}/tickets/new`);
    await page.getByLabel(/^Seller\*?$/).selectOption('acme');
    await page.getByLabel(/^Product Identifier\*?$/).selectOption(acme.products[0]!.id);
    await page.getByLabel(/^Description\*?$/).fill('Backbone link down (SLA run)');
    await page.getByLabel(/^Severity\*?$/).selectOption('extensive');
    await page.getByLabel(/^Priority\*?$/).selectOption('critical');
    await page.getByLabel(/^Observed Impact\*?$/).selectOption('down');
    await page.getByLabel(/^Type\*?$/).selectOption('assistance');
    await expect.poll(() => page.getByLabel(/^Contact Email Address\*?$/).inputValue()).toBe(DEMO_LOGINS.admin.email);
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.waitForURL(/\/tickets\/acme\/[^/]+$/, { timeout: 30_000 });
    ticket = {
      externalId: (await page.getByTestId('external-id').textContent())!.trim(),
      sellerTicketId: decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!),
      path: new URL(page.url()).pathname,
    };
    const created = ((await control('GET', '/acme/tickets')) as Array<{ id: string; creationDate: string }>).find((t) => t.id === ticket.sellerTicketId)!;
    month = created.creationDate.slice(0, 7);

    // 10 min acknowledged, then 4 h 5 min in progress: 4 h 15 min of the 5 h used (at risk from 3 h 45 min) when the
    // Seller asks for information and the clock stops. Nothing else waits in between, so the seconds stay few.
    await advance(10 * M);
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/status`, { status: 'inProgress' });
    await advance(4 * H + 5 * M);
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/request-information`, { text: 'Which port is affected?' });
    await expect
      .poll(() => page.getByText(`${ticket.externalId}: Time to resolve at risk with ${'Acme'}`, { exact: false }).count(), { timeout: 30_000 })
      .toBeGreaterThan(0);

    await reloadUntil(() => page.getByTestId('sla-target-resolve').innerText(), /At risk[\s\S]*paused/, 'ticket page: at risk, paused');
    await page.goto(`${portal.baseUrl}/tickets?sla=atRisk`);
    await expect.poll(() => page.getByTestId('ticket-row').filter({ hasText: ticket.externalId }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('ticket-row').filter({ hasText: ticket.externalId }).getByTestId('sla-verdict').innerText()).toBe('At risk');
    await page.goto(`${portal.baseUrl}/tickets?sla=breached`);
    expect(await page.getByTestId('ticket-row').filter({ hasText: ticket.externalId }).count()).toBe(0);
  });

  it('breaches once the Seller resumes past the target and resolves late', async () => {
    // 30 min paused, then in progress again until now (1 h 15 min): 5 h 30 min of running time.
    await advance(30 * M);
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/status`, { status: 'inProgress' });
    await advance(75 * M);
    await control('POST', `/acme/tickets/${ticket.sellerTicketId}/resolve`, { text: 'Card replaced.' });
    await page.goto(`${portal.baseUrl}${ticket.path}`);
    await reloadUntil(() => page.getByTestId('sla-target-resolve').innerText(), /Breached[\s\S]*stopped/, 'ticket page: breached, stopped');
    const resolve = await page.getByTestId('sla-target-resolve').innerText();
    expect(resolve).toMatch(/5 h 30 min \/ 5 h/);
    expect(resolve).toMatch(/Paused\s+30 min/);
    await page.goto(`${portal.baseUrl}/tickets?sla=breached`);
    await expect.poll(() => page.getByTestId('ticket-row').filter({ hasText: ticket.externalId }).count()).toBe(1);
    await page.goto(`${portal.baseUrl}/tickets?sla=atRisk`);
    expect(await page.getByTestId('ticket-row').filter({ hasText: ticket.externalId }).count()).toBe(0);
  });

  it('counts on the scorecard of the Seller and month', async () => {
    await page.goto(`${portal.baseUrl}/service-levels?seller=acme&month=${month}`);
    const line = page.getByTestId('scorecard-line-resolve-extensive');
    await expect.poll(() => line.getByTestId('scorecard-breached').innerText()).toBe('1');
    expect(await line.getByTestId('scorecard-attainment').innerText()).toBe('0%');
    expect(await page.getByTestId('scorecard-breached-tickets').innerText()).toBe('1');
  });

  it('is in the evidence pack with its paused time, printable and as CSV', async () => {
    await page.goto(`${portal.baseUrl}/service-levels/evidence?seller=acme&month=${month}`);
    const entry = page.getByTestId('evidence-ticket').filter({ hasText: ticket.externalId });
    expect(await entry.count()).toBe(1);
    expect(await entry.getByTestId('evidence-target-resolve').getByTestId('evidence-paused').innerText()).toBe('30 min');
    expect(await entry.innerText()).toMatch(/pending[\s\S]*inProgress[\s\S]*resolved/);
    expect(await entry.innerText()).toMatch(/SHA-256 [0-9a-f]{64}/);

    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), `/api/sla/evidence?seller=acme&month=${month}`);
    const [header, ...lines] = csv.trim().split('\r\n').map((l) => l.split(','));
    const row = lines.find((l) => l.includes(ticket.externalId) && l.includes('Time to resolve'))!;
    const field = (name: string) => row[header!.indexOf(name)]!;
    // Whole minutes: the Seller's timestamps also carry the seconds this test takes between its steps.
    expect([field('target_min'), Math.floor(Number(field('elapsed_min'))), Math.floor(Number(field('paused_min'))), field('verdict')]).toEqual(['300', 330, 30, 'breached']);
  });
});
