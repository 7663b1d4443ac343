import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SellerClock } from './clock';
import { SandboxContext } from './context';
import { serveControl } from './control-routes';
import { fail, MefError, sendJson } from './http';
import { API_BASES, serveMef } from './mef-routes';
import { listHubs } from './hubs';
import { DEFAULT_DELIVERY_CONCURRENCY } from './notify/index';
import { loadNotifier, silentNotifier, type Notifier, type NotifierDeps } from './notifier';
import { SellerActions } from './seller-actions';
import { startScenario, type RunningScenario } from './scenario/index';
import { referencePointOf, sandboxSellers, type SellerConfig } from './sellers';
import { handleTokenRequest } from './auth';
import { SandboxStore, type NotifiedApi } from './store';

export type SandboxMode = 'scenario' | 'manual';

export interface SandboxOptions {
  port?: number;
  host?: string;
  dbPath: string;
  mode?: SandboxMode;
  /** SANDBOX_CLOCK: Seller delays are divided by this factor. */
  clockSpeed?: number;
  /** Adds each Seller's configured answer latency (initech is slow). Default true. */
  latency?: boolean;
  /** Replaces the notification module (tests). */
  notifier?: (deps: NotifierDeps) => Notifier;
  /** How often due Seller-clock work is checked, ms. */
  tickMs?: number;
  /**
   * Notifications open at once per hub, each about a different resource; events about one resource stay in order.
   * Default: SANDBOX_DELIVERY_CONCURRENCY, else 8.
   */
  deliveryConcurrency?: number;
  /** The Sellers to play; default sandboxSellers() (SANDBOX_SELLERS, else the three strict ones and vandelay unless SANDBOX_IMPERFECT=0). */
  sellers?: readonly SellerConfig[];
}

/** SANDBOX_DELIVERY_CONCURRENCY as a positive integer, or undefined when unset; throws on anything else. */
export function deliveryConcurrencyFromEnv(value = process.env.SANDBOX_DELIVERY_CONCURRENCY): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SANDBOX_DELIVERY_CONCURRENCY must be a positive integer, not ${value}`);
  return n;
}

export interface RunningSandbox {
  url: string;
  port: number;
  ctx: SandboxContext;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function hostnameOf(req: IncomingMessage): string {
  const header = req.headers.host ?? '';
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const store = new SandboxStore(options.dbPath);
  const clock = new SellerClock(store, options.clockSpeed ?? 1, options.tickMs ?? 200);
  const ctx = new SandboxContext(store, clock, options.sellers ?? sandboxSellers(), silentNotifier());
  ctx.actions = new SellerActions(ctx);
  const deps: NotifierDeps = {
    db: store.db,
    listHubs: (seller: string, api: NotifiedApi) => listHubs(ctx, seller, api),
    buyerAuth: (seller: string) => store.buyerAuth(seller),
    referencePoint: (seller: string) => {
      const config = ctx.seller(seller);
      return config ? referencePointOf(config) : 'sonata';
    },
    now: () => ctx.clock.now().getTime(),
    concurrencyPerHub: options.deliveryConcurrency ?? deliveryConcurrencyFromEnv() ?? DEFAULT_DELIVERY_CONCURRENCY,
  };
  ctx.notifier = options.notifier ? options.notifier(deps) : await loadNotifier(deps);
  const latency = options.latency ?? true;
  const controlHosts = new Set([...LOOPBACK_NAMES, host]);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    if (pathname === '/_sandbox' || pathname.startsWith('/_sandbox/')) {
      if (!controlHosts.has(hostnameOf(req))) throw fail.notFound('Not found');
      return serveControl(ctx, pathname.slice('/_sandbox'.length), req, res, url);
    }
    if (pathname === '/') {
      return sendJson(res, 200, { name: 'MEF LSO Sonata Seller sandbox', sellers: ctx.sellers.map((s) => s.slug), discovery: `${ctx.baseUrl}/_sandbox/sellers` });
    }
    const match = /^\/([^/]+)(\/.*)?$/.exec(pathname);
    const seller = match?.[1] ? ctx.seller(match[1]) : undefined;
    if (!match || !seller) throw fail.notFound(`No Seller at ${pathname}`);
    const rest = match[2] ?? '';
    if (seller.latencyMs && latency) {
      const [min, max] = seller.latencyMs;
      await sleep(min + Math.random() * (max - min));
    }
    if (rest === '/oauth2/token') return handleTokenRequest(store, seller.slug, req, res);
    // A Seller serves its APIs on its own reference point only; the other one is not there (404).
    const mefApi = `/mefApi/${referencePointOf(seller)}`;
    for (const [api, base] of Object.entries(API_BASES) as Array<[NotifiedApi, (typeof API_BASES)[NotifiedApi]]>) {
      const path = mefApi + base.path;
      if (rest === path || rest.startsWith(path + '/')) {
        return serveMef(ctx, seller, api, rest.slice(path.length), req, res, url);
      }
    }
    throw fail.notFound(`No such resource: ${pathname}`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof MefError) {
        req.resume();
        sendJson(res, err.status, err.body, err.headers);
        return;
      }
      console.error('[sandbox] unexpected error:', err);
      sendJson(res, 500, { code: 'internalError', reason: 'The Seller could not process the request' });
    });
  });
  server.keepAliveTimeout = 2_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  ctx.baseUrl = `http://${urlHost}:${port}`;
  clock.start();
  clock.runDue();
  const scenario: RunningScenario | undefined = options.mode === 'scenario' ? startScenario(ctx) : undefined;

  let closed = false;
  return {
    url: ctx.baseUrl,
    port,
    ctx,
    async close() {
      if (closed) return;
      closed = true;
      clock.stop();
      scenario?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ctx.notifier.close();
      store.close();
    },
  };
}
