import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellerDocumentRejections, sellers, sellerToleratedDeviations, tickets, workOrders } from '@/db/schema';
import { listSellerNotificationViews } from '@/lib/data/notifications';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { reconcileSeller } from '@/lib/sync/reconcile';
import { refreshSellerWorkforce, refreshTicket } from '@/lib/sync/seller-refresh';
import { startSandbox, type RunningSandbox } from '@/sandbox/server';
import { sandboxSellers } from '@/sandbox/sellers';
import { usePortalTestEnv } from '../../support/portal-env';
import { openTicketAtSeller } from '../appointments/workforce-fixture';
import { control, discover, registerSandboxSellers } from '../tickets/ticket-desk-fixture';

const FOUR = ['acme', 'globex', 'initech', 'vandelay'];
let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  ({ dir } = usePortalTestEnv());
  sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    dbPath: path.join(dir, 'sandbox.db'),
    mode: 'manual',
    latency: false,
    tickMs: 50,
    sellers: sandboxSellers({ SANDBOX_SELLERS: FOUR.join(',') }),
  });
  const discovered = await discover(sandbox.url);
  expect(discovered.map((s) => s.slug)).toEqual(FOUR);
  await registerSandboxSellers(dir, discovered);
  // Each Seller: a ticket with a work order, then the portal reads tickets and work orders as its refreshes do.
  for (const d of discovered) {
    const id = await openTicketAtSeller(d.slug, d.products[0]!.id);
    expect((await control(sandbox.url, 'POST', `/${d.slug}/tickets/${id}/work-orders`, { appointmentRequired: false })).status).toBeLessThan(300);
    const seller = (await getSellerBySlug(d.slug))!;
    await refreshTicket(seller, id);
    await reconcileSeller(seller);
    await refreshSellerWorkforce(seller);
  }
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const seenRows = () => getDb().select().from(sellerToleratedDeviations).all();

describe('tolerated deviations, counted per Seller', () => {
  it('vandelay’s answers are used, and what its list tolerated is recorded per switch and operation with a sample path', async () => {
    const vandelay = (await getSellerBySlug('vandelay'))!;
    const [ticket] = await getDb().select().from(tickets).where(eq(tickets.sellerId, vandelay.id)).all();
    expect(ticket?.status).toBe('inProgress');
    expect(await getDb().select().from(workOrders).where(eq(workOrders.sellerId, vandelay.id)).all()).toHaveLength(1);
    expect(await getDb().select().from(sellerDocumentRejections).all()).toEqual([]);

    const rows = (await seenRows()).filter((r) => r.sellerId === vandelay.id);
    const byKey = new Map(rows.map((r) => [`${r.deviation} ${r.operationId}`, r]));
    expect(byKey.get('unknownMembers retrieveTroubleTicket')).toMatchObject({ kind: 'known', api: 'troubleTicket', samplePath: expect.stringMatching(/^\/(lastUpdate|vandelayInternalRef)$/) });
    expect(byKey.get('mediaTypeWithoutCharset retrieveTroubleTicket')).toMatchObject({ samplePath: '' });
    expect(byKey.get('bareWorkOrderList listWorkOrder')).toMatchObject({ api: 'workOrder', count: 1 });
    expect(byKey.get('listItemsMissingRequired listTroubleTicket')?.samplePath).toMatch(/^\/0\/(sellerPriority|sellerSeverity|observedImpact)$/);
    expect(byKey.get('unknownMembers createTroubleTicket')).toMatchObject({ count: 1 });
  });

  it('the strict Sellers produce none', async () => {
    const strictIds = new Set(
      (await getDb().select().from(sellers).all()).filter((s) => s.slug !== 'vandelay').map((s) => s.id),
    );
    expect(strictIds.size).toBe(3);
    expect((await seenRows()).filter((r) => strictIds.has(r.sellerId))).toEqual([]);
  });

  it('another answer counts on the same rows: one row per Seller, deviation and operation, however often', async () => {
    const vandelay = (await getSellerBySlug('vandelay'))!;
    const before = await seenRows();
    await refreshSellerWorkforce(vandelay);
    await refreshSellerWorkforce(vandelay);
    const after = await seenRows();
    expect(after.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    const bare = (rows: typeof before) => rows.find((r) => r.deviation === 'bareWorkOrderList')!;
    expect(bare(after).count).toBe(bare(before).count + 2);
    expect(bare(after).lastSeenAt >= bare(before).lastSeenAt).toBe(true);
    expect(bare(after).firstSeenAt).toBe(bare(before).firstSeenAt);
  });

  it('an allowance that was needed is counted under its label', async () => {
    const vandelay = (await getSellerBySlug('vandelay'))!;
    await getDb()
      .update(sellers)
      .set({ toleratedDeviations: { known: ['mediaTypeWithoutCharset', 'listItemsMissingRequired', 'bareWorkOrderList'], allowed: [{ path: '/lastUpdate' }, { path: '/vandelayInternalRef', keyword: 'unexpectedProperty' }] } })
      .where(eq(sellers.id, vandelay.id))
      .run();
    const [ticket] = await getDb().select().from(tickets).where(eq(tickets.sellerId, vandelay.id)).all();
    await refreshTicket((await getSellerBySlug('vandelay'))!, ticket!.sellerTicketId!);
    const labels = (await seenRows()).filter((r) => r.kind === 'allowance' && r.operationId === 'retrieveTroubleTicket');
    expect(labels.map((r) => [r.deviation, r.samplePath]).sort()).toEqual([
      ['/lastUpdate', '/lastUpdate'],
      ['/vandelayInternalRef unexpectedProperty', '/vandelayInternalRef'],
    ]);
  });

  it('Settings → Notifications shows, per Seller, which tolerated deviations were seen and how often', async () => {
    const views = await listSellerNotificationViews();
    const vandelay = views.find((v) => v.slug === 'vandelay')!;
    expect(vandelay.toleratedSeen.map((t) => t.deviation)).toEqual(
      expect.arrayContaining(['bareWorkOrderList', 'listItemsMissingRequired', 'mediaTypeWithoutCharset', 'unknownMembers', '/lastUpdate']),
    );
    expect(vandelay.toleratedSeen.find((t) => t.deviation === 'bareWorkOrderList')).toMatchObject({ operationId: 'listWorkOrder', count: 3 });
    expect(vandelay.rejectedDocuments).toEqual([]);
    for (const slug of ['acme', 'globex', 'initech']) expect(views.find((v) => v.slug === slug)!.toleratedSeen, slug).toEqual([]);
  });
});
