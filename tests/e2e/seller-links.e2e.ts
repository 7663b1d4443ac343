import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, type PortalHandle } from './harness';

let portal: PortalHandle;
let browser: Browser;
let context: BrowserContext;

const OUTSIDE = 'https://files.seller.example/report.pdf?id=7';
const HOSTILE = 'javascript:window.__clicked=1';
const now = new Date().toISOString();

/** A Seller, a ticket and an incident in the cache, each with a link attachment and a hostile one. */
function seed(file: string) {
  const sqlite = new Database(file);
  const seller = sqlite
    .prepare(
      `insert into sellers (slug, name, trouble_ticket_base_url, appointment_base_url, work_order_base_url, token_url, client_id, client_secret_enc)
       values ('acme', 'Acme', 'https://acme.example/tt', 'https://acme.example/ap', 'https://acme.example/wo', 'https://acme.example/t', 'c', 'unused') returning id`,
    )
    .get() as { id: number };
  const attachment = [
    { attachmentId: 'a-1', name: 'report.pdf', url: OUTSIDE, source: 'seller', author: 'Acme desk', creationDate: now },
    { attachmentId: 'a-2', name: 'hostile-link', url: HOSTILE, source: 'seller', author: 'Acme desk', creationDate: now },
  ];
  const ticket = { id: 'TT-1', status: 'inProgress', description: 'Link down', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'down', creationDate: now, note: [], attachment };
  sqlite
    .prepare(
      `insert into tickets (seller_id, seller_ticket_id, external_id, product_id, description, severity, priority, ticket_type, observed_impact, status, document, creation_date)
       values (?, 'TT-1', 'NOC-2026-000001', 'P-1', 'Link down', 'minor', 'low', 'assistance', 'down', 'inProgress', ?, ?)`,
    )
    .run(seller.id, JSON.stringify(ticket), now);
  const incident = { id: 'IN-1', status: 'created', description: 'Fibre cut', severity: 'minor', priority: 'low', impact: 'down', incidentType: 'repair', creationDate: now, situationStartDate: now, relatedEntity: [], attachment };
  sqlite
    .prepare(
      `insert into incidents (seller_id, seller_resource_id, status, document, document_hash, fetched_at, updated_at)
       values (?, 'IN-1', 'created', ?, 'h', ?, ?)`,
    )
    .run(seller.id, JSON.stringify(incident), now, now);
  sqlite.close();
}

beforeAll(async () => {
  portal = await startPortal();
  seed(portal.dbPath);
  browser = await launchBrowser();
  context = await browser.newContext();
  await signIn(await context.newPage(), portal.baseUrl, DEMO_LOGINS.noc);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await portal?.stop();
});

describe('Seller links in the browser', () => {
  it('a ticket attachment link opens the interstitial on our origin, which shows where it goes', async () => {
    const page = await context.newPage();
    await page.goto(`${portal.baseUrl}/tickets/acme/TT-1`);
    const link = page.getByRole('link', { name: 'report.pdf' });
    await link.waitFor({ timeout: 15_000 });
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForURL((url) => url.pathname === '/leave', { timeout: 15_000 });
    expect(new URL(popup.url()).origin).toBe(portal.baseUrl);
    expect(await popup.getByTestId('leave-host').textContent()).toBe('files.seller.example');
    expect(await popup.getByTestId('leave-url').textContent()).toBe(OUTSIDE);
    expect(await popup.getByTestId('leave-continue').getAttribute('href')).toBe(OUTSIDE);
    // The hostile one is text, not a link.
    expect(await page.getByRole('link', { name: 'hostile-link' }).count()).toBe(0);
    await page.getByText('link not followed: not http(s)').waitFor();
    await popup.close();
    await page.close();
  });

  it('an incident attachment link goes through the interstitial too; a hostile one is not a link', async () => {
    const page = await context.newPage();
    await page.goto(`${portal.baseUrl}/incidents/acme/IN-1`);
    const link = page.getByRole('link', { name: 'report.pdf' });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe(`/leave?to=${encodeURIComponent(OUTSIDE)}`);
    expect(await page.getByRole('link', { name: 'hostile-link' }).count()).toBe(0);
    await page.close();
  });

  it('the attachment route never redirects off our origin; the interstitial offers nothing for a non-http link', async () => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const url = await fetch(`${portal.baseUrl}/api/tickets/acme/TT-1/attachments/0`, { headers: { cookie }, redirect: 'manual' });
    expect(url.status).toBe(303);
    expect(url.headers.get('location')).toBe(`/leave?to=${encodeURIComponent(OUTSIDE)}`);
    const hostile = await fetch(`${portal.baseUrl}/api/tickets/acme/TT-1/attachments/1`, { headers: { cookie }, redirect: 'manual' });
    expect(hostile.status).toBe(404);
    expect(hostile.headers.get('location')).toBeNull();

    const page = await context.newPage();
    await page.goto(`${portal.baseUrl}/leave?to=${encodeURIComponent(HOSTILE)}`);
    await page.getByTestId('leave-refused').waitFor();
    expect(await page.getByTestId('leave-continue').count()).toBe(0);
    await page.close();
  });
});
