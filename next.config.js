/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets several production builds live side by side (e.g. test runs); default .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // better-sqlite3 is a native addon: keep it out of the server bundle.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
