/**
 * Headers on every response. Pages also get a per-request Content-Security-Policy with a nonce from proxy.ts
 * (lib/security/content-security-policy.ts); responses that are never pages (listeners, token endpoint, API data and
 * files) get a policy under which nothing runs or frames them.
 */
const BASELINE_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  // Browsers ignore it over plain http, so it only takes effect where the portal is served over https.
  { key: 'Strict-Transport-Security', value: 'max-age=31536000' },
];

const NON_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

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
