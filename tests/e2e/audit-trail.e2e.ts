import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';
import { recordSecrets } from './log-hygiene';
import { sellersFileEntries } from '../../lib/sync/sandbox-discovery';

/** The audit trail as a manager reads it: a resolution accepted by the NOC and a credential rotation by an admin. */

interface Discovered {
  slug: string;
  name: string;
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
const RUN = `au${Date.now().toString(36)}`;

async function control(method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${pathname}`).toBeLessThan(300);
  return res.json() as Promise<unknown>;
}

async function sellerStatus(slug: string, id: string): Promise<string | undefined> {
  const all = (await control('GET', `/${slug}/tickets`)) as Array<{ id: string; status: string }>;
  return all.find((t) => t.id === id)?.status;
}

async function pageAs(login: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, portal.baseUrl, login);
  return page;
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  const dir = tempDir('audit-e2e-');
  const sellersFile = path.join(dir, 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(sellers)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

describe('audit trail', () => {
  let externalId: string;

  it('records a resolution the NOC accepts', async () => {
    const page = await pageAs(DEMO_LOGINS.noc);
    const acme = sellers.find((s) => s.slug === 'acme')!;
    await page.goto(`${portal.baseUrl}/tickets/new`);
    await page.getByLabel(/^Seller\*?$/).selectOption('acme');
    await page.getByLabel(/^Product Identifier\*?$/).selectOption(acme.products[0]!.id);
    await page.getByLabel(/^Description\*?$/).fill(`${RUN} loss of light on the uplink`);
    await page.getByLabel(/^Severity\*?$/).selectOption('significant');
    await page.getByLabel(/^Priority\*?$/).selectOption('high');
    await page.getByLabel(/^Observed Impact\*?$/).selectOption('degraded');
    await page.getByLabel(/^Type\*?$/).selectOption('assistance');
    await expect.poll(() => page.getByLabel(/^Contact Email Address\*?$/).inputValue()).toBe(DEMO_LOGINS.noc.email);
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.waitForURL(/\/tickets\/acme\/[^/]+$/, { timeout: 30_000 });
    externalId = (await page.getByTestId('external-id').textContent())!.trim();
    const sellerTicketId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await control('POST', `/acme/tickets/${encodeURIComponent(sellerTicketId)}/resolve`, { text: 'Cleaned the connector' });
    await page.reload();
    await page.getByRole('button', { name: 'Refresh from Seller' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Accept resolution (close)' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('button', { name: 'Accept resolution (close)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Accept and close' }).click();
    await expect.poll(() => sellerStatus('acme', sellerTicketId), { timeout: 20_000 }).toBe('closed');

    // The trail is not for NOC operators.
    await page.goto(`${portal.baseUrl}/audit`);
    await page.waitForURL(/\/forbidden/);
    expect(await page.getByText('The audit trail is for managers and administrators.').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it('records a credential rotation by an administrator', async () => {
    const page = await pageAs(DEMO_LOGINS.admin);
    await page.goto(`${portal.baseUrl}/settings/notifications`);
    const card = page.getByTestId('notifications-initech');
    await card.getByRole('button', { name: /^(Rotate|Issue) listener credentials$/ }).click();
    const secret = card.getByTestId('issued-secret');
    await secret.waitFor({ timeout: 20_000 });
    // The secret is shown once, to this administrator only: no log line may carry it.
    recordSecrets(`issued-${RUN}`, [(await secret.textContent())!.trim()]);
    await page.context().close();
  });

  it('shows both to a manager, filters by user, and downloads the filtered CSV', async () => {
    const page = await pageAs(DEMO_LOGINS.manager);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.waitForURL(/\/audit$/);
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.filter({ hasText: 'Accepted the resolution (close)' }).count()).toBe(1);
    const accepted = rows.filter({ hasText: 'Accepted the resolution (close)' });
    expect(await accepted.textContent()).toContain(DEMO_LOGINS.noc.email);
    expect(await accepted.textContent()).toContain(externalId);
    const sellerOutcome = rows.filter({ hasText: 'Seller accepted the resolution acceptance (close)' });
    expect(await sellerOutcome.count()).toBe(1);
    expect(await sellerOutcome.textContent()).toContain(externalId);
    const rotation = rows.filter({ hasText: 'Rotated listener credentials' });
    expect(await rotation.count()).toBe(1);
    expect(await rotation.textContent()).toContain(DEMO_LOGINS.admin.email);
    expect(await rotation.textContent()).toContain('initech');
    expect(await rows.filter({ hasText: 'Signed in' }).count()).toBeGreaterThanOrEqual(3);

    // A wrong date is refused under its field, the rest still applies.
    await page.goto(`${portal.baseUrl}/audit?from=2026-02-30`);
    expect(await page.getByText('Enter a real date').count()).toBe(1);
    expect(await page.getByRole('alert').filter({ hasText: 'Some filters were not applied' }).count()).toBe(1);

    await page.goto(`${portal.baseUrl}/audit`);
    await page.getByLabel('User').selectOption({ label: `Nora Okafor (${DEMO_LOGINS.noc.email})` });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]user=\d+/);
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const whos = await rows.locator('td:nth-child(2)').allTextContents();
    for (const who of whos) expect(who).toContain(DEMO_LOGINS.noc.email);
    expect(await rows.filter({ hasText: 'Rotated listener credentials' }).count()).toBe(0);
    expect(await rows.filter({ hasText: 'Accepted the resolution (close)' }).count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('When (UTC),Who,User id,Action,What,Target type,Target,Details');
    expect(lines.length - 1).toBe(whos.length);
    expect(lines.some((l) => l.includes(`ticket.close,Accepted the resolution (close),ticket,${externalId}`))).toBe(true);
    expect(lines.slice(1).every((l) => l.includes(DEMO_LOGINS.noc.email))).toBe(true);
    expect(csv).not.toContain('listenerCredentials.issue');
  });
});
