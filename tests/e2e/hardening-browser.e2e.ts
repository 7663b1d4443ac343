import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request as PwRequest } from 'playwright-core';
import { sealSecret } from '@/lib/crypto/secret-box';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, type PortalHandle } from './harness';

let portal: PortalHandle;
let browser: Browser;

const HOSTILE = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'; DROP TABLE tickets; --`;

function db(file: string) {
  return new Database(file);
}

/** A page that records CSP violations and script dialogs from its first byte. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; violations: () => Promise<string[]>; dialogs: string[]; console: string[] }> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const consoleLines: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => consoleLines.push(m.text()));
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    page,
    dialogs,
    console: consoleLines,
    violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
  };
}

beforeAll(async () => {
  portal = await startPortal({ env: { ...process.env, LOGIN_MAX_FAILURES: '3' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('headers and CSP on the real server', () => {
  it('pages carry a nonce policy with no inline script, hydrate under it and log no violation', async () => {
    const res = await fetch(`${portal.baseUrl}/login`);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(policy).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
    const second = await fetch(`${portal.baseUrl}/login`);
    expect(second.headers.get('content-security-policy')).not.toBe(policy);

    const context = await browser.newContext();
    const watched = await watchedPage(context);
    // Signing in runs client-side code: it only works if the page hydrated under the policy.
    await signIn(watched.page, portal.baseUrl, DEMO_LOGINS.admin);
    for (const path of ['/tickets', '/dashboard', '/settings/users', '/appointments']) {
      await watched.page.goto(`${portal.baseUrl}${path}`);
      await watched.page.waitForLoadState('networkidle');
      expect(await watched.violations(), path).toEqual([]);
    }
    expect(watched.console.filter((l) => /Content Security Policy/i.test(l))).toEqual([]);
    await context.close();
  });

  it('Seller-facing and API responses carry the no-content policy', async () => {
    const listener = await fetch(`${portal.baseUrl}/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`, { method: 'POST', body: '{}' });
    expect(listener.status).toBe(401);
    expect(listener.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(listener.headers.get('x-content-type-options')).toBe('nosniff');
    const api = await fetch(`${portal.baseUrl}/api/live`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  it('the session cookie is httpOnly and SameSite=Lax (and not Secure over plain http)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
    const session = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'));
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    const csrf = (await context.cookies()).find((c) => c.name.endsWith('next-auth.csrf-token'));
    expect(csrf).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await context.close();
  });
});

describe('hostile users in the browser', () => {
  it('a contact typed with HTML and script is stored as typed and shown as text; nothing runs', async () => {
    const context = await browser.newContext();
    const watched = await watchedPage(context);
    const { page } = watched;
    await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
    await page.goto(`${portal.baseUrl}/tickets/contacts`);
    await page.getByLabel('Contact Name').fill(HOSTILE);
    await page.getByLabel('Contact Email Address').fill('mallory@noc.example');
    await page.locator('form[aria-label="Add a contact"] input[type="tel"]').fill('+1 555 0100');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByText(HOSTILE, { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.reload();
    await page.getByText(HOSTILE, { exact: true }).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(watched.dialogs).toEqual([]);
    const sqlite = db(portal.dbPath);
    expect(sqlite.prepare('select name from contacts where email_address = ?').get('mallory@noc.example')).toEqual({ name: HOSTILE });
    sqlite.close();
    await context.close();
  });

  it('a Seller ticket whose text carries script renders inert in the queue', async () => {
    const sqlite = db(portal.dbPath);
    const seller = sqlite
      .prepare(
        `insert into sellers (slug, name, trouble_ticket_base_url, appointment_base_url, work_order_base_url, token_url, client_id, client_secret_enc)
         values ('evil', 'Evil <b>Seller</b>', 'http://127.0.0.1:9/tt', 'http://127.0.0.1:9/ap', 'http://127.0.0.1:9/wo', 'http://127.0.0.1:9/t', 'c', ?) returning id`,
      )
      .get(sealSecret('s', Buffer.from('b'.repeat(64), 'hex'), 'seller:evil:clientSecret')) as { id: number };
    const doc = { id: 'TT-XSS', status: 'inProgress', description: HOSTILE, severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'down', note: [{ id: 'n', source: 'seller', author: HOSTILE, date: new Date().toISOString(), text: HOSTILE }] };
    sqlite
      .prepare(
        `insert into tickets (seller_id, seller_ticket_id, external_id, product_id, description, severity, priority, ticket_type, observed_impact, status, document, creation_date)
         values (?, 'TT-XSS', 'NOC-1999-000001', 'P-1', ?, 'minor', 'low', 'assistance', 'down', 'inProgress', ?, ?)`,
      )
      .run(seller.id, HOSTILE, JSON.stringify(doc), new Date().toISOString());
    sqlite.close();

    const context = await browser.newContext();
    const watched = await watchedPage(context);
    await signIn(watched.page, portal.baseUrl, DEMO_LOGINS.noc);
    await watched.page.goto(`${portal.baseUrl}/tickets`);
    await watched.page.getByText(HOSTILE, { exact: true }).first().waitFor({ timeout: 15_000 });
    const detail = await watched.page.goto(`${portal.baseUrl}/tickets/evil/TT-XSS`);
    if (detail && detail.status() === 200) await watched.page.waitForLoadState('networkidle');
    expect(await watched.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(watched.dialogs).toEqual([]);
    await context.close();
  });

  it('a server action replayed from another origin, or from an opaque one, is refused and changes nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
    await page.goto(`${portal.baseUrl}/tickets/contacts`);
    await page.getByLabel('Contact Name').fill('Original Contact');
    await page.getByLabel('Contact Email Address').fill('original@noc.example');
    await page.locator('form[aria-label="Add a contact"] input[type="tel"]').fill('+1 555 0101');
    const captured: Promise<PwRequest> = page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']);
    await page.getByRole('button', { name: 'Add contact' }).click();
    const action = await captured;
    await page.getByText('Original Contact', { exact: true }).first().waitFor({ timeout: 15_000 });
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const body = (action.postData() ?? '').replace('original@noc.example', 'forged@noc.example').replace('Original Contact', 'Forged Contact');
    const replay = (origin: string | undefined) =>
      fetch(`${portal.baseUrl}/tickets/contacts`, {
        method: 'POST',
        headers: {
          ...Object.fromEntries(Object.entries(action.headers()).filter(([k]) => ['next-action', 'content-type', 'accept', 'next-router-state-tree'].includes(k))),
          cookie,
          ...(origin ? { origin } : {}),
        },
        body,
      });
    for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
      const res = await replay(origin);
      expect(res.status, origin).toBeGreaterThanOrEqual(400);
    }
    const count = () => {
      const sqlite = db(portal.dbPath);
      const n = (sqlite.prepare("select count(*) as n from contacts where email_address = 'forged@noc.example'").get() as { n: number }).n;
      sqlite.close();
      return n;
    };
    expect(count()).toBe(0);
    // The same request from the portal's own origin goes through: the refusal above was the Origin check.
    const same = await replay(portal.baseUrl);
    expect(same.status).toBe(200);
    expect(count()).toBe(1);
    await context.close();
  });

  it('a password reset from Settings ends the user’s sessions: their open page goes to sign-in, their old cookie gets 401', async () => {
    const nocContext = await browser.newContext();
    const nocPage = await nocContext.newPage();
    await signIn(nocPage, portal.baseUrl, DEMO_LOGINS.noc);
    const streamOpen = nocPage.waitForResponse((r) => new URL(r.url()).pathname === '/api/live' && r.status() === 200);
    await nocPage.goto(`${portal.baseUrl}/tickets`);
    await streamOpen;
    const oldCookie = (await nocContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, portal.baseUrl, DEMO_LOGINS.admin);
    await adminPage.goto(`${portal.baseUrl}/settings/users`);
    await adminPage.getByRole('row').filter({ hasText: DEMO_LOGINS.noc.email }).getByRole('button', { name: 'Reset password' }).click();
    await adminPage.getByLabel(/^New password\*?$/).fill('a-new-noc-password-2026');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Set password' }).click();
    await adminPage.getByText(/reset and their open sessions ended/).waitFor();

    // The open page hears `event: ended` on its live stream and is sent to sign in, without anyone touching it.
    await nocPage.waitForURL((url) => url.pathname === '/login', { timeout: 30_000 });
    expect((await fetch(`${portal.baseUrl}/api/tickets/export`, { headers: { cookie: oldCookie } })).status).toBe(401);
    await signIn(nocPage, portal.baseUrl, { email: DEMO_LOGINS.noc.email, password: 'a-new-noc-password-2026' });
    expect(new URL(nocPage.url()).pathname).not.toBe('/login');
    await nocContext.close();
    await adminContext.close();
  });

  it('a user whose role is revoked loses access on the next request, and a deactivated one is signed out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, portal.baseUrl, DEMO_LOGINS.admin);
    await page.goto(`${portal.baseUrl}/settings/users`);
    expect(new URL(page.url()).pathname).toBe('/settings/users');
    const sqlite = db(portal.dbPath);
    sqlite.prepare("update users set role = 'manager' where email = ?").run(DEMO_LOGINS.admin.email);
    await page.goto(`${portal.baseUrl}/settings/users`);
    expect(new URL(page.url()).pathname).toBe('/forbidden');
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    expect((await fetch(`${portal.baseUrl}/settings/products/export`, { headers: { cookie } })).status).toBe(403);
    sqlite.prepare('update users set active = 0 where email = ?').run(DEMO_LOGINS.admin.email);
    sqlite.close();
    expect((await fetch(`${portal.baseUrl}/api/tickets/export`, { headers: { cookie } })).status).toBe(401);
    await page.goto(`${portal.baseUrl}/tickets`);
    expect(new URL(page.url()).pathname).not.toBe('/tickets');
    await context.close();
  });

  // Last: the slow-down also covers the client address, which every test here shares.
  it('sign-in through the form slows the account down after repeated failures, then lets the right password in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${portal.baseUrl}/login`);
    await page.getByLabel(/e-?mail/i).fill(DEMO_LOGINS.coordinator.email);
    /** Submits the form and returns the message it shows once next-auth has answered. */
    const submit = async (password: string): Promise<string> => {
      await page.getByLabel(/password/i).fill(password);
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials')),
        page.getByRole('button', { name: /sign in/i }).click(),
      ]);
      await page.getByRole('button', { name: /^sign in$/i }).waitFor();
      return (await page.locator('#login-error').innerText()).trim();
    };
    // Three free failures, then each failure doubles the wait (1 s, 2 s, 4 s): every guess here comes after its wait.
    for (const waitMs of [0, 0, 0, 1000, 2000, 4000]) {
      await new Promise((r) => setTimeout(r, waitMs + 200));
      expect(await submit('wrong-password')).toBe('Invalid e-mail or password.');
    }
    // Now an 8 s wait: even the right password is refused, with the time to wait.
    const refusal = await submit(DEMO_LOGINS.coordinator.password);
    expect(refusal).toMatch(/^Too many failed sign-in attempts\. Try again in [1-8] seconds?\.$/);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await context.cookies()).some((c) => c.name.endsWith('session-token'))).toBe(false);
    // Not a lock: once the wait it named is over, the right password signs in.
    const seconds = Number(/in (\d+) second/.exec(refusal)![1]);
    await new Promise((r) => setTimeout(r, seconds * 1000 + 200));
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 });
    expect((await context.cookies()).some((c) => c.name.endsWith('session-token'))).toBe(true);
    await context.close();
  });
});
