import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox, products, tickets } from '@/db/schema';
import { startSyncProcess, type SyncProcess } from '@/lib/server/sync-process';
import { onFeedAdvanced } from '@/lib/sync/change-feed';
import { enqueueInbox } from '@/lib/sync/inbox';
import { usePortalTestEnv } from '../../support/portal-env';
import { startDocumentSeller, ticketDoc, type DocumentSeller } from '../../unit/notifications/fake-seller';
import { insertSeller } from '../../unit/notifications/support';

let seller: DocumentSeller;
let sellerId: number;
let sync: SyncProcess | undefined;
let counter = 0;

async function until<T>(probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function notify(id: string) {
  const eventId = `sp-${++counter}`;
  return enqueueInbox({
    sellerId,
    api: 'troubleTicket',
    eventId,
    eventType: 'troubleTicketStatusChangeEvent',
    eventTime: new Date().toISOString(),
    resourceId: id,
    body: { eventId, eventType: 'troubleTicketStatusChangeEvent', event: { id } },
  });
}

function statusOf(id: string) {
  return getDb().select().from(tickets).where(eq(tickets.sellerTicketId, id)).get()?.status;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeEach(async () => {
  usePortalTestEnv();
  seller = await startDocumentSeller('acme');
  sellerId = (await insertSeller('acme', seller.origin)).id;
  await getDb().insert(products).values({ sellerId, productId: 'PROD-1', label: 'Head office fibre' }).run();
});

afterEach(async () => {
  await sync?.stop();
  sync = undefined;
  await seller.close();
});

describe('the sync process', () => {
  it('starts with the server, applies a committed notification end to end and wakes the live streams here', async () => {
    const feedSignals: number[] = [];
    const stopListening = onFeedAdvanced(() => feedSignals.push(Date.now()));
    try {
      sync = startSyncProcess({ restartDelayMs: 100 });
      await sync.ready();
      const childPid = sync.current()?.pid;
      expect(childPid).toBeGreaterThan(0);
      expect(childPid).not.toBe(process.pid);

      seller.docs.troubleTicket.set('TT-1', ticketDoc('TT-1', 'inProgress', '2026-11-27T10:00:00.000Z'));
      expect(await notify('TT-1')).toBe('inserted');
      await until(() => statusOf('TT-1') === 'inProgress');
      await until(() => getDb().select().from(inbox).all().every((r) => r.state === 'done'));
      await until(() => feedSignals.length > 0);
    } finally {
      stopListening();
    }
  }, 60_000);

  it('is started again when it dies, and the new one picks up what was committed meanwhile', async () => {
    sync = startSyncProcess({ restartDelayMs: 100 });
    await sync.ready();
    const first = sync.current()!;
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;

    seller.docs.troubleTicket.set('TT-2', ticketDoc('TT-2', 'pending', '2026-11-27T11:00:00.000Z'));
    await notify('TT-2');
    await until(() => sync!.current() && sync!.current() !== first && sync!.current()!.pid);
    await sync.ready();
    await until(() => statusOf('TT-2') === 'pending');
  }, 60_000);

  it('stops when the server goes away', async () => {
    sync = startSyncProcess({ restartDelayMs: 100 });
    await sync.ready();
    const child = sync.current()!;
    const pid = child.pid!;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // What the child sees when its parent dies: the IPC channel closes.
    child.disconnect();
    expect(await exited).toBe(0);
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
