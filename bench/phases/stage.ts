/**
 * The stage every measurement shares: a portal production build served by `next start` on a database holding a
 * generated ticket cache, the Seller sandbox (manual mode) registered as its Sellers, tickets that exist at the
 * sandbox Seller and in our cache, and listener credentials of our own for the ingest load.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { and, count, eq } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { openDatabase } from '../../db';
import * as schema from '../../db/schema';
import { notificationHubs, sellers, tickets } from '../../db/schema';
import { seedDemoUsers } from '../../db/seed';
import { formatExternalId } from '../../lib/domain/ticket-external-id';
import { startPortal, startSandbox, tempDir, type PortalHandle, type SandboxHandle } from '../../tests/e2e/harness';
import { ensureVolumeSellers, seedTickets, seedWorkforce, type VolumeSellers } from '../scale/seed-cache';

export const INGEST_SELLER = 'acme';
export const INGEST_EVENT = 'troubleTicketStatusChangeEvent';
export const INGEST_SCOPE = 'listenToTroubleTicketStatusChangeEvent';

interface DiscoveredSeller {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site?: { id: string; name: string; address: string | Record<string, string>; timeZone: string } }>;
}

export interface Stage {
  root: string;
  sandbox: SandboxHandle;
  portal: PortalHandle;
  volume: VolumeSellers;
  cachedTickets: number;
  /** Our id of the Seller the ingest and end-to-end loads are about. */
  sellerId: number;
  /** Tickets that exist at that Seller and in our cache. */
  sellerTicketIds: string[];
  /** Read-only view of the portal database, for checks that must not disturb it. */
  reader: BetterSQLite3Database<typeof schema>;
  nowMs: number;
  log: (line: string) => void;
  stop(): Promise<void>;
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function sellerToken(seller: DiscoveredSeller): Promise<string> {
  const res = await fetch(seller.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: seller.clientId, client_secret: seller.clientSecret }),
  });
  if (!res.ok) throw new Error(`sandbox token for ${seller.slug}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function inBatches<T>(items: T[], parallel: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** Grows the cache of a (possibly running) portal to `total` tickets. */
export async function growCache(dbPath: string, from: number, total: number, nowMs: number): Promise<{ volume: VolumeSellers; ms: number }> {
  const { db, sqlite } = openDatabase(dbPath);
  try {
    const started = performance.now();
    const sellersOfVolume = await ensureVolumeSellers(db);
    if (total > from) seedTickets(db, sqlite, sellersOfVolume, from, total - from, nowMs);
    seedWorkforce(db, sellersOfVolume, 2000, nowMs);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { volume: sellersOfVolume, ms: performance.now() - started };
  } finally {
    sqlite.close();
  }
}

export interface StageOptions {
  tickets: number;
  sellerTickets: number;
  log: (line: string) => void;
}

export async function startStage(options: StageOptions): Promise<Stage> {
  const { log } = options;
  const root = tempDir('portal-bench-');
  const dbPath = path.join(root, 'portal.db');
  const nowMs = Date.now();
  await seedDemoUsers(dbPath);
  const grown = await growCache(dbPath, 0, options.tickets, nowMs);
  log(`cache: ${options.tickets} tickets generated in ${(grown.ms / 1000).toFixed(1)} s`);

  const sandbox = await startSandbox({ mode: 'manual' });
  let portal: PortalHandle | undefined;
  try {
    const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] };
    const sellersFile = path.join(root, 'sellers.json');
    fs.writeFileSync(
      sellersFile,
      JSON.stringify(
        discovery.sellers.map((s) => ({
          slug: s.slug,
          name: s.name,
          troubleTicketBaseUrl: s.baseUrls.troubleTicket,
          appointmentBaseUrl: s.baseUrls.appointment,
          workOrderBaseUrl: s.baseUrls.workOrder,
          tokenUrl: s.tokenUrl,
          clientId: s.clientId,
          clientSecret: s.clientSecret,
          scopeMode: 'operation',
          timeoutMs: 10_000,
          enabled: true,
          products: s.products.map((p) => ({
            productId: p.id,
            label: p.name,
            ...(p.site
              ? {
                  siteId: p.site.id,
                  siteName: p.site.name,
                  siteAddress: typeof p.site.address === 'string' ? p.site.address : Object.values(p.site.address).join(' '),
                  siteTimeZone: p.site.timeZone,
                }
              : {}),
          })),
        })),
      ),
      { mode: 0o600 },
    );
    portal = await startPortal({
      dbPath,
      env: { NODE_ENV: 'production', SELLERS_FILE: sellersFile, BENCH_ROUTES: '1', RECONCILE_INTERVAL_MS: String(3_600_000) },
    });
    log(`portal ${portal.baseUrl} (pid ${portal.proc.pid}), sandbox ${sandbox.url}`);

    const reader = drizzle(new Database(dbPath, { readonly: true, fileMustExist: true }), { schema });
    const seller = discovery.sellers.find((s) => s.slug === INGEST_SELLER);
    if (!seller) throw new Error(`the sandbox has no Seller ${INGEST_SELLER}`);
    let sellerId = 0;
    await waitUntil(`hubs and listener credentials for ${INGEST_SELLER}`, 90_000, async () => {
      const row = reader
        .select({ id: sellers.id, state: notificationHubs.state })
        .from(sellers)
        .leftJoin(notificationHubs, and(eq(notificationHubs.sellerId, sellers.id), eq(notificationHubs.api, 'troubleTicket')))
        .where(eq(sellers.slug, INGEST_SELLER))
        .get();
      if (!row || row.state !== 'registered') return false;
      sellerId = row.id;
      const auth = (await (await fetch(`${sandbox.url}/_sandbox/${INGEST_SELLER}/buyer-auth`)).json()) as { clientId?: string };
      return Boolean(auth.clientId);
    });

    // Tickets that exist at the Seller; a Seller-side attribute change sends each one to our cache.
    const token = await sellerToken(seller);
    const product = seller.products[0]?.id;
    if (!product) throw new Error(`${INGEST_SELLER} has no products`);
    const ids: string[] = [];
    await inBatches(
      Array.from({ length: options.sellerTickets }, (_, i) => i),
      8,
      async (i) => {
        const res = await fetch(`${seller.baseUrls.troubleTicket}/troubleTicket`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json;charset=utf-8' },
          body: JSON.stringify({
            description: `Benchmark circuit ${i}: packet loss on the access link`,
            observedImpact: 'degraded',
            priority: 'medium',
            severity: 'moderate',
            ticketType: 'assistance',
            externalId: formatExternalId(2099, i + 1),
            relatedContactInformation: [{ name: 'Rita Reporter', number: '+44 20 7946 0000', emailAddress: 'rita@buyer.example', role: 'reporterContact' }],
            relatedEntity: [{ '@referredType': 'Product', id: product, role: 'affectedProduct' }],
          }),
        });
        if (res.status !== 201) throw new Error(`creating a ticket at ${INGEST_SELLER}: ${res.status} ${await res.text()}`);
        ids[i] = ((await res.json()) as { id: string }).id;
      },
    );
    await inBatches(ids, 8, async (id) => {
      const res = await fetch(`${sandbox.url}/_sandbox/${INGEST_SELLER}/tickets/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sellerPriority: 'high' }),
      });
      if (!res.ok) throw new Error(`changing ticket ${id} at the sandbox: ${res.status}`);
    });
    await waitUntil(`${ids.length} ${INGEST_SELLER} tickets in our cache`, 120_000, () => {
      const row = reader.select({ n: count() }).from(tickets).where(eq(tickets.sellerId, sellerId)).get();
      return (row?.n ?? 0) >= ids.length;
    });
    log(`${ids.length} tickets created at ${INGEST_SELLER} and cached through notifications`);

    const stage: Stage = {
      root,
      sandbox,
      portal,
      volume: grown.volume,
      cachedTickets: options.tickets,
      sellerId,
      sellerTicketIds: ids,
      reader,
      nowMs,
      log,
      async stop() {
        await portal?.stop();
        await sandbox.stop();
        (reader as unknown as { $client: Database.Database }).$client.close();
      },
    };
    return stage;
  } catch (err) {
    if (portal) log(`portal output:\n${portal.output().slice(-4000)}`);
    await portal?.stop();
    await sandbox.stop();
    throw err;
  }
}

/** Credentials of our own for the ingest Seller (beside the sandbox's), and a token for them from our /oauth2/token. */
export async function ingestToken(stage: Stage): Promise<string> {
  const env = stage.portal.env;
  for (const key of ['DATABASE_PATH', 'NEXTAUTH_SECRET', 'NEXTAUTH_URL', 'PUBLIC_URL', 'SECRETS_KEY'] as const) {
    if (env[key] !== undefined) process.env[key] = env[key];
  }
  const { rotateListenerCredential } = await import('../../lib/sellers/listener-credentials');
  const issued = await rotateListenerCredential({ id: stage.sellerId, slug: INGEST_SELLER }, 'onboarding', { keepOthers: true });
  const res = await fetch(`${stage.portal.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: issued.clientId, client_secret: issued.clientSecret, scope: INGEST_SCOPE }),
  });
  if (!res.ok) throw new Error(`our token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
