import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../support/free-port';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeSandboxSellersFile } from '../../lib/sync/sandbox-discovery';
import { E2E_LOG_DIR, recordSecrets } from './log-hygiene';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

export const DEMO_LOGINS = {
  noc: { email: 'noc@example.com', password: 'noc-demo-pass' },
  manager: { email: 'manager@example.com', password: 'manager-demo-pass' },
  coordinator: { email: 'coordinator@example.com', password: 'coordinator-demo-pass' },
  admin: { email: 'admin@example.com', password: 'admin-demo-pass' },
} as const;

export { freePort };

export async function waitForHttp(url: string, timeoutMs = 60_000, proc?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`process exited with ${proc.exitCode} before ${url} answered`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
      lastError = `status ${res.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}

export interface ManagedProcess {
  proc: ChildProcess;
  output: () => string;
  /** Graceful stop (SIGTERM to the whole process group), then SIGKILL. */
  stop: () => Promise<void>;
  /** Hard kill of the whole process group, as a crash would. */
  kill9: () => Promise<void>;
}

export function spawnManaged(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT, logFile?: string): ManagedProcess {
  const proc = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    if (logFile) fs.appendFileSync(logFile, chunk);
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (proc.pid) process.kill(-proc.pid, sig);
    } catch {
      /* already gone */
    }
  };
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    kill9: async () => {
      if (proc.exitCode !== null || proc.signalCode) return;
      signal('SIGKILL');
      await exited;
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const BUILD_ENV = {
  NEXT_TELEMETRY_DISABLED: '1',
  NEXTAUTH_SECRET: 'build-time-placeholder-secret-0123456789',
  SECRETS_KEY: '0'.repeat(64),
  DATABASE_PATH: path.join(os.tmpdir(), 'portal-build.db'),
};

/** Where the tested production build lives (E2E_DIST_DIR lets separate checkouts of work not share one). */
export const DIST_DIR = process.env.E2E_DIST_DIR ?? '.next';

/** Builds the production bundle once per test run (E2E_REUSE_BUILD=1 keeps an existing one). */
export function buildPortal(): void {
  const hasBuild = fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'));
  if (hasBuild && process.env.E2E_REUSE_BUILD === '1') return;
  // `next build` adds its output folder's type paths to tsconfig.json; a test build must not edit the project.
  const tsconfig = path.join(ROOT, 'tsconfig.json');
  const original = fs.readFileSync(tsconfig, 'utf8');
  try {
    execFileSync(BIN('next'), ['build'], {
      cwd: ROOT,
      env: { ...process.env, ...BUILD_ENV, NEXT_DIST_DIR: DIST_DIR },
      stdio: 'inherit',
    });
  } finally {
    if (fs.readFileSync(tsconfig, 'utf8') !== original) fs.writeFileSync(tsconfig, original);
  }
}

export interface SandboxHandle extends ManagedProcess {
  url: string;
  dbPath: string;
}

export async function startSandbox(opts: { mode?: 'manual' | 'scenario'; dbPath?: string; port?: number } = {}): Promise<SandboxHandle> {
  const port = opts.port ?? (await freePort());
  const dbPath = opts.dbPath ?? path.join(tempDir('sandbox-'), 'sandbox.db');
  const managed = spawnManaged(BIN('tsx'), ['sandbox/main.ts'], {
    ...process.env,
    SANDBOX_PORT: String(port),
    SANDBOX_HOST: '127.0.0.1',
    SANDBOX_DB: dbPath,
    SANDBOX_MODE: opts.mode ?? 'manual',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/_sandbox/sellers`, 60_000, managed.proc);
  return { ...managed, url, dbPath };
}

export interface PortalHandle extends ManagedProcess {
  baseUrl: string;
  dbPath: string;
  env: NodeJS.ProcessEnv;
}

/** Migrates and seeds a fresh database, then serves the production build with `next start`. */
export async function startPortal(
  opts: {
    dbPath?: string;
    port?: number;
    env?: NodeJS.ProcessEnv;
    /** Registers this sandbox's Sellers (all, or the listed slugs) through a sellers file. */
    sellersFrom?: { url: string; only?: readonly string[] };
  } = {},
): Promise<PortalHandle> {
  const port = opts.port ?? (await freePort());
  const dbPath = opts.dbPath ?? path.join(tempDir('portal-'), 'portal.db');
  const sellersEnv: { SELLERS_FILE?: string } = {};
  if (opts.sellersFrom) {
    sellersEnv.SELLERS_FILE = path.join(path.dirname(dbPath), 'sellers.json');
    await writeSandboxSellersFile(opts.sellersFrom.url, sellersEnv.SELLERS_FILE, opts.sellersFrom.only);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_PATH: dbPath,
    NEXTAUTH_URL: baseUrl,
    PUBLIC_URL: baseUrl,
    NEXTAUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456',
    SECRETS_KEY: 'b'.repeat(64),
    NEXT_DIST_DIR: DIST_DIR,
    // The sandbox Sellers on 127.0.0.1, allowed explicitly as `npm run demo` does (README, Configuration).
    SELLER_EGRESS_ALLOW: '127.0.0.1',
    SANDBOX_CREDENTIAL_PUSH: '1',
    ...sellersEnv,
    ...opts.env,
  };
  // The browser tests sign in as the demo users, which db:seed creates under NODE_ENV=production only when asked.
  execFileSync(BIN('tsx'), ['db/seed.ts'], { cwd: ROOT, env: { ...env, DEMO_USERS: '1' }, stdio: 'pipe' });
  // Every portal's log is kept for the run's final check: no secret, token or e-mail address in any line.
  const logName = `portal-${port}-${Date.now()}`;
  recordSecrets(logName, [env.NEXTAUTH_SECRET, env.SECRETS_KEY, env.METRICS_TOKEN, env.LISTENER_TOKEN_SECRET, ...Object.values(DEMO_LOGINS).map((l) => l.password), ...sellerSecrets(env.SELLERS_FILE)]);
  const managed = spawnManaged(BIN('next'), ['start', '--hostname', '127.0.0.1', '--port', String(port)], env, ROOT, path.join(E2E_LOG_DIR, `${logName}.log`));
  try {
    await waitForHttp(`${baseUrl}/login`, 60_000, managed.proc);
  } catch (err) {
    await managed.stop();
    throw new Error(`${(err as Error).message}\n${managed.output()}`);
  }
  return { ...managed, baseUrl, dbPath, env };
}

/** The Seller client secrets a sellers file hands the portal. */
function sellerSecrets(file: string | undefined): string[] {
  if (!file || !fs.existsSync(file)) return [];
  try {
    const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ clientSecret?: unknown }>;
    return entries.flatMap((e) => (typeof e.clientSecret === 'string' ? [e.clientSecret] : []));
  } catch {
    return [];
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function signIn(page: Page, baseUrl: string, login: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel(/e-?mail/i).fill(login.email);
  await page.getByLabel(/password/i).fill(login.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 });
}
