import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { integrityCheck } from '../../db/integrity';
import { formatExternalId } from '../../lib/domain/ticket-external-id';
import { DEMO_LOGINS, ROOT, launchBrowser, signIn, startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from './harness';

/**
 * A backup taken while Seller notifications stream in, restored into a fresh directory and served by a second
 * portal: the queue shows the same tickets and the restored file passes integrity_check.
 */

const TICKETS = 24;
const RUN = `bk${Date.now().toString(36)}`;

interface Discovered {
  slug: string;
  baseUrls: { troubleTicket: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string }>;
}

let sandbox: SandboxHandle;
let portal: PortalHandle;
let restored: PortalHandle | undefined;
let browser: Browser;
let acme: Discovered;
let ids: string[] = [];

function npm(script: 'backup' | 'restore', file: string, dbPath: string): { code: number; out: string } {
  try {
    const out = execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [`scripts/${script}.ts`, file], { cwd: ROOT, env: { ...process.env, DATABASE_PATH: dbPath }, stdio: 'pipe' });
    return { code: 0, out: out.toString() };
  } catch (err) {
    const e = err as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

function readRows<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function sandboxToken(): Promise<string> {
  const res = await fetch(acme.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: acme.clientSecret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function sellerChange(id: string, priority: string): Promise<void> {
  const res = await fetch(`${sandbox.url}/_sandbox/acme/tickets/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sellerPriority: priority }),
  });
  expect(res.ok, `PATCH ${id}`).toBe(true);
}

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'manual' });
  acme = ((await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: Discovered[] }).sellers.find((s) => s.slug === 'acme')!;
  portal = await startPortal({ sellersFrom: { url: sandbox.url, only: ['acme'] } });
  browser = await launchBrowser();
  await until('the hub at acme and its listener credentials', async () => {
    const hubs = readRows<{ state: string }>(portal.dbPath, "select state from notification_hubs where api = 'troubleTicket'");
    if (hubs[0]?.state !== 'registered') return false;
    return Boolean(((await (await fetch(`${sandbox.url}/_sandbox/acme/buyer-auth`)).json()) as { clientId?: string }).clientId);
  });
  // Tickets that exist at the Seller; its first change brings each one into our cache through a notification.
  const token = await sandboxToken();
  for (let i = 0; i < TICKETS; i++) {
    const res = await fetch(`${acme.baseUrls.troubleTicket}/troubleTicket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json;charset=utf-8' },
      body: JSON.stringify({
        description: `${RUN} circuit ${i}: packet loss on the access link`,
        observedImpact: 'degraded',
        priority: 'medium',
        severity: 'moderate',
        ticketType: 'assistance',
        externalId: formatExternalId(2098, i + 1),
        relatedContactInformation: [{ name: 'Rita Reporter', number: '+44 20 7946 0000', emailAddress: 'rita@buyer.example', role: 'reporterContact' }],
        relatedEntity: [{ '@referredType': 'Product', id: acme.products[0]!.id, role: 'affectedProduct' }],
      }),
    });
    expect(res.status).toBe(201);
    ids.push(((await res.json()) as { id: string }).id);
  }
  for (const id of ids) await sellerChange(id, 'high');
  await until(`${TICKETS} tickets in the cache`, () => readRows<{ n: number }>(portal.dbPath, 'select count(*) as n from tickets')[0]!.n === TICKETS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await restored?.stop();
  await portal?.stop();
  await sandbox?.stop();
});

describe('backup and restore', () => {
  const dir = tempDir('backup-e2e-');
  const backupFile = path.join(dir, 'nightly', 'portal.db');

  it('takes a sound backup while notifications stream in', async () => {
    let streaming = true;
    let sent = 0;
    const load = (async () => {
      for (let round = 0; streaming; round++) {
        await sellerChange(ids[round % ids.length]!, round % 2 ? 'low' : 'medium');
        sent++;
      }
    })();
    await until('notifications flowing', () => sent >= 20);
    const received = readRows<{ n: number }>(portal.dbPath, 'select count(*) as n from inbox')[0]!.n;
    const result = npm('backup', backupFile, portal.dbPath);
    const sentDuringBackup = sent;
    await until('notifications still flowing after the backup', () => sent >= sentDuringBackup + 10);
    streaming = false;
    await load;
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(new RegExp(`Backup written to .*portal\\.db \\(\\d+ bytes, ${TICKETS} tickets, \\d+ audit entries\\); integrity_check: ok`));
    expect(integrityCheck(backupFile)).toEqual(['ok']);
    expect(fs.readdirSync(path.dirname(backupFile))).toEqual(['portal.db']);
    // A consistent copy of a moment inside the load: at least what had arrived before it began.
    expect(readRows<{ n: number }>(backupFile, 'select count(*) as n from inbox')[0]!.n).toBeGreaterThanOrEqual(received);
  });

  it('refuses to restore over the running portal’s database, and leaves it untouched', () => {
    const before = readRows<{ n: number }>(portal.dbPath, 'select count(*) as n from tickets')[0]!.n;
    const refused = npm('restore', backupFile, portal.dbPath);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Restore refused: .* is open in another process \(is the portal running\?\): stop the portal, then restore/);
    expect(fs.readdirSync(path.dirname(portal.dbPath)).filter((f) => /restoring|before-restore/.test(f))).toEqual([]);
    expect(readRows<{ n: number }>(portal.dbPath, 'select count(*) as n from tickets')[0]!.n).toBe(before);
  });

  it('restores into a fresh directory, and a portal started on it shows the same tickets', async () => {
    await portal.stop();
    const fresh = path.join(tempDir('restored-'), 'portal.db');
    const result = npm('restore', backupFile, fresh);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(new RegExp(`Restored .*portal\\.db from .* \\(${TICKETS} tickets, \\d+ audit entries\\)`));
    expect(integrityCheck(fresh)).toEqual(['ok']);
    const expected = readRows<{ externalId: string }>(backupFile, 'select external_id as externalId from tickets order by external_id').map((r) => r.externalId);
    expect(expected).toHaveLength(TICKETS);

    restored = await startPortal({ dbPath: fresh });
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(page, restored.baseUrl, DEMO_LOGINS.noc);
    await page.goto(`${restored.baseUrl}/tickets?q=${RUN}`);
    await expect.poll(() => page.getByTestId('ticket-row').count(), { timeout: 30_000 }).toBe(TICKETS);
    const shown = (await page.locator('table').textContent()) ?? '';
    for (const externalId of expected) expect(shown).toContain(externalId);
    expect(integrityCheck(fresh)).toEqual(['ok']);
  });
});
