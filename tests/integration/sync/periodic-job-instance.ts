import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { periodicJobs } from '@/db/schema';
import { processOwner, runPeriodically } from '@/lib/sync/periodic-jobs';

/** One portal instance's periodic job, as a process of its own, for periodic-jobs-processes.test.ts. */

const everyMs = Number(process.env.PERIODIC_EVERY_MS);
const runForMs = Number(process.env.PERIODIC_RUN_FOR_MS);
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

getDb();
await send({ ready: processOwner() });
process.once('message', () => {
  const job = runPeriodically(
    'sla-sweep',
    everyMs,
    async () => {
      const [row] = await getDb().select().from(periodicJobs).where(eq(periodicJobs.name, 'sla-sweep'));
      await send({ run: { by: processOwner(), leaseOwner: row?.leaseOwner, startedAt: row?.lastStartedAt } });
    },
    // Ticks only: a start-up run ignores the period by design (tests/unit/sync/periodic-jobs.test.ts covers it).
    { jitterMs: everyMs / 10 },
  );
  setTimeout(() => {
    void job.stop().then(async () => {
      await send({ done: true });
      process.exit(0);
    });
  }, runForMs);
});
