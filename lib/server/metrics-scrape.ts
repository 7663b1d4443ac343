import 'server-only';
import { feedReadPosition, metricsAsJson, mergedExposition, noteKnownSellers, setQueueGauges, type MetricsJson } from '@/lib/observability/metrics';
import { feedLag, queueDepth } from '@/lib/sync/queue-depth';
import { runningSyncProcess } from './sync-process';

/**
 * One scrape: the gauges read from the database are set, then this server's metrics and its sync process's (when
 * it answers in time) are merged into one exposition, told apart by their `process` label.
 */
export async function scrapeMetrics(): Promise<{ body: string; contentType: string }> {
  const depth = await queueDepth();
  noteKnownSellers(depth.sellerSlugs);
  setQueueGauges({ ...depth, feed: await feedLag(feedReadPosition()) });
  const parts: MetricsJson[] = [await metricsAsJson()];
  const child = (await runningSyncProcess()?.metrics()) as MetricsJson | undefined;
  if (Array.isArray(child)) parts.push(child);
  return mergedExposition(parts);
}
