import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeDb, getDb } from '@/db';
import { sellers as sellersTable } from '@/db/schema';
import { sonataClients, TokenCache, type SellerConnection, type SonataClients } from '@/lib/sonata/client';
import { storeTicket } from '@/tests/support/seller-documents';
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
let discovered: Discovered[];
const clients: Record<string, SonataClients> = {};
const created: Array<{ slug: string; id: string }> = [];

async function control(method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${pathname}`).toBeLessThan(300);
}

/** Opens a ticket at the Seller, as the portal would, and walks it through `steps` with the sandbox control API. */
async function ticketAt(slug: string, n: number, severity: string, steps: Array<'inProgress' | 'pending' | 'resolve'>) {
  const seller = discovered.find((s) => s.slug === slug)!;
  const ticket = await clients[slug]!.troubleTicket.createTroubleTicket({
    description: `Dashboard check ${slug} ${n}`,
    observedImpact: 'degraded',
    priority: 'medium',
    severity,
    ticketType: 'assistance',
    externalId: `NOC-2026-9${slug.length}${String(n).padStart(4, '0')}`,
    relatedContactInformation: [{ name: 'Manager', number: '+1 212 555 0100', emailAddress: 'manager@example.com', role: 'reporterContact' }],
    relatedEntity: [{ '@referredType': 'Product', id: seller.products[0]!.id, role: 'affectedProduct' }],
  } as never);
  for (const step of steps) {
    if (step === 'resolve') await control('POST', `/${slug}/tickets/${ticket.id}/resolve`, { text: 'Fixed' });
    else await control('POST', `/${slug}/tickets/${ticket.id}/status`, { status: step });
  }
  created.push({ slug, id: ticket.id });
}

/** Brings the Sellers' current documents into the portal's cache through the cache writer. */
async function syncCache() {
  process.env.DATABASE_PATH = portal.dbPath;
  closeDb();
  for (const { slug, id } of created) {
    const row = await getDb().select({ id: sellersTable.id }).from(sellersTable).where(eq(sellersTable.slug, slug)).get();
    const requestedAt = new Date().toISOString();
    const doc = await clients[slug]!.troubleTicket.retrieveTroubleTicket(id);
    await storeTicket(row!.id, doc, requestedAt);
  }
  closeDb();
}

const kpi = (label: string) => page.locator(`[data-kpi="${label}"]`).textContent().then((t) => Number(t?.trim()));

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  discovered = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  const sellersFile = path.join(tempDir('dashboard-e2e-'), 'sellers.json');
  fs.writeFileSync(sellersFile, JSON.stringify(sellersFileEntries(discovered)));
  portal = await startPortal({ env: { ...process.env, SELLERS_FILE: sellersFile } });
  // This test plays the Buyer's calls to the loopback sandbox itself, which Seller calls reach only when allowed.
  process.env.SELLER_EGRESS_ALLOW = '127.0.0.1';
  for (const s of discovered) {
    const conn: SellerConnection = {
      slug: s.slug,
      baseUrls: s.baseUrls,
      oauth: { tokenUrl: s.tokenUrl, clientId: s.clientId, clientSecret: s.clientSecret, scopeMode: 'operation' },
      timeoutMs: 10_000,
    };
    clients[s.slug] = sonataClients(conn, { tokenCache: new TokenCache() });
  }
  // Acme: one resolved (awaiting our confirmation), one pending (information needed), one in progress.
  await ticketAt('acme', 1, 'extensive', ['inProgress', 'resolve']);
  await ticketAt('acme', 2, 'significant', ['inProgress', 'pending']);
  await ticketAt('acme', 3, 'minor', ['inProgress']);
  // Globex: two in progress, nothing waiting on us.
  await ticketAt('globex', 1, 'extensive', ['inProgress']);
  await ticketAt('globex', 2, 'moderate', ['inProgress']);
  await syncCache();

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  await signIn(page, portal.baseUrl, DEMO_LOGINS.manager);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

describe('manager dashboard over the sandbox Sellers', () => {
  it('shows every Seller side by side, with the tickets waiting on us', async () => {
    await page.goto(`${portal.baseUrl}/dashboard?range=7d`);
    expect(await kpi('Open tickets')).toBe(5);
    expect(await kpi('Waiting on us')).toBe(2);
    const waiting = page.locator('[data-table="waiting-on-us"]');
    expect(await waiting.locator('tbody tr').count()).toBe(2);
    // recharts draws its bars after hydration and measuring the container: wait for the first one.
    await page.locator('[data-chart="open-by-seller"] .recharts-bar-rectangle').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-chart="open-by-seller"] .recharts-bar-rectangle').count()).toBeGreaterThan(0);
  });

  it('narrows the figures to one Seller from the filter, kept in the URL', async () => {
    await page.goto(`${portal.baseUrl}/dashboard?range=7d`);
    await page.getByLabel('Seller', { exact: true }).selectOption('globex');
    // Choosing submits the filters once the page is interactive; Apply does the same without JavaScript.
    if (!/seller=globex/.test(page.url())) {
      await page.getByRole('button', { name: 'Apply' }).click().catch(() => undefined);
    }
    await page.waitForURL(/seller=globex/);
    await expect.poll(() => kpi('Open tickets')).toBe(2);
    expect(await kpi('Waiting on us')).toBe(0);
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
    await page.getByRole('tab', { name: 'Table' }).first().click();
    const rows = page.locator('[data-table="open-by-seller"] tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').first().textContent()).toBe(discovered.find((s) => s.slug === 'globex')!.name);
  });

  it('opens the matching tickets from a chart segment', async () => {
    await page.goto(`${portal.baseUrl}/dashboard?range=7d&seller=globex`);
    const segment = page.locator('[data-chart="open-by-seller"] .recharts-bar-rectangle path').first();
    await segment.click();
    await page.waitForURL((url) => url.pathname === '/tickets', { timeout: 30_000 });
    const params = new URL(page.url()).searchParams;
    expect(params.get('seller')).toBe('globex');
    expect(params.get('state')).toBe('inProgress');
  });

  it('downloads the table behind a chart as CSV', async () => {
    await page.goto(`${portal.baseUrl}/dashboard?range=7d`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download Open tickets by Seller and state as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^dashboard-open-by-seller-all-.*\.csv$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('Seller,Acknowledged,In progress,Waiting for you,Resolved,Reopened,Cancellation requested,Total');
    const acme = discovered.find((s) => s.slug === 'acme')!.name;
    const globex = discovered.find((s) => s.slug === 'globex')!.name;
    expect(lines).toContain(`${acme},0,1,1,1,0,0,3`);
    expect(lines).toContain(`${globex},0,2,0,0,0,0,2`);
  });

  it('refuses the CSV export without a session', async () => {
    const res = await fetch(`${portal.baseUrl}/api/dashboard/export?table=open-by-seller`, { redirect: 'manual' });
    expect([401, 307, 302]).toContain(res.status);
    expect(res.headers.get('content-type') ?? '').not.toMatch(/csv/);
  });
});
