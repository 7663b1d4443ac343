/**
 * `npm run demo`: the portal with the sandbox Sellers and demo users, on a fresh machine.
 * 1. secrets for this installation (generated once into ./data/demo-secrets.json, never committed)
 * 2. the Seller sandbox in scenario mode (http://127.0.0.1:4010)
 * 3. migrate + seed the portal database, register the sandbox Sellers and their products
 * 4. build (unless DEMO_SKIP_BUILD=1) and start the portal (http://127.0.0.1:3000)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { prettyFactory } from 'pino-pretty';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_USERS } from '../db/seed';
import { writeSandboxSellersFile } from '../lib/sync/sandbox-discovery';

const ROOT = process.cwd();
const DATA = path.join(ROOT, 'data');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const PORTAL_PORT = Number(process.env.PORT ?? 3000);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 4010);
const PORTAL_URL = `http://127.0.0.1:${PORTAL_PORT}`;
const SANDBOX_URL = `http://127.0.0.1:${SANDBOX_PORT}`;

fs.mkdirSync(DATA, { recursive: true });

function installationSecrets(): { NEXTAUTH_SECRET: string; SECRETS_KEY: string } {
  const file = path.join(DATA, 'demo-secrets.json');
  if (!fs.existsSync(file)) {
    const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString('base64url'), SECRETS_KEY: randomBytes(32).toString('hex') };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// The portal writes JSON lines (lib/observability/log.ts); the demo shows them readable unless LOG_FORMAT=json.
const pretty =
  process.env.LOG_FORMAT === 'json'
    ? undefined
    : prettyFactory({
        colorize: Boolean(process.stdout.isTTY),
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,proc,component',
        singleLine: true,
        messageFormat: '{proc}/{component} {msg}',
      });

const children: ChildProcess[] = [];
function run(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const show = (line: string) => (pretty && line.startsWith('{') ? pretty(line).trimEnd() : line);
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (stream) readline.createInterface({ input: stream }).on('line', (line) => line && out.write(`[${name}] ${show(line)}\n`));
  }
  child.on('exit', (code) => {
    console.log(`[${name}] exited (${code})`);
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return res;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main(): Promise<void> {
  const secrets = installationSecrets();
  const portalEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_PATH: process.env.DATABASE_PATH ?? path.join(DATA, 'portal.db'),
    NEXTAUTH_URL: PORTAL_URL,
    PUBLIC_URL: PORTAL_URL,
    SELLERS_FILE: path.join(DATA, 'sellers.demo.json'),
    // The demo's Sellers are the sandbox on 127.0.0.1: the one loopback address Seller calls may reach, and the
    // sandbox control API that takes our listener credentials. Production sets neither.
    SELLER_EGRESS_ALLOW: process.env.SELLER_EGRESS_ALLOW ?? '127.0.0.1',
    SANDBOX_CREDENTIAL_PUSH: process.env.SANDBOX_CREDENTIAL_PUSH ?? '1',
    ...secrets,
  };

  run('sandbox', bin('tsx'), ['sandbox/main.ts'], {
    ...process.env,
    SANDBOX_PORT: String(SANDBOX_PORT),
    SANDBOX_DB: process.env.SANDBOX_DB ?? path.join(DATA, 'sandbox.db'),
    SANDBOX_MODE: process.env.SANDBOX_MODE ?? 'scenario',
    // One Seller minute per real second keeps the demo lively but readable.
    SANDBOX_CLOCK: process.env.SANDBOX_CLOCK ?? '60',
  });
  await waitFor(`${SANDBOX_URL}/_sandbox/sellers`, 60_000);
  const count = await writeSandboxSellersFile(SANDBOX_URL, portalEnv.SELLERS_FILE!);
  console.log(`${count} sandbox Sellers registered with the portal`);

  execFileSync(bin('tsx'), ['scripts/db-migrate.ts'], { env: portalEnv, stdio: 'inherit' });
  // The demo asks for its demo users explicitly: db:seed refuses them in production otherwise.
  execFileSync(bin('tsx'), ['db/seed.ts'], { env: { ...portalEnv, DEMO_USERS: '1' }, stdio: 'inherit' });
  if (process.env.DEMO_SKIP_BUILD !== '1' || !fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.log('Building the portal (about a minute)…');
    execFileSync(bin('next'), ['build'], { env: portalEnv, stdio: 'inherit' });
  }
  run('portal', bin('next'), ['start', '--hostname', '127.0.0.1', '--port', String(PORTAL_PORT)], {
    ...portalEnv,
    NODE_ENV: 'production',
  });
  await waitFor(`${PORTAL_URL}/login`, 120_000);
  // The Sellers are registered once the portal has read the sellers file: only then can they get agreements.
  execFileSync(bin('tsx'), ['--conditions=react-server', 'scripts/seed-sla-demo.ts'], { env: { ...portalEnv, SANDBOX_CLOCK: process.env.SANDBOX_CLOCK ?? '60' }, stdio: 'inherit' });
  console.log(`\nThe portal is up: ${PORTAL_URL}   (Seller sandbox: ${SANDBOX_URL})`);
  console.log('Demo users:');
  for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(12)} ${u.email.padEnd(26)} ${u.password}`);
  console.log('Stop with Ctrl+C.');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  shutdown(1);
});
