/**
 * `node --conditions=react-server --import tsx scripts/bench-listener.ts [events] [concurrency]`
 *
 * Seller notifications end to end, on a fresh temporary database, against the sandbox (in this process):
 *  1. listener throughput: `events` (default 2000) distinct events POSTed over HTTP with a real token, `concurrency`
 *     (default 32) at a time, about 50 tickets; requests per second and p50/p95/p99 answer times (each 204 follows a
 *     durable commit), then how long the worker takes to apply the backlog;
 *  2. end-to-end delay: a Seller-side change made through the sandbox control API until the live event for the
 *     updated cache row (sandbox notifier → token → listener → inbox → GET → cache → live channel), p50/p95.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const events = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 32);
const delaySamples = Number(process.env.BENCH_DELAY_SAMPLES ?? 40);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-listener-'));
Object.assign(process.env, {
  DATABASE_PATH: path.join(dir, 'portal.db'),
  NEXTAUTH_SECRET: 'bench-secret-bench-secret-bench-secret-01',
  SECRETS_KEY: 'c'.repeat(64),
});

const { getDb, closeDb } = await import('../db/index');
const { inbox, products, sellers } = await import('../db/schema');
const { resetEnv } = await import('../lib/env');
const { sealClientSecret } = await import('../lib/data/sellers');
const { rotateListenerCredential } = await import('../lib/auth/listener-auth');
const { syncAllSellerNotifications } = await import('../lib/sync/hub-registration');
const { startInboxWorker } = await import('../lib/sync/inbox-worker');
const { subscribe } = await import('../lib/live/channel');
const { startSandbox } = await import('../sandbox/server');
const { startListenerServer } = await import('../tests/integration/notifications/listener-server');

const portal = await startListenerServer();
process.env.PUBLIC_URL = portal.url;
process.env.NEXTAUTH_URL = portal.url;
resetEnv();
const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', dbPath: path.join(dir, 'sandbox.db'), mode: 'manual', latency: false });
const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as {
  sellers: Array<{ slug: string; baseUrls: Record<'troubleTicket' | 'appointment' | 'workOrder', string>; tokenUrl: string; clientId: string; clientSecret: string; products: Array<{ id: string; name: string }> }>;
};
const acme = discovery.sellers.find((s) => s.slug === 'acme')!;
const [seller] = await getDb()
  .insert(sellers)
  .values({
    slug: 'acme',
    name: 'Acme',
    troubleTicketBaseUrl: acme.baseUrls.troubleTicket,
    appointmentBaseUrl: acme.baseUrls.appointment,
    workOrderBaseUrl: acme.baseUrls.workOrder,
    tokenUrl: acme.tokenUrl,
    clientId: acme.clientId,
    clientSecretEnc: sealClientSecret(acme.clientSecret),
  })
  .returning();
for (const p of acme.products) await getDb().insert(products).values({ sellerId: seller!.id, productId: p.id, label: p.name }).run();
await syncAllSellerNotifications({ pushCredentials: true });

const buyerToken = (await (
  await fetch(acme.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: acme.clientSecret }),
  })
).json()) as { access_token: string };

async function openTicket(i: number): Promise<string> {
  const res = await fetch(`${acme.baseUrls.troubleTicket}/troubleTicket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${buyerToken.access_token}`, 'content-type': 'application/json;charset=utf-8' },
    body: JSON.stringify({
      description: `Bench ticket ${i}`,
      observedImpact: 'down',
      priority: 'high',
      severity: 'significant',
      ticketType: 'assistance',
      externalId: `BENCH-${i}`,
      relatedContactInformation: [{ name: 'Bench', number: '+1 555 0100', emailAddress: 'bench@buyer.example', role: 'reporterContact' }],
      relatedEntity: [{ '@referredType': 'Product', id: acme.products[0]!.id, role: 'affectedProduct' }],
    }),
  });
  return ((await res.json()) as { id: string }).id;
}

const ticketIds: string[] = [];
for (let i = 0; i < 50; i++) ticketIds.push(await openTicket(i));

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const fmt = (n: number) => n.toFixed(1).padStart(7);

// 1. Listener throughput (worker off, so the listener is measured alone; then the backlog is applied).
const issued = await rotateListenerCredential(seller!, 'onboarding', { keepOthers: true });
const { access_token: token } = (await (
  await fetch(`${portal.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: issued.clientId, client_secret: issued.clientSecret }),
  })
).json()) as { access_token: string };
const listenerUrl = `${portal.url}/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketAttributeValueChangeEvent`;
const times: number[] = [];
let next = 0;
let refused = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= events) return;
      const body = JSON.stringify({
        eventId: `bench-${i}`,
        eventTime: new Date().toISOString(),
        eventType: 'troubleTicketAttributeValueChangeEvent',
        event: { id: ticketIds[i % ticketIds.length] },
      });
      const t = performance.now();
      const res = await fetch(listenerUrl, { method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8', authorization: `Bearer ${token}` }, body });
      await res.arrayBuffer();
      times.push(performance.now() - t);
      if (res.status !== 204) refused += 1;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const stored = (await getDb().select().from(inbox).all()).length;

const applyStart = performance.now();
const worker = startInboxWorker({ pollMs: 50 });
await worker.idle();
const applySeconds = (performance.now() - applyStart) / 1000;

// 2. End-to-end delay: Seller change → live event for the updated cache row.
const delays: number[] = [];
const waiters = new Map<string, (at: number) => void>();
const unsubscribe = subscribe((e) => {
  if (e.topic !== 'ticket' || !e.payload.id) return;
  const key = `${e.payload.id}|${e.payload.status}`;
  waiters.get(key)?.(performance.now());
});
const cycle = ['inProgress', 'pending', 'inProgress'] as const;
for (let i = 0; i < delaySamples; i++) {
  const id = ticketIds[i % ticketIds.length]!;
  const status = cycle[Math.floor(i / ticketIds.length) % cycle.length]!;
  const seen = new Promise<number>((resolve) => waiters.set(`${id}|${status}`, resolve));
  const t = performance.now();
  const res = await fetch(`${sandbox.url}/_sandbox/acme/tickets/${id}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  if (!res.ok) throw new Error(`control API ${res.status}: ${await res.text()}`);
  const at = await Promise.race([seen, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no live event within 10 s')), 10_000))]);
  delays.push(at - t);
  waiters.delete(`${id}|${status}`);
}
unsubscribe();
delays.sort((a, b) => a - b);

console.log(`listener: ${events} events, ${concurrency} concurrent, over HTTP with a bearer token`);
console.log(`  throughput        ${(events / elapsed).toFixed(0).padStart(7)} events/s  (${elapsed.toFixed(2)} s, ${stored} stored, ${refused} refused)`);
console.log(`  answer time       p50 ${fmt(quantile(times, 0.5))} ms   p95 ${fmt(quantile(times, 0.95))} ms   p99 ${fmt(quantile(times, 0.99))} ms`);
console.log(`  backlog applied   ${applySeconds.toFixed(2)} s for ${stored} events over ${ticketIds.length} tickets (one GET settles every pending event of a ticket)`);
console.log(`end-to-end: Seller change (sandbox control API) → live event with the new status, ${delaySamples} samples`);
console.log(`  delay             p50 ${fmt(quantile(delays, 0.5))} ms   p95 ${fmt(quantile(delays, 0.95))} ms   max ${fmt(delays.at(-1) ?? NaN)} ms`);

await worker.stop();
await sandbox.close();
await portal.close();
closeDb();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
