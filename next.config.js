import fs from 'node:fs';

/**
 * Headers on every response. Pages also get a per-request Content-Security-Policy with a nonce from proxy.ts
 * (lib/security/content-security-policy.ts); responses that are never pages (listeners, token endpoint, API data and
 * files) get a policy under which nothing runs or frames them. The file is shared with the server's own listener path
 * (lib/listener/node-listener.ts). Strict-Transport-Security only takes effect where the portal is served over https.
 */
const RESPONSE_HEADERS = JSON.parse(fs.readFileSync(new URL('./lib/security/response-headers.json', import.meta.url), 'utf8'));
const BASELINE_HEADERS = RESPONSE_HEADERS.baseline;
const NON_PAGE_POLICY = RESPONSE_HEADERS.nonPagePolicy;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets several production builds live side by side (e.g. test runs); default .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // better-sqlite3 is a native addon; pino and prom-client keep process-wide state: load each once, outside the bundle.
  serverExternalPackages: ['better-sqlite3', 'pino', 'prom-client'],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    const nonPage = [{ key: 'Content-Security-Policy', value: NON_PAGE_POLICY }];
    return [
      { source: '/:path*', headers: BASELINE_HEADERS },
      // next-auth's own pages under /api/auth (sign-out confirmation) are HTML with inline styles: left to the default.
      { source: '/api/:path((?!auth/).*)', headers: nonPage },
      { source: '/sellers/:path*', headers: nonPage },
      { source: '/oauth2/:path*', headers: nonPage },
    ];
  },
};

export default nextConfig;
