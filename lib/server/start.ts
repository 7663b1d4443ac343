import { getDb } from '@/db';
import { env } from '@/lib/env';
import { startOutboxWorker } from '@/lib/sync/outbox-worker';
import { startSharedIncidentRefresh } from '@/lib/sync/incident-refresh';
import { startSellerNotifications } from '@/lib/sync/inbox-worker';
import { applyConfiguredSellersFile } from '@/lib/sync/sellers-file';

let started = false;

/** Fails fast on bad configuration and brings the database up to date before the first request. */
export async function startPortalServer(): Promise<void> {
  if (started) return;
  started = true;
  env();
  getDb();
  await applyConfiguredSellersFile();
  startOutboxWorker();
  await startSellerNotifications();
  startSharedIncidentRefresh();
}
