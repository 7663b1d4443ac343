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

interface SellerTicket {
  id: string;
  externalId?: string;
  description: string;
  severity: string;
  priority: string;
  observedImpact: string;
  ticketType: string;
  note?: { text: string; source: string }[];
  relatedContactInformation: Array<{ role: string; name: string; number: string; emailAddress: string; organization?: string }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let browser: Browser;
let page: Page;
let acme: Discovered;
const RUN = `tpl${Date.now().toString(36)}`;
const TEMPLATE = `Fibre cut ${RUN}`;
const SNIPPET = `Dispatch ${RUN}`;
const SNIPPET_TEXT = 'Please dispatch a technician to the site.';
const TEMPLATE_NOTE = 'Customer site reports total loss of service.';
const CONTACT = { name: 'Tess Tech', number: '+33 1 00 00 00 01', emailAddress: 'tess@buyer-noc.test', organization: 'Field team' };

async function sellerTicket(slug: string, id: string): Promise<SellerTicket> {
  const res = await fetch(`${sandbox.url}/_sandbox/${slug}/tickets`);
  expect(res.status).toBe(200);
  const all = (await res.json()) as SellerTicket[];
  return all.find((t) => t.id === id)!;
}

const value = (label: RegExp | string) => page.getByLabel(label, { exact: typeof label === 'string' }).inputValue();

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  const sellers = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers;
  acme = sellers.find((s) => s.slug === 'acme')!;
  const dir = tempDir('templates-e2e-');
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

describe('NOC operator: ticket templates and note snippets', () => {
  let ticketPath = '';
  let sellerTicketId = '';

  it('keeps a template and a snippet in Settings → Templates, refusing a duplicate name under the field', async () => {
    await page.goto(`${portal.baseUrl}/tickets/new`);
    await page.getByRole('link', { name: 'Manage templates' }).click();
    await page.waitForURL(/\/settings\/templates$/);
    await page.getByRole('link', { name: 'Add template' }).click();
    await page.waitForURL(/\/settings\/templates\/new$/);

    await page.getByLabel(/^Template name/).fill(TEMPLATE);
    await page.getByLabel(/^Seller/).selectOption(acme.slug);
    await page.getByLabel(/^Product/).selectOption(acme.products[0]!.id);
    await page.getByLabel(/^Description/).fill('Fibre cut suspected on the access circuit');
    await page.getByLabel(/^Type/).selectOption('maintenance');
    await page.getByLabel(/^Severity/).selectOption('extensive');
    await page.getByLabel(/^Priority/).selectOption('critical');
    await page.getByLabel(/^Observed Impact/).selectOption('down');
    await page.getByLabel(/^Notes/).fill(TEMPLATE_NOTE);
    await page.getByRole('button', { name: 'Add a contact' }).click();
    await page.locator('[name="contacts.0.name"]').fill(CONTACT.name);
    await page.locator('[name="contacts.0.number"]').fill(CONTACT.number);
    await page.locator('[name="contacts.0.emailAddress"]').fill('not-an-address');
    await page.locator('[name="contacts.0.organization"]').fill(CONTACT.organization);
    await page.getByRole('button', { name: 'Save template' }).click();
    // A bad contact: the error sits under its field and nothing is saved.
    await expect.poll(() => page.getByText('Enter a valid Contact Email Address').count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/settings/templates/new');
    await page.locator('[name="contacts.0.emailAddress"]').fill(CONTACT.emailAddress);
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.waitForURL(/\/settings\/templates$/);
    const row = page.getByRole('row').filter({ hasText: TEMPLATE });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(`${acme.name} · ${acme.products[0]!.id}`);

    // The same name again (other case) is refused under the name.
    await page.getByRole('link', { name: 'Add template' }).click();
    await page.getByLabel(/^Template name/).fill(TEMPLATE.toUpperCase());
    await page.getByLabel(/^Severity/).selectOption('minor');
    await page.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => page.getByText(`A template named "${TEMPLATE.toUpperCase()}" already exists`).count()).toBe(1);

    await page.goto(`${portal.baseUrl}/settings/templates`);
    const add = page.getByRole('form', { name: 'New note snippet' });
    await add.getByLabel(/^Snippet name/).fill(SNIPPET);
    await add.getByLabel(/^Snippet text/).fill(SNIPPET_TEXT);
    await add.getByRole('button', { name: 'Add snippet' }).click();
    await expect.poll(() => page.getByRole('form', { name: `Snippet ${SNIPPET}` }).count()).toBe(1);
  });

  it('fills only what the operator left empty, says what it left alone, and clears only its own values', async () => {
    await page.goto(`${portal.baseUrl}/tickets/new`);
    const picker = page.getByLabel(/^Template/);
    // Scoped to acme's product: not offered before the Seller and product are chosen.
    expect(await picker.locator('option', { hasText: TEMPLATE }).count()).toBe(0);
    await page.getByLabel(/^Seller\*?$/).selectOption(acme.slug);
    await page.getByLabel(/^Product Identifier\*?$/).selectOption(acme.products[0]!.id);
    await page.getByLabel(/^Description\*?$/).fill(`${RUN} light levels dropped on the uplink`);
    await page.getByLabel(/^Severity\*?$/).selectOption('minor');

    await picker.selectOption({ label: TEMPLATE });
    const status = page.getByRole('status').filter({ hasText: `Template ${TEMPLATE} applied` });
    await expect.poll(() => status.count()).toBe(1);
    expect(await status.textContent()).toContain('Left as you had them: Description, Severity.');
    expect(await value(/^Description\*?$/)).toBe(`${RUN} light levels dropped on the uplink`);
    expect(await value(/^Severity\*?$/)).toBe('minor');
    expect(await value(/^Priority\*?$/)).toBe('critical');
    expect(await value(/^Observed Impact\*?$/)).toBe('down');
    expect(await value(/^Type\*?$/)).toBe('maintenance');
    expect(await value(/^Notes/)).toBe(TEMPLATE_NOTE);
    const templateContacts = page.getByRole('list', { name: 'Buyer Technical Contacts from the template' });
    expect(await templateContacts.textContent()).toContain(CONTACT.emailAddress);

    // The operator changes one filled value; clearing takes back the others only.
    await page.getByLabel(/^Priority\*?$/).selectOption('high');
    await page.getByRole('button', { name: 'Clear template' }).click();
    await expect.poll(() => value(/^Observed Impact\*?$/)).toBe('');
    expect(await value(/^Type\*?$/)).toBe('');
    expect(await value(/^Notes/)).toBe('');
    expect(await templateContacts.count()).toBe(0);
    expect(await value(/^Priority\*?$/)).toBe('high');
    expect(await value(/^Description\*?$/)).toBe(`${RUN} light levels dropped on the uplink`);
    expect(await page.getByRole('status').filter({ hasText: 'Kept as you changed them: Priority.' }).count()).toBe(1);

    // Chosen again, it fills the empty fields and leaves the operator's three alone.
    await picker.selectOption({ label: TEMPLATE });
    await expect.poll(() => value(/^Observed Impact\*?$/)).toBe('down');
    expect(await value(/^Priority\*?$/)).toBe('high');
    expect(await page.getByRole('status').filter({ hasText: 'Left as you had them: Description, Severity, Priority.' }).count()).toBe(1);
  });

  it('sends the ticket to the Seller with the typed values and the template’s', async () => {
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.waitForURL(new RegExp(`/tickets/${acme.slug}/[^/]+$`), { timeout: 30_000 });
    ticketPath = new URL(page.url()).pathname;
    sellerTicketId = decodeURIComponent(ticketPath.split('/').pop()!);
    const ticket = await sellerTicket('acme', sellerTicketId);
    expect(ticket).toMatchObject({
      description: `${RUN} light levels dropped on the uplink`,
      severity: 'minor',
      priority: 'high',
      observedImpact: 'down',
      ticketType: 'maintenance',
    });
    expect(ticket.note?.map((n) => n.text)).toEqual([TEMPLATE_NOTE]);
    expect(ticket.relatedContactInformation).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'reporterContact', emailAddress: DEMO_LOGINS.noc.email }),
        expect.objectContaining({ role: 'buyerTechnicalContact', ...CONTACT }),
      ]),
    );
  });

  it('inserts a snippet into the update note without replacing what was typed', async () => {
    const form = page.getByRole('form', { name: 'Update the ticket' });
    const note = form.getByLabel(/^Note/);
    await note.fill('Checked the CPE: all LEDs green.');
    await form.getByLabel('Insert a note snippet').selectOption({ label: SNIPPET });
    await expect.poll(() => note.inputValue()).toBe(`Checked the CPE: all LEDs green.\n${SNIPPET_TEXT}`);

    // At the caret: after "Checked the CPE:", between the typed words.
    await note.fill('Checked the CPE: all LEDs green.');
    await note.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(16, 16));
    await form.getByLabel('Insert a note snippet').selectOption({ label: SNIPPET });
    await expect.poll(() => note.inputValue()).toBe(`Checked the CPE: ${SNIPPET_TEXT} all LEDs green.`);

    await form.getByRole('button', { name: 'Send update' }).click();
    await expect
      .poll(async () => (await sellerTicket('acme', sellerTicketId)).note?.map((n) => n.text), { timeout: 30_000 })
      .toContain(`Checked the CPE: ${SNIPPET_TEXT} all LEDs green.`);
  });
});
