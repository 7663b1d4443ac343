import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { proxy } from '@/proxy';
import { pagePolicy } from '@/lib/security/content-security-policy';

const SECRET = 'headers-test-secret-headers-test-secret-01';
process.env.NEXTAUTH_SECRET = SECRET;

type HeaderRule = { source: string; headers: Array<{ key: string; value: string }> };
const configPath: string = '../../next.config.js';
const nextConfig = ((await import(configPath)) as { default: { headers: () => Promise<HeaderRule[]>; poweredByHeader?: boolean } }).default;

async function configuredHeaders(): Promise<HeaderRule[]> {
  return nextConfig.headers();
}

/** Which rules of next.config.js apply to a path (the sources used there, turned into regular expressions). */
function rulesFor(rules: HeaderRule[], pathname: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of rules) {
    const pattern = rule.source
      .replace('/:path*', '(?:/.*)?')
      .replace(/:path\((.*)\)$/, '$1');
    if (new RegExp(`^${pattern}$`).test(pathname)) for (const h of rule.headers) out.set(h.key.toLowerCase(), h.value);
  }
  return out;
}

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

async function pageRequest(pathname: string, signedIn: boolean): Promise<NextRequest> {
  const headers = new Headers();
  if (signedIn) headers.set('cookie', `next-auth.session-token=${await encode({ token: { uid: 1 }, secret: SECRET })}`);
  return new NextRequest(new URL(pathname, 'http://127.0.0.1:3000'), { headers });
}

describe('security headers', () => {
  it('sends nosniff, a referrer policy, no framing and no powered-by on every path', async () => {
    const rules = await configuredHeaders();
    for (const pathname of ['/', '/login', '/tickets/acme/T-1', '/api/live', '/oauth2/token', '/sellers/acme/mefApi/x', '/_next/static/a.js']) {
      const h = rulesFor(rules, pathname);
      expect(h.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(h.get('referrer-policy'), pathname).toBe('strict-origin-when-cross-origin');
      expect(h.get('x-frame-options'), pathname).toBe('DENY');
    }
    expect(nextConfig.poweredByHeader).toBe(false);
  });

  it('gives responses that are never pages a policy under which nothing runs, and leaves pages to the nonce policy', async () => {
    const rules = await configuredHeaders();
    for (const pathname of ['/api/live', '/api/tickets/export', '/oauth2/token', '/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/x']) {
      const policy = directives(rulesFor(rules, pathname).get('content-security-policy') ?? '');
      expect(policy.get('default-src'), pathname).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors'), pathname).toEqual(["'none'"]);
    }
    // Two policies would both be enforced: the static one must not reach pages or next-auth's own screens.
    for (const pathname of ['/', '/login', '/tickets', '/api/auth/signout']) {
      expect(rulesFor(rules, pathname).has('content-security-policy'), pathname).toBe(false);
    }
  });

  it.each([
    ['/login', false],
    ['/tickets', true],
    ['/settings/users', true],
  ])('gives %s a per-request nonce policy without inline script (signed in: %s)', async (pathname, signedIn) => {
    const first = await proxy(await pageRequest(pathname, signedIn));
    const second = await proxy(await pageRequest(pathname, signedIn));
    const policy = first.headers.get('content-security-policy') ?? '';
    const d = directives(policy);
    const script = d.get('script-src') ?? [];
    expect(script).toContain("'strict-dynamic'");
    expect(script.some((v) => v.startsWith("'nonce-"))).toBe(true);
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'self'"]);
    // Next finds the nonce on the request side: same policy forwarded to the page renderer.
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policy);
    const nonce = first.headers.get('x-middleware-request-x-nonce');
    expect(nonce && policy.includes(`'nonce-${nonce}'`)).toBe(true);
    expect(second.headers.get('x-middleware-request-x-nonce')).not.toBe(nonce);
  });

  it('keeps the policy on the sign-in redirect and allows the SSO issuer only as a form target', async () => {
    const res = await proxy(await pageRequest('/dashboard', false));
    expect(res.status).toBe(307);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const withSso = directives(pagePolicy('abc', { ssoIssuer: 'https://idp.example/realms/noc' }));
    expect(withSso.get('form-action')).toEqual(["'self'", 'https://idp.example']);
    expect(withSso.get('script-src')).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
  });
});

describe('pinned dependencies', () => {
  const lock = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const installed = (name: string) => lock.packages[`node_modules/${name}`]?.version ?? '0.0.0';
  const atLeast = (version: string, floor: string) => {
    const a = version.split(/[.-]/).slice(0, 3).map(Number);
    const b = floor.split('.').map(Number);
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    return true;
  };

  it('locks next at 16.4.6 or later (middleware bypass, RSC and server-action advisories)', () => {
    expect(atLeast(installed('next'), '16.4.6'), installed('next')).toBe(true);
    expect(atLeast('16.4.5', '16.4.6')).toBe(false);
  });

  it('locks next-auth at exactly 4.24.15', () => {
    expect(installed('next-auth')).toBe('4.24.15');
  });

  it('locks drizzle-orm at 0.45.2 or later (SQL injection advisory)', () => {
    expect(atLeast(installed('drizzle-orm'), '0.45.2'), installed('drizzle-orm')).toBe(true);
    expect(atLeast('0.45.1', '0.45.2')).toBe(false);
  });

  it('installs the versions package.json asks for', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of ['next', 'next-auth', 'drizzle-orm', 'react', 'react-dom']) {
      expect(installed(name), name).toBe(manifest.dependencies[name]);
    }
  });
});
