/** Runs once when the portal server starts: request hooks, migrations, the sellers file, background workers. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installRequestHooks } = await import('./lib/server/request-hooks');
  const { startPortalServer } = await import('./lib/server/start');
  const started = startPortalServer();
  // Before any request is served: sign-in throttling needs the connection's own address (lib/auth/options.ts), and
  // Seller notifications take the server's own listener path once the server has started.
  installRequestHooks(started);
  await started;
}
