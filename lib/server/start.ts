import { getDb } from '@/db';
import { pruneExpiredUploads, stagingPolicyFrom } from '@/db/attachment-uploads';
import { env } from '@/lib/env';
import { startOutboxWorker } from '@/lib/sync/outbox-worker';
import { startSharedIncidentRefresh } from '@/lib/sync/incident-refresh';
import { startSellerNotifications } from '@/lib/sync/inbox-worker';
import { applyConfiguredSellersFile } from '@/lib/sync/sellers-file';
import { startSlaSweep } from '@/lib/sync/sla-clocks';
import { resealSellerSecrets } from '@/lib/sync/secret-rotation';
import { startAuditRetention } from '@/lib/sync/audit-retention';
import { runPeriodically } from '@/lib/sync/periodic-jobs';
import { startSharedSyncProcess } from './sync-process';
import { recordWorkersStarted } from './worker-state';

let started = false;

const UPLOAD_SWEEP_MS = 10 * 60_000;

/** Staged attachment files nobody sent are deleted once expired, even when nobody uploads anything. */
function startStagedUploadSweep(settings: ReturnType<typeof env>): void {
  runPeriodically('staged-upload-sweep', UPLOAD_SWEEP_MS, () => pruneExpiredUploads(stagingPolicyFrom(settings)), { atStart: true });
}

/**
 * Fails fast on bad configuration and brings the database up to date before the first request, then starts the
 * workers: the outbox here (actions deliver at once in this process), and fetching and applying Seller
 * notifications, hub maintenance, reconciliation, the incident refresh and the SLA sweep in the sync process (SYNC_PROCESS=child,
 * the default) or here (SYNC_PROCESS=inline).
 */
export async function startPortalServer(): Promise<void> {
  if (started) return;
  started = true;
  const settings = env();
  getDb();
  await applyConfiguredSellersFile();
  // Secrets sealed with a previous key or in the legacy format are sealed again before any worker opens them.
  await resealSellerSecrets().then(
    (r) => r.resealed.length && console.log(`[secrets] re-sealed with the current key: ${r.resealed.join(', ')}`),
    (err: unknown) => console.error(`[secrets] ${err instanceof Error ? err.message : String(err)}`),
  );
  startOutboxWorker();
  startAuditRetention(settings.AUDIT_RETENTION_DAYS);
  startStagedUploadSweep(settings);
  if (settings.SYNC_PROCESS === 'inline') {
    await startSellerNotifications();
    startSharedIncidentRefresh();
    startSlaSweep();
  } else {
    startSharedSyncProcess();
  }
  recordWorkersStarted(settings.SYNC_PROCESS);
}
