/** Runs once when the portal server starts: migrations, the sellers file, background workers. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startPortalServer } = await import('./lib/server/start');
  await startPortalServer();
}
