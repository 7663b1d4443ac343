import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD_SIGN_IN_OFF } from '@/lib/auth/sso-messages';
import { startTestProvider, type TestProvider } from '../support/oidc-test-provider';
import { DEMO_LOGINS, freePort, launchBrowser, startPortal, type PortalHandle } from './harness';

const SSO_NAME = 'Test SSO';

let idp: TestProvider;
let portal: PortalHandle;
let ssoOnlyPortal: PortalHandle;
let browser: Browser;

beforeAll(async () => {
  const [idpPort, portalPort, ssoOnlyPort] = [await freePort(), await freePort(), await freePort()];
  idp = await startTestProvider({
    port: idpPort,
    portalUrls: [`http://127.0.0.1:${portalPort}`, `http://127.0.0.1:${ssoOnlyPort}`],
  });
  const sso = {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_NAME: SSO_NAME,
    OIDC_SCOPES: 'openid email profile groups',
    OIDC_DEFAULT_ROLE: 'noc',
    NODE_ENV: 'production' as const,
  };
  portal = await startPortal({
    port: portalPort,
    env: {
      ...sso,
      OIDC_LINK_VERIFIED_EMAIL: 'true',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'portal-managers=manager,field-coordinators=coordinator',
    },
  });
  ssoOnlyPortal = await startPortal({
    port: ssoOnlyPort,
    env: { ...sso, OIDC_ONLY: 'true', OIDC_BREAK_GLASS_EMAIL: DEMO_LOGINS.admin.email },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await ssoOnlyPortal?.stop();
  await idp?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  // Three servers and a browser share two busy cores here: waits get room, nothing is timed.
  context.setDefaultTimeout(60_000);
  // The provider's development pages import a web font; this network has no way out.
  await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
  return context.newPage();
}

/** Clicks the SSO button on the portal's login page and signs in at the provider's own login form. */
async function ssoSignIn(page: Page, baseUrl: string, account: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await startSso(page);
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.locator('input[name="login"]').fill(account);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((url) => url.origin === baseUrl && !url.pathname.startsWith('/api/'), { timeout: 60_000 });
}

async function startSso(page: Page): Promise<void> {
  await page.getByRole('button', { name: `Continue with ${SSO_NAME}` }).click();
}

async function loginError(page: Page): Promise<string> {
  // Next's route announcer is an empty alert region too: take the one that says something.
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });
  await alert.waitFor();
  return alert.innerText();
}

async function expectSignedOut(page: Page, baseUrl: string): Promise<void> {
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.goto(`${baseUrl}/tickets`);
  expect(new URL(page.url()).pathname).toBe('/login');
}

function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function writeDb(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  active: number;
}

function userByEmail(file: string, email: string): UserRow | undefined {
  return readDb(file, (db) => db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined);
}

function identitiesOf(file: string, subject: string): Array<{ issuer: string; subject: string; user_id: number; last_email: string }> {
  return readDb(file, (db) => db.prepare('SELECT * FROM sso_identities WHERE subject = ?').all(subject) as never);
}

function userCount(file: string): number {
  return readDb(file, (db) => (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n);
}

describe('single sign-on with an OpenID Connect provider', () => {
  it('takes the e-mail from the userinfo endpoint when the ID token leaves it out, and creates a user with the default role', async () => {
    idp.accounts.set('ulla', { email: 'ulla@corp.example', emailVerified: true, name: 'Ulla Berg' });
    const userinfoBefore = idp.hits.get('/me') ?? 0;
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'ulla');

    expect(new URL(page.url()).pathname).toBe('/tickets');
    expect(await page.getByTestId('user-name').innerText()).toBe('Ulla Berg');
    expect(await page.getByTestId('user-role').innerText()).toBe('NOC operator');
    expect(idp.hits.get('/me') ?? 0).toBeGreaterThan(userinfoBefore);
    const user = userByEmail(portal.dbPath, 'ulla@corp.example');
    expect(user).toMatchObject({ role: 'noc', password_hash: null, active: 1 });
    expect(identitiesOf(portal.dbPath, 'ulla')).toEqual([
      expect.objectContaining({ issuer: idp.issuer, subject: 'ulla', user_id: user!.id, last_email: 'ulla@corp.example' }),
    ]);
    await page.context().close();
  });

  it('takes the e-mail from the ID token when it is there, without asking userinfo', async () => {
    idp.accounts.set('ida', { email: 'Ida@Corp.example', emailVerified: true, name: 'Ida Lund', groups: [], claimsInIdToken: true });
    const userinfoBefore = idp.hits.get('/me') ?? 0;
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'ida');

    expect(new URL(page.url()).pathname).toBe('/tickets');
    expect(await page.getByTestId('user-name').innerText()).toBe('Ida Lund');
    expect(idp.hits.get('/me') ?? 0).toBe(userinfoBefore);
    expect(userByEmail(portal.dbPath, 'ida@corp.example')).toMatchObject({ role: 'noc', name: 'Ida Lund' });
    await page.context().close();
  });

  it("refuses an unverified e-mail equal to a local administrator's, and writes nothing", async () => {
    idp.accounts.set('mallory', { email: 'admin@example.com', emailVerified: false, name: 'Mallory', groups: [], claimsInIdToken: true });
    const admin = userByEmail(portal.dbPath, DEMO_LOGINS.admin.email)!;
    const users = userCount(portal.dbPath);
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'mallory');

    expect(await loginError(page)).toMatch(/already exists, and Test SSO has not verified that e-mail/);
    await expectSignedOut(page, portal.baseUrl);
    expect(userByEmail(portal.dbPath, DEMO_LOGINS.admin.email)).toEqual(admin);
    expect(userCount(portal.dbPath)).toBe(users);
    expect(identitiesOf(portal.dbPath, 'mallory')).toEqual([]);
    expect(portal.output()).toMatch(/\[sso\] sign-in refused \(SsoEmailUnverified\)/);
    await page.context().close();
  });

  it('links a local account on a verified e-mail, and a later change of e-mail at the provider does not move the identity', async () => {
    const noc = userByEmail(portal.dbPath, DEMO_LOGINS.noc.email)!;
    idp.accounts.set('nora', { email: DEMO_LOGINS.noc.email, emailVerified: true, name: 'N. Okafor', groups: [] });
    const first = await newPage();
    await ssoSignIn(first, portal.baseUrl, 'nora');
    expect(await first.getByTestId('user-name').innerText()).toBe(noc.name);
    await first.context().close();

    idp.accounts.set('nora', { email: DEMO_LOGINS.manager.email, emailVerified: true, name: 'N. Okafor', groups: [] });
    const second = await newPage();
    await ssoSignIn(second, portal.baseUrl, 'nora');
    expect(await second.getByTestId('user-name').innerText()).toBe(noc.name);
    expect(await second.getByTestId('user-role').innerText()).toBe('NOC operator');
    expect(identitiesOf(portal.dbPath, 'nora')).toEqual([
      expect.objectContaining({ user_id: noc.id, last_email: DEMO_LOGINS.manager.email }),
    ]);
    expect(userByEmail(portal.dbPath, DEMO_LOGINS.manager.email)?.role).toBe('manager');
    await second.context().close();
  });

  it('maps directory groups to roles at every sign-in, and signing out ends the provider session too', async () => {
    idp.accounts.set('gina', { email: 'gina@corp.example', emailVerified: true, name: 'Gina Holm', groups: ['staff', 'portal-managers'] });
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'gina');
    expect(await page.getByTestId('user-role').innerText()).toBe('Manager');

    const endSessionBefore = idp.hits.get('/session/end') ?? 0;
    await page.getByRole('button', { name: /^Account:/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === idp.issuer && url.pathname.startsWith('/session/end'));
    expect(idp.hits.get('/session/end')).toBeGreaterThan(endSessionBefore);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.origin === portal.baseUrl && url.pathname === '/login');
    await expectSignedOut(page, portal.baseUrl);

    // Taken out of the managers' group, put in the coordinators': the provider asks for the login again, since
    // its session ended with the portal's.
    idp.accounts.set('gina', { email: 'gina@corp.example', emailVerified: true, name: 'Gina Holm', groups: ['staff', 'field-coordinators'] });
    await ssoSignIn(page, portal.baseUrl, 'gina');
    expect(await page.getByTestId('user-role').innerText()).toBe('Field coordinator');
    expect(userByEmail(portal.dbPath, 'gina@corp.example')?.role).toBe('coordinator');
    await page.context().close();

    idp.accounts.set('gina', { email: 'gina@corp.example', emailVerified: true, name: 'Gina Holm', groups: ['staff'] });
    const third = await newPage();
    await ssoSignIn(third, portal.baseUrl, 'gina');
    expect(await third.getByTestId('user-role').innerText()).toBe('NOC operator');
    const changes = readDb(portal.dbPath, (db) =>
      db.prepare("SELECT detail FROM audit_log WHERE action = 'user.role.directory' ORDER BY id").all() as Array<{ detail: string }>,
    ).map((row) => JSON.parse(row.detail) as { from: string; to: string });
    expect(changes).toEqual([
      expect.objectContaining({ from: 'manager', to: 'coordinator' }),
      expect.objectContaining({ from: 'coordinator', to: 'noc' }),
    ]);
    await third.context().close();
  });

  it('tells a deactivated user so', async () => {
    writeDb(portal.dbPath, 'UPDATE users SET active = 0 WHERE email = ?', 'gina@corp.example');
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'gina');
    expect(await loginError(page)).toMatch(/Your portal account is deactivated/);
    await expectSignedOut(page, portal.baseUrl);
    await page.context().close();
  });

  it('tells the user when the provider gives no e-mail at all', async () => {
    idp.accounts.set('nemo', { name: 'Nemo' });
    const users = userCount(portal.dbPath);
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'nemo');
    expect(await loginError(page)).toMatch(/did not give the portal an e-mail address/);
    await expectSignedOut(page, portal.baseUrl);
    expect(userCount(portal.dbPath)).toBe(users);
    expect(identitiesOf(portal.dbPath, 'nemo')).toEqual([]);
    await page.context().close();
  });

  it('says the sign-in was cancelled when the user cancels at the provider', async () => {
    const page = await newPage();
    await page.goto(`${portal.baseUrl}/login`);
    await startSso(page);
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    expect(await loginError(page)).toMatch(/cancelled or refused at Test SSO/);
    await expectSignedOut(page, portal.baseUrl);
    await page.context().close();
  });

  it('says single sign-on is misconfigured when the provider refuses the portal as a client, and logs why without stack or token', async () => {
    idp.accounts.set('ulla', { email: 'ulla@corp.example', emailVerified: true, name: 'Ulla Berg' });
    idp.refuseClient = true;
    try {
      const page = await newPage();
      await ssoSignIn(page, portal.baseUrl, 'ulla');
      expect(await loginError(page)).toMatch(/not set up correctly between the portal and Test SSO/);
      await expectSignedOut(page, portal.baseUrl);
      await page.context().close();
    } finally {
      idp.refuseClient = false;
    }
    const log = portal.output();
    expect(log).toMatch(/\[sso\] sign-in failed \(SsoMisconfigured\) at OAUTH_CALLBACK_ERROR: .*invalid_client/);
    expect(log).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });

  it('says the provider cannot be reached when it is down, and signs in again once it is back', async () => {
    await idp.stop();
    try {
      const page = await newPage();
      await page.goto(`${portal.baseUrl}/login`);
      await startSso(page);
      expect(await loginError(page)).toMatch(/Test SSO could not be reached/);
      await expectSignedOut(page, portal.baseUrl);
      expect(portal.output()).toMatch(/\[sso\] sign-in failed \(SsoUnreachable\) at SIGNIN_OAUTH_ERROR: .*ECONNREFUSED/);
      await page.context().close();
    } finally {
      await idp.start();
    }
    const page = await newPage();
    await ssoSignIn(page, portal.baseUrl, 'ida');
    expect(new URL(page.url()).pathname).toBe('/tickets');
    await page.context().close();
  });
});

describe('SSO links in user administration', () => {
  it('shows who signs in how, and an administrator unlinks an identity, which links again only on a verified e-mail', async () => {
    const ida = userByEmail(portal.dbPath, 'ida@corp.example')!;
    const page = await newPage();
    await page.goto(`${portal.baseUrl}/login`);
    await page.getByLabel('E-mail').fill(DEMO_LOGINS.admin.email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tickets');
    await page.goto(`${portal.baseUrl}/settings/users`);
    const row = page.getByRole('row').filter({ hasText: 'ida@corp.example' });
    expect(await row.getByText('SSO only', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: DEMO_LOGINS.noc.email }).getByText('Password and SSO').count()).toBe(1);

    await row.getByRole('button', { name: 'Unlink SSO' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Unlink SSO' }).click();
    await page.getByText('Ida Lund is no longer linked to single sign-on.').waitFor();
    expect(identitiesOf(portal.dbPath, 'ida')).toEqual([]);
    await row.getByText('SSO only, not linked').waitFor();
    await page.context().close();

    idp.accounts.set('ida', { email: 'ida@corp.example', emailVerified: false, name: 'Ida Lund', groups: [], claimsInIdToken: true });
    const refused = await newPage();
    await ssoSignIn(refused, portal.baseUrl, 'ida');
    expect(await loginError(refused)).toMatch(/has not verified that e-mail/);
    await refused.context().close();

    idp.accounts.set('ida', { email: 'ida@corp.example', emailVerified: true, name: 'Ida Lund', groups: [], claimsInIdToken: true });
    const relinked = await newPage();
    await ssoSignIn(relinked, portal.baseUrl, 'ida');
    expect(new URL(relinked.url()).pathname).toBe('/tickets');
    expect(identitiesOf(portal.dbPath, 'ida')).toEqual([expect.objectContaining({ user_id: ida.id })]);
    await relinked.context().close();
  });
});

describe('SSO-only mode', () => {
  it('shows only the SSO button, and an SSO user signs in with it', async () => {
    const page = await newPage();
    await page.goto(`${ssoOnlyPortal.baseUrl}/login`);
    await page.getByRole('button', { name: `Continue with ${SSO_NAME}` }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(0);

    idp.accounts.set('olga', { email: 'olga@corp.example', emailVerified: true, name: 'Olga Sand', claimsInIdToken: true });
    await ssoSignIn(page, ssoOnlyPortal.baseUrl, 'olga');
    expect(new URL(page.url()).pathname).toBe('/tickets');
    expect(await page.getByTestId('user-name').innerText()).toBe('Olga Sand');
    await page.context().close();
  });

  it('refuses a password for anyone but the break-glass administrator, even the right one', async () => {
    const page = await newPage();
    await page.goto(`${ssoOnlyPortal.baseUrl}/login?breakGlass=1`);
    await page.getByLabel('E-mail').fill(DEMO_LOGINS.noc.email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.noc.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await loginError(page)).toBe(PASSWORD_SIGN_IN_OFF);
    await expectSignedOut(page, ssoOnlyPortal.baseUrl);
    await page.context().close();
  });

  it('lets the break-glass administrator in with a password', async () => {
    const page = await newPage();
    await page.goto(`${ssoOnlyPortal.baseUrl}/login?breakGlass=1`);
    await page.getByText('Password sign-in is reserved for the emergency administrator account.').waitFor();
    await page.getByLabel('E-mail').fill(DEMO_LOGINS.admin.email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tickets');
    expect(await page.getByTestId('user-role').innerText()).toBe('Administrator');
    await page.context().close();
  });
});
