import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '@/db/schema';
import { INVALID_LOGIN } from '@/lib/auth/options';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { DEMO_LOGINS, launchBrowser, signIn, startPortal, type PortalHandle } from './harness';

const WORK_AREAS = ['Tickets', 'Incidents', 'Appointments', 'Work orders', 'Dashboard'];
const EXPECTED_NAVIGATION: Record<Role, string[]> = {
  noc: WORK_AREAS,
  manager: [...WORK_AREAS, 'Service levels', 'Audit trail'],
  coordinator: WORK_AREAS,
  admin: [...WORK_AREAS, 'Service levels', 'Audit trail', 'Settings'],
};

let portal: PortalHandle;
let browser: Browser;

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  return context.newPage();
}

function mainNavigation(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
}

describe('signing in as each role', () => {
  for (const role of Object.keys(EXPECTED_NAVIGATION) as Role[]) {
    it(`${ROLE_LABELS[role]} sees exactly their navigation, then signs out`, async () => {
      const page = await newPage();
      await signIn(page, portal.baseUrl, DEMO_LOGINS[role]);
      expect(new URL(page.url()).pathname).toBe('/tickets');

      const links = mainNavigation(page).getByRole('link');
      expect((await links.allInnerTexts()).map((t) => t.trim())).toEqual(EXPECTED_NAVIGATION[role]);
      expect(await mainNavigation(page).getByRole('link', { name: 'Tickets' }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByTestId('user-role').innerText()).toBe(ROLE_LABELS[role]);
      await expect(page.getByRole('heading', { level: 1, name: 'Tickets' }).isVisible()).resolves.toBe(true);

      await mainNavigation(page).getByRole('link', { name: 'Work orders' }).click();
      await page.waitForURL((url) => url.pathname === '/work-orders');
      expect(await mainNavigation(page).getByRole('link', { name: 'Work orders' }).getAttribute('aria-current')).toBe(
        'page',
      );
      expect(await mainNavigation(page).getByRole('link', { name: 'Tickets' }).getAttribute('aria-current')).toBeNull();
      // Asking the Sellers again is for roles that act; a manager's button is disabled and says why.
      const refresh = page.getByRole('button', { name: 'Refresh from Sellers' });
      expect(await refresh.isDisabled()).toBe(role === 'manager');
      if (role === 'manager') expect(await refresh.getAttribute('title')).toMatch(/^Managers read what the Sellers have sent/);

      await signOut(page);
      await page.goto(`${portal.baseUrl}/tickets`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.context().close();
    });
  }
});

describe('the sign-in page', () => {
  it('gives one generic message for a wrong password and stays on the form', async () => {
    const page = await newPage();
    await page.goto(`${portal.baseUrl}/login`);
    await page.getByLabel('E-mail').fill(DEMO_LOGINS.noc.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Next's route announcer is an empty alert region too: take the one that says something.
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await alert.waitFor();
    expect((await alert.innerText()).trim()).toBe(INVALID_LOGIN);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.context().close();
  });

  it('returns to the page that asked for sign-in, but never to another site', async () => {
    const page = await newPage();
    await page.goto(`${portal.baseUrl}/incidents`);
    const login = new URL(page.url());
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('callbackUrl')).toBe('/incidents');
    await page.getByLabel('E-mail').fill(DEMO_LOGINS.manager.email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/incidents');
    await signOut(page);

    await page.goto(`${portal.baseUrl}/login?callbackUrl=${encodeURIComponent('//evil.example/tickets')}`);
    await page.getByLabel('E-mail').fill(DEMO_LOGINS.manager.email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/tickets');
    expect(new URL(page.url()).origin).toBe(portal.baseUrl);
    await page.context().close();
  });

  it('shows a role without the permission why it cannot open a page', async () => {
    const page = await newPage();
    await signIn(page, portal.baseUrl, DEMO_LOGINS.noc);
    await page.goto(`${portal.baseUrl}/forbidden?need=settings.view`);
    await page.getByText('Settings are for administrators.').waitFor();
    expect(await mainNavigation(page).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.context().close();
  });
});
