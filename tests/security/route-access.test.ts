import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { routePermission } from '@/lib/auth/route-guard';
import { checkSameOrigin, crossSiteRefusal } from '@/lib/security/same-origin';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

const APP = path.resolve(import.meta.dirname, '../../app');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

/**
 * Route handlers that answer without a portal session, and what guards them instead. Any other route must be built
 * with guardedRoute(): a new unguarded route fails this test until it is listed here with its reason.
 */
const UNGUARDED: Record<string, string> = {
  'api/auth/[...nextauth]': 'next-auth itself: sign-in, sign-out, session, CSRF token',
  'oauth2/token': 'Seller OAuth2 client credentials',
  'sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]': 'Seller bearer token per listener scope',
  'sellers/[slug]/mefApi/sonata/appointmentNotification/[version]/listener/[eventType]': 'Seller bearer token per listener scope',
  'sellers/[slug]/mefApi/sonata/workOrderNotification/[version]/listener/[eventType]': 'Seller bearer token per listener scope',
  'sellers/[slug]/mefApi/cantata/troubleTicketNotification/[version]/listener/[eventType]': 'Seller bearer token per listener scope',
  'sellers/[slug]/mefApi/cantata/appointmentNotification/[version]/listener/[eventType]': 'Seller bearer token per listener scope',
  'sellers/[slug]/mefApi/cantata/workOrderNotification/[version]/listener/[eventType]': 'Seller bearer token per listener scope',
  'api/bench/noop': 'benchmark baseline, 404 unless BENCH_ROUTES=1',
  'api/metrics': 'Prometheus scrape: bearer token METRICS_TOKEN, 404 while unset',
  'api/health': 'deliberately public: load balancer liveness probe, answers {"status":"ok"} and nothing else',
  'api/ready': 'deliberately public: load balancer readiness probe, check names and details without secrets or paths',
};

const routes = routeFiles(APP)
  .map((file) => ({ file, key: path.relative(APP, path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join('/') }))
  .sort((a, b) => a.key.localeCompare(b.key));

const roleUsers = new Map<Role, number>();

beforeAll(async () => {
  usePortalTestEnv();
  for (const role of ROLES) roleUsers.set(role, (await createUser(role, `${role}@routes.test`)).id);
});

function requestFor(method: string, key: string, headers: Record<string, string> = {}): Request {
  const url = `http://127.0.0.1:3000/${key.replace(/\[\.\.\.(\w+)\]/g, 'x').replace(/\[(\w+)\]/g, '1')}`;
  return new Request(url, { method, headers: { host: '127.0.0.1:3000', ...headers }, ...(method === 'GET' || method === 'HEAD' ? {} : { body: '' }) });
}

const context = { params: Promise.resolve({ seller: 'acme', id: 'T-1', index: '0', slug: 'acme', version: 'v4', eventType: 'troubleTicketStatusChangeEvent', nextauth: ['session'] }) };

describe('route handlers', () => {
  it('are found', () => {
    expect(routes.length).toBeGreaterThan(8);
  });

  it.each(routes.map((r) => [r.key, r.file] as const))('%s is guarded by a permission or listed with its own guard', async (key, file) => {
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers = METHODS.filter((m) => typeof mod[m] === 'function');
    expect(handlers.length, key).toBeGreaterThan(0);
    for (const method of handlers) {
      const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
      const permission = routePermission(handler);
      if (!permission) {
        expect(UNGUARDED[key], `${method} /${key} is neither guarded nor listed`).toBeDefined();
        continue;
      }
      expect(UNGUARDED[key], `${method} /${key} is guarded: take it off the list`).toBeUndefined();
      actAs(null);
      const anonymous = await handler(requestFor(method, key), context);
      expect(anonymous.status, `${method} /${key} without a session`).toBe(401);
      for (const role of ROLES) {
        actAs(roleUsers.get(role)!);
        const controller = new AbortController();
        const req = new Request(requestFor(method, key), { signal: controller.signal });
        const res = await handler(req, context);
        controller.abort();
        await res.body?.cancel().catch(() => undefined);
        if (can(role, permission)) expect([401, 403], `${method} /${key} as ${role}`).not.toContain(res.status);
        else expect(res.status, `${method} /${key} as ${role}`).toBe(403);
      }
    }
  });

  it('the Seller-facing routes refuse a caller without credentials', async () => {
    for (const { key, file } of routes.filter((r) => r.key.startsWith('sellers/') || r.key === 'oauth2/token')) {
      const mod = (await import(file)) as { POST: (req: Request, ctx: unknown) => Promise<Response> };
      const listener = key.includes('appointment')
        ? { version: 'v2', eventType: 'appointmentStatusChangeEvent' }
        : key.includes('workOrder')
          ? { version: 'v2', eventType: 'workOrderStateChangeEvent' }
          : { version: 'v4', eventType: 'troubleTicketStatusChangeEvent' };
      const res = await mod.POST(
        new Request(requestFor('POST', key), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }),
        { params: Promise.resolve({ slug: 'acme', ...listener }) },
      );
      expect(res.status, key).toBe(401);
    }
  });

  it('the benchmark baseline is off unless asked for', async () => {
    const route = routes.find((r) => r.key === 'api/bench/noop');
    if (!route) return;
    delete process.env.BENCH_ROUTES;
    const mod = (await import(route.file)) as { POST: (req: Request) => Promise<Response> };
    expect((await mod.POST(requestFor('POST', route.key))).status).toBe(404);
  });
});

describe('cross-site requests to state-changing route handlers', () => {
  const configured = ['http://127.0.0.1:3000'];
  const post = (headers: Record<string, string>) => requestFor('POST', 'api/tickets/attachments', headers);

  it('accepts the portal’s own origin and tools that send none', () => {
    expect(checkSameOrigin(post({ origin: 'http://127.0.0.1:3000' }), configured).ok).toBe(true);
    expect(checkSameOrigin(post({ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:3000' }), configured).ok).toBe(true);
    expect(checkSameOrigin(post({}), configured).ok).toBe(true);
    expect(checkSameOrigin(requestFor('GET', 'api/tickets/export', { origin: 'https://evil.example' }), configured).ok).toBe(true);
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:3001' }],
    ['an opaque origin', { origin: 'null' }],
    ['a lookalike host', { origin: 'http://127.0.0.1:3000.evil.example' }],
    ['a garbled origin', { origin: 'not a url' }],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s with 403', async (_what, headers) => {
    const refusal = crossSiteRefusal(post(headers), configured);
    expect(refusal?.status).toBe(403);
    expect(((await refusal!.json()) as { error: string }).error).toMatch(/another site|opaque/);
  });
});
