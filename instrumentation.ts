/** Runs once when the portal server starts: migrations, the sellers file, background workers. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Before any request is served: sign-in throttling needs the connection's own address (lib/auth/options.ts).
  const { recordPeerAddresses } = await import('./lib/security/peer-address');
  recordPeerAddresses();
  const { startPortalServer } = await import('./lib/server/start');
  await startPortalServer();
}
