import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';

/**
 * MEF 113 UC 13/14/17 in the running portal: a Seller raises an incident on one of our products, it appears in the
 * list without a reload with the product highlighted; the operator opens a ticket from it and links an existing
 * one; the Seller closes the incident and both tickets show it closed. initech offers no incidents.
 */

interface Discovered {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site: { id: string; name: string; timeZone: string; address: Record<string, string> } }>;
}

interface SellerTicket {
  id: string;
  externalId?: string;
  relatedIssue?: Array<{ '@referredType': string; id: string; relationshipType: string; description: string; source: string }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let page: Page;
let dbPath: string;
const PRODUCT = 'acme-prod-evpl-003';
const PRODUCT_LABEL = 'Ethernet Virtual Private Line 200 Mbps';

async function control<T = unknown>(method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function sellerTicket(id: string): Promise<SellerTicket | undefined> {
  return (await control<SellerTicket[]>('GET', '/acme/tickets')).find((t) => t.id === id);
}

function portalDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms\n${portal?.output().slice(-3000)}`);
}

/** Fills the attributes the create form needs besides what the incident prefilled, submits, returns the ticket's ids. */
async function submitTicketForm(description?: string) {
  if (description) await page.getByRole('textbox', { name: 'Description', exact: true }).fill(description);
  await page.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('significant');
  await page.getByRole('combobox', { name: 'Priority', exact: true }).selectOption('high');
  await page.getByRole('combobox', { name: 'Observed Impact', exact: true }).selectOption('down');
  await page.getByRole('combobox', { name: 'Type', exact: true }).selectOption('maintenance');
  await expect.poll(() => page.getByRole('textbox', { name: 'Contact Email Address', exact: true }).inputValue()).toBe(DEMO_LOGINS.noc.email);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.waitForURL(/\/tickets\/acme\/[^/]+$/, { timeout: 30_000 });
  const externalId = (await page.getByTestId('external-id').textContent())!.trim();
  return { externalId, sellerTicketId: decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!), path: new URL(page.url()).pathname };
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  const sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  const dir = tempDir('incidents-e2e-');
  dbPath = path.join(dir, 'portal.db');
  const sellersFile = path.join(dir, 'sellers.json');
  fs.writeFileSync(
    sellersFile,
    JSON.stringify(
      sellers.map((s) => ({
        slug: s.slug,
        name: s.name,
        troubleTicketBaseUrl: s.baseUrls.troubleTicket,
        appointmentBaseUrl: s.baseUrls.appointment,
        workOrderBaseUrl: s.baseUrls.workOrder,
        tokenUrl: s.tokenUrl,
        clientId: s.clientId,
        clientSecret: s.clientSecret,
        scopeMode: 'operation',
        timeoutMs: 10_000,
        enabled: true,
        // acme's 10G wavelength is someone else's circuit as far as we know.
        products: s.products
          .filter((p) => p.id !== 'acme-prod-wave-004')
          .map((p) => ({ productId: p.id, label: p.name, siteId: p.site.id, siteName: p.site.name, siteAddress: Object.values(p.site.address).join(' '), siteTimeZone: p.site.timeZone })),
      })),
    ),
  );
  portal = await startPortal({ dbPath, env: { ...process.env, SELLERS_FILE: sellersFile, RECONCILE_INTERVAL_MS: '3600000' } });
  await until(
    'hubs registered at the four Sellers',
    () => portalDb((db) => (db.prepare("select count(*) as n from notification_hubs where state = 'registered' and api = 'troubleTicket'").get() as { n: number }).n),
    (n) => n === 4,
  );
  await until('the sandbox to hold our listener credentials', () => control('GET', '/acme/buyer-auth'), (auth) => JSON.stringify(auth).includes(portal.baseUrl));
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
});

describe('incidents across Sellers', () => {
  let incidentId: string;
  let existing: Awaited<ReturnType<typeof submitTicketForm>>;
  let fromIncident: Awaited<ReturnType<typeof submitTicketForm>>;

  it('says initech offers no incidents instead of failing', async () => {
    existing = await (async () => {
      await page.goto(`${portal.baseUrl}/tickets/new`);
      await page.getByRole('combobox', { name: 'Seller', exact: true }).selectOption('acme');
      await page.getByRole('combobox', { name: 'Product Identifier', exact: true }).selectOption(PRODUCT);
      return submitTicketForm('Packet loss on the Lyon EVPL since 07:00');
    })();

    await page.goto(`${portal.baseUrl}/incidents`);
    await until(
      'initech recorded as not offering incidents',
      async () => {
        await page.reload();
        return page.locator('[data-testid="incidents-not-offered"][data-seller="initech"]').count();
      },
      (n) => n === 1,
    );
    expect(await page.locator('[data-testid="incidents-not-offered"]').count()).toBe(1);
    await page.goto(`${portal.baseUrl}/incidents?seller=initech`);
    await expect.poll(() => page.getByRole('heading', { name: 'Incidents not offered by this Seller' }).count()).toBe(1);
  });

  it('shows a new incident on our product live, highlighted, with the filters in the URL', async () => {
    await page.goto(`${portal.baseUrl}/incidents`);
    expect(await page.getByTestId('incident-row').count()).toBe(0);
    incidentId = (
      await control<{ id: string }>('POST', '/acme/incidents', {
        description: 'Fibre cut between Lyon and Villeurbanne',
        productIds: [PRODUCT, 'acme-prod-wave-004'],
        impact: 'down',
        incidentType: 'repair',
        priority: 'critical',
        severity: 'extensive',
      })
    ).id;
    const row = page.locator(`[data-testid="incident-row"][data-incident="${incidentId}"]`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.locator(`[data-testid="our-product"][data-product="${PRODUCT}"]`).textContent()).toBe(PRODUCT_LABEL);
    expect(await row.locator('[data-testid="our-product"]').count()).toBe(1);
    expect(await row.locator('[data-product="acme-prod-wave-004"]').textContent()).toBe('acme-prod-wave-004');

    await page.getByRole('combobox', { name: 'State', exact: true }).selectOption('open');
    await page.getByRole('combobox', { name: 'Impact', exact: true }).selectOption('down');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=open/);
    const url = new URL(page.url());
    expect(url.searchParams.get('impact')).toBe('down');
    expect(await row.count()).toBe(1);
    await page.getByRole('combobox', { name: 'Impact', exact: true }).selectOption('degraded');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/impact=degraded/);
    await expect.poll(() => page.getByTestId('incident-row').count()).toBe(0);
  });

  it('opens a ticket from the incident, and the Seller receives the relation', async () => {
    await page.goto(`${portal.baseUrl}/incidents/acme/${incidentId}`);
    await page.getByTestId('open-ticket-for-incident').click();
    await page.waitForURL(/\/tickets\/new\?/);
    expect(await page.getByRole('combobox', { name: 'Seller', exact: true }).inputValue()).toBe('acme');
    expect(await page.getByRole('combobox', { name: 'Product Identifier', exact: true }).inputValue()).toBe(PRODUCT);
    expect(await page.getByRole('textbox', { name: 'Description', exact: true }).inputValue()).toContain('Fibre cut between Lyon and Villeurbanne');
    await expect.poll(() => page.getByTestId('open-incident-notice').count(), { timeout: 15_000 }).toBe(1);
    fromIncident = await submitTicketForm();
    const atSeller = await until('the ticket at the Seller', () => sellerTicket(fromIncident.sellerTicketId), (t) => !!t);
    expect(atSeller?.relatedIssue).toEqual([expect.objectContaining({ '@referredType': 'Incident', id: incidentId, source: 'buyer' })]);
  });

  it('links our existing ticket from the incident page', async () => {
    await page.goto(`${portal.baseUrl}/incidents/acme/${incidentId}`);
    const form = page.getByRole('form', { name: 'Link to our existing ticket' });
    const localId = portalDb((db) => (db.prepare('select id from tickets where external_id = ?').get(existing.externalId) as { id: number }).id);
    await form.getByRole('combobox', { name: 'Our ticket', exact: true }).selectOption(String(localId));
    await form.getByRole('textbox', { name: 'Note to the Seller', exact: true }).fill('Packet loss began with the fibre cut');
    await form.getByRole('button', { name: 'Link ticket' }).click();
    await expect.poll(() => page.locator(`[data-testid="linked-ticket"][data-ticket="${existing.externalId}"]`).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator(`[data-testid="linked-ticket"][data-ticket="${fromIncident.externalId}"]`).count()).toBe(1);
    const atSeller = await sellerTicket(existing.sellerTicketId);
    expect(atSeller?.relatedIssue).toEqual([
      expect.objectContaining({ '@referredType': 'Incident', id: incidentId, relationshipType: 'isCausedBy', description: 'Packet loss began with the fibre cut', source: 'buyer' }),
    ]);

    await page.goto(`${portal.baseUrl}/incidents`);
    const count = page.locator(`[data-testid="incident-row"][data-incident="${incidentId}"] [data-testid="linked-ticket-count"]`);
    expect((await count.textContent())?.trim()).toBe('2');
  });

  it('shows the closure on both linked tickets once the Seller closes the incident', async () => {
    await page.goto(`${portal.baseUrl}${existing.path}`);
    const linked = page.locator(`[data-testid="linked-incident"][data-incident="${incidentId}"]`);
    expect(await linked.getAttribute('data-status')).toBe('created');
    await control('POST', `/acme/incidents/${incidentId}/close`, { note: 'Fibre spliced, traffic restored' });
    // The open page follows without a reload.
    await expect.poll(() => linked.getAttribute('data-status'), { timeout: 30_000 }).toBe('closed');
    await page.goto(`${portal.baseUrl}${fromIncident.path}`);
    expect(await page.locator(`[data-testid="linked-incident"][data-incident="${incidentId}"]`).getAttribute('data-status')).toBe('closed');
    await page.goto(`${portal.baseUrl}/incidents/acme/${incidentId}`);
    expect(await page.getByTestId('incident-header').getAttribute('data-status')).toBe('closed');
    expect(await page.getByTestId('incident-history').textContent()).toContain('Fibre spliced, traffic restored');
  });
});
