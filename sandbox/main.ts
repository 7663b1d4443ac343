import { deliveryConcurrencyFromEnv, startSandbox, type SandboxMode } from './server';
import { sandboxSellers } from './sellers';

const port = Number(process.env.SANDBOX_PORT ?? '4010');
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const dbPath = process.env.SANDBOX_DB ?? './data/sandbox.db';
const modeEnv = process.env.SANDBOX_MODE ?? 'scenario';
const clockSpeed = Number(process.env.SANDBOX_CLOCK ?? '1');

if (modeEnv !== 'scenario' && modeEnv !== 'manual') {
  console.error(`SANDBOX_MODE must be scenario or manual, not ${modeEnv}`);
  process.exit(1);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, not ${process.env.SANDBOX_PORT}`);
  process.exit(1);
}
if (!(clockSpeed > 0)) {
  console.error(`SANDBOX_CLOCK must be a positive speed factor, not ${process.env.SANDBOX_CLOCK}`);
  process.exit(1);
}

let deliveryConcurrency: number | undefined;
try {
  deliveryConcurrency = deliveryConcurrencyFromEnv();
  sandboxSellers();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const sandbox = await startSandbox({ port, host, dbPath, mode: modeEnv as SandboxMode, clockSpeed, deliveryConcurrency });
console.log(`[sandbox] Sellers listening on ${sandbox.url} (mode ${modeEnv}, db ${dbPath}); discovery: ${sandbox.url}/_sandbox/sellers`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[sandbox] ${signal}: shutting down`);
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
