import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, outbox, sellers, tickets } from '@/db/schema';
import { bulkTicketProgress, previewBulkTicketAction, runBulkTicketAction } from '@/lib/actions/bulk-tickets';
import { createTicket } from '@/lib/actions/tickets';
import { BULK_MAX_TICKETS } from '@/lib/domain/bulk-actions';
import { getSellerById } from '@/lib/sellers/registry';
import { refreshAllIncidents } from '@/lib/sync/incident-refresh';
import { deliverTicket } from '@/lib/sync/outbox';
import { refreshTicket } from '@/lib/sync/seller-refresh';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { control, discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox, type DiscoveredSeller } from './ticket-desk-fixture';

let sandbox: RunningSandbox;
let noc: number;
let otherNoc: number;
let manager: number;
let found: DiscoveredSeller[];
const RUN = `bulk${Date.now().toString(36)}`;
const SLUGS = ['acme', 'globex', 'initech'] as const;
/** Two tickets per Seller: [slug] → rows. */
const created: Record<string, { id: number; externalId: string; sellerTicketId: string }[]> = {};

async function snapshot() {
  const db = getDb();
  return JSON.stringify({ tickets: await db.select().from(tickets).all(), outbox: await db.select().from(outbox).all(), audit: await db.select().from(auditLog).all() });
}

async function refreshFromSeller(ticketId: number) {
  const row = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get())!;
  await refreshTicket((await getSellerById(row.sellerId))!, row.sellerTicketId!);
}

const all = () => SLUGS.flatMap((s) => created[s]!);

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  noc = (await createUser('noc')).id;
  otherNoc = (await createUser('noc', 'other-noc@example.test')).id;
  manager = (await createUser('manager')).id;
  actAs(noc);
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  found = await discover(sandbox.url);
  await registerSandboxSellers(dir, found.filter((s) => (SLUGS as readonly string[]).includes(s.slug)));
  for (const slug of SLUGS) {
    const productId = found.find((s) => s.slug === slug)!.products[0]!.id;
    created[slug] = [];
    for (let i = 0; i < 2; i++) {
      const result = await createTicket({ seller: slug, productId, description: `${RUN} outage ${slug} ${i}`, severity: 'significant', priority: 'high', observedImpact: 'down', ticketType: 'assistance', reporter });
      expect(result.ok, result.message).toBe(true);
      const row = (await getDb().select().from(tickets).where(eq(tickets.externalId, result.data!.externalId)).get())!;
      created[slug]!.push({ id: row.id, externalId: row.externalId, sellerTicketId: row.sellerTicketId! });
    }
  }
});

afterAll(async () => {
  await sandbox?.close();
});

describe('bad input is refused with field errors, and nothing is written', () => {
  it.each([
    ['a note without its text', { action: 'note', scope: 'selected', ticketIds: [1] }, 'note'],
    ['no ticket selected', { action: 'accept', scope: 'selected', ticketIds: [] }, 'ticketIds'],
    ['an unknown action', { action: 'delete', scope: 'selected', ticketIds: [1] }, 'action'],
    ['an unknown scope', { action: 'accept', scope: 'everything', ticketIds: [1] }, 'scope'],
    ['ids that are not ids', { action: 'accept', scope: 'selected', ticketIds: ['x'] }, 'ticketIds.0'],
    ['a link without its incident', { action: 'link', scope: 'selected', ticketIds: [1], note: 'outage' }, 'incidentId'],
  ])('%s', async (_what, input, field) => {
    actAs(noc);
    const before = await snapshot();
    const result = await runBulkTicketAction(input);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(Object.keys(result.errors ?? {})).toContain(field);
    expect(await snapshot()).toBe(before);
  });

  it(`more than ${BULK_MAX_TICKETS} selected tickets is refused with a clear message`, async () => {
    actAs(noc);
    const before = await snapshot();
    const ids = Array.from({ length: BULK_MAX_TICKETS + 1 }, (_, i) => i + 1);
    const result = await runBulkTicketAction({ action: 'accept', scope: 'selected', ticketIds: ids });
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(result.errors?.ticketIds?.[0]).toBe(`501 tickets match: a bulk action touches at most ${BULK_MAX_TICKETS}. Narrow the filter or select fewer tickets.`);
    expect(await snapshot()).toBe(before);
  });

  it('a manager may not run or preview a bulk action', async () => {
    actAs(manager);
    const before = await snapshot();
    for (const action of [runBulkTicketAction, previewBulkTicketAction]) {
      const result = await action({ action: 'note', scope: 'selected', ticketIds: all().map((t) => t.id), note: 'x' });
      expect(result).toMatchObject({ ok: false, status: 403 });
    }
    expect(await snapshot()).toBe(before);
  });

  it('ids of tickets that do not exist are refused', async () => {
    actAs(noc);
    const before = await snapshot();
    const result = await runBulkTicketAction({ action: 'note', scope: 'selected', ticketIds: [999_001, 999_002], note: 'x' });
    expect(result).toMatchObject({ ok: false, status: 404, message: 'None of the selected tickets exists.' });
    expect(await snapshot()).toBe(before);
  });
});

describe('"all matching this filter" is resolved on the server, with the queue’s own filter, when the action runs', () => {
  it('previews an acceptance: resolved tickets at three Sellers are counted, the others skipped with the state table’s reason', async () => {
    for (const slug of SLUGS) {
      const first = created[slug]![0]!;
      await control(sandbox.url, 'POST', `/${slug}/tickets/${first.sellerTicketId}/resolve`, { text: 'Carrier outage over' });
      await refreshFromSeller(first.id);
    }
    actAs(noc);
    const result = await previewBulkTicketAction({ action: 'accept', scope: 'filter', filter: `q=${RUN}` });
    expect(result.ok, result.message).toBe(true);
    expect(result.data!.total).toBe(6);
    expect(result.data!.summary).toBe('Accept resolution of 3 tickets: 1 at Acme Networks, 1 at Globex Telecom, 1 at Initech Carrier Services');
    expect(result.data!.skipped.map((s) => s.externalId).sort()).toEqual(SLUGS.map((s) => created[s]![1]!.externalId).sort());
    for (const s of result.data!.skipped) expect(s.reason).toBe('A ticket in status acknowledged cannot be closed; allowed only in: resolved.');
  });

  it('narrows by the same filters as the queue (Seller)', async () => {
    actAs(noc);
    const result = await previewBulkTicketAction({ action: 'note', scope: 'filter', filter: `q=${RUN}&seller=globex` });
    expect(result.data!.targets.map((t) => t.externalId).sort()).toEqual(created.globex!.map((t) => t.externalId).sort());
  });

  it(`refuses a filter matching more than ${BULK_MAX_TICKETS} tickets, and writes nothing`, async () => {
    const db = getDb();
    const sellerId = (await db.select().from(sellers).where(eq(sellers.slug, 'initech')).get())!.id;
    const rows = Array.from({ length: BULK_MAX_TICKETS + 1 }, (_, i) => ({
      sellerId, sellerTicketId: `MANY-${i}`, externalId: `MANY-${RUN}-${i}`, productId: 'MANY-PRODUCT', description: 'many', severity: 'minor' as const, priority: 'low' as const,
      ticketType: 'assistance' as const, observedImpact: 'degraded' as const, status: 'resolved' as const, document: {},
    }));
    await db.insert(tickets).values(rows).run();
    actAs(noc);
    const before = await snapshot();
    const result = await runBulkTicketAction({ action: 'accept', scope: 'filter', filter: 'product=MANY-PRODUCT' });
    expect(result).toMatchObject({ ok: false, status: 422, message: `501 tickets match: a bulk action touches at most ${BULK_MAX_TICKETS}. Narrow the filter or select fewer tickets.` });
    expect(await snapshot()).toBe(before);
    await db.delete(tickets).where(eq(tickets.productId, 'MANY-PRODUCT')).run();
  });
});

describe('a bulk run queues one outbox operation per ticket, each delivered and refused on its own', () => {
  it('adds the same note to six tickets at three Sellers; the Seller’s refusal of one is reported for that ticket only', async () => {
    const refused = created.globex![1]!;
    const set = await control(sandbox.url, 'PUT', `/globex/tickets/${refused.sellerTicketId}/refusal`, {
      reason: 'Ticket is under legal hold; no Buyer updates',
      code: 'otherIssue',
      operations: ['patchTroubleTicket'],
    });
    expect(set.status).toBe(200);

    actAs(noc);
    const result = await runBulkTicketAction({ action: 'note', scope: 'selected', ticketIds: all().map((t) => t.id), note: 'Carrier-wide outage, see incident bridge' });
    expect(result.ok, result.message).toBe(true);
    const items = result.data!.items;
    expect(items).toHaveLength(6);
    const queued = await getDb().select().from(outbox).where(inArray(outbox.id, items.map((i) => i.outboxId))).all();
    expect(queued.map((q) => q.operation)).toEqual(Array(6).fill('patch'));
    expect(new Set(queued.map((q) => q.ticketId)).size).toBe(6);

    const first = await bulkTicketProgress({ outboxIds: items.map((i) => i.outboxId) });
    expect(first.data!.map((p) => p.state)).toEqual(Array(6).fill('queued'));

    for (const t of all()) await deliverTicket(t.id);
    const progress = await bulkTicketProgress({ outboxIds: items.map((i) => i.outboxId) });
    const byTicket = new Map(progress.data!.map((p) => [p.ticketId, p]));
    for (const t of all()) {
      const p = byTicket.get(t.id)!;
      if (t.id === refused.id) {
        expect(p.state).toBe('refused');
        expect(p.message).toContain('Ticket is under legal hold; no Buyer updates');
      } else {
        expect(p.state, t.externalId).toBe('done');
      }
    }
    for (const slug of SLUGS) {
      for (const t of created[slug]!) {
        const atSeller = (await sellerTickets(sandbox.url, slug)).find((s) => s.id === t.sellerTicketId)!;
        const has = atSeller.note?.some((n) => n.text === 'Carrier-wide outage, see incident bridge' && n.source === 'buyer') ?? false;
        expect(has, `${slug} ${t.externalId}`).toBe(t.id !== refused.id);
      }
    }
    // The refusal was one-shot: it is used up.
    expect((await control(sandbox.url, 'GET', '/globex/refusals')).body).toEqual([]);
  });

  it('another user cannot read the progress of someone else’s run', async () => {
    actAs(noc);
    const run = await runBulkTicketAction({ action: 'note', scope: 'selected', ticketIds: [created.acme![0]!.id], note: 'Mine' });
    actAs(otherNoc);
    const theirs = await bulkTicketProgress({ outboxIds: run.data!.items.map((i) => i.outboxId) });
    expect(theirs).toMatchObject({ ok: true, data: [] });
    await deliverTicket(created.acme![0]!.id);
  });

  it('accepts the resolution of every resolved ticket matching the filter; a sticky refusal is shown with its reason, the rest are closed', async () => {
    const refused = created.initech![0]!;
    await control(sandbox.url, 'PUT', `/initech/tickets/${refused.sellerTicketId}/refusal`, {
      reason: 'Resolution cannot be confirmed while the circuit test runs',
      status: 422,
      operations: ['closeTroubleTicket'],
      mode: 'sticky',
    });
    actAs(noc);
    const result = await runBulkTicketAction({ action: 'accept', scope: 'filter', filter: `q=${RUN}` });
    expect(result.ok, result.message).toBe(true);
    expect(result.data!.items.map((i) => i.externalId).sort()).toEqual(SLUGS.map((s) => created[s]![0]!.externalId).sort());
    expect(result.data!.skipped).toHaveLength(3);
    for (const item of result.data!.items) await deliverTicket(item.ticketId);
    const progress = (await bulkTicketProgress({ outboxIds: result.data!.items.map((i) => i.outboxId) })).data!;
    for (const p of progress) {
      if (p.ticketId === refused.id) {
        expect(p.state).toBe('refused');
        expect(p.message).toContain('Resolution cannot be confirmed while the circuit test runs');
      } else expect(p.state).toBe('done');
    }
    expect((await sellerTickets(sandbox.url, 'acme')).find((t) => t.id === created.acme![0]!.sellerTicketId)!.status).toBe('closed');
    expect((await sellerTickets(sandbox.url, 'globex')).find((t) => t.id === created.globex![0]!.sellerTicketId)!.status).toBe('closed');
    expect((await sellerTickets(sandbox.url, 'initech')).find((t) => t.id === refused.sellerTicketId)!.status).toBe('resolved');
    // Sticky: still set, and counted.
    expect((await control(sandbox.url, 'GET', '/initech/refusals')).body).toMatchObject([{ ticketId: refused.sellerTicketId, refused: 1, mode: 'sticky' }]);
    expect((await control(sandbox.url, 'DELETE', `/initech/tickets/${refused.sellerTicketId}/refusal`)).status).toBe(204);
  });

  it('a ticket whose acceptance is already queued is skipped (the state table counts queued operations)', async () => {
    actAs(noc);
    const preview = await previewBulkTicketAction({ action: 'accept', scope: 'selected', ticketIds: [created.initech![0]!.id] });
    // Its refused close is not pending any more: the ticket is still resolved, so accepting again is allowed.
    expect(preview.data!.targets).toHaveLength(1);
    const run = await runBulkTicketAction({ action: 'accept', scope: 'selected', ticketIds: [created.initech![0]!.id] });
    expect(run.ok).toBe(true);
    const again = await runBulkTicketAction({ action: 'accept', scope: 'selected', ticketIds: [created.initech![0]!.id] });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(again.data!.skipped[0]!.reason).toContain('counting the operations still queued for the Seller');
    await deliverTicket(created.initech![0]!.id);
  });

  it('links the tickets of the incident’s Seller to the incident; tickets at other Sellers are skipped', async () => {
    const acme = found.find((s) => s.slug === 'acme')!;
    const incident = (await control(sandbox.url, 'POST', '/acme/incidents', {
      description: 'Fibre cut on the Paris ring', productIds: [acme.products[0]!.id], impact: 'down', incidentType: 'repair', priority: 'high', severity: 'extensive',
    })).body as { id: string };
    await refreshAllIncidents({ sellerSlug: 'acme' });
    actAs(noc);
    const open = [created.acme![1]!, created.globex![1]!];
    const result = await runBulkTicketAction({ action: 'link', scope: 'selected', ticketIds: open.map((t) => t.id), incidentSeller: 'acme', incidentId: incident.id, note: 'Same outage' });
    expect(result.ok, result.message).toBe(true);
    expect(result.data!.items.map((i) => i.externalId)).toEqual([created.acme![1]!.externalId]);
    expect(result.data!.skipped).toEqual([
      expect.objectContaining({ externalId: created.globex![1]!.externalId, reason: 'The incident is at Acme Networks; this ticket is at Globex Telecom.' }),
    ]);
    await deliverTicket(created.acme![1]!.id);
    const atSeller = (await sellerTickets(sandbox.url, 'acme')).find((t) => t.id === created.acme![1]!.sellerTicketId)!;
    expect(atSeller.relatedIssue?.map((r) => r.id)).toContain(incident.id);

    const unknown = await runBulkTicketAction({ action: 'link', scope: 'selected', ticketIds: [created.acme![1]!.id], incidentSeller: 'acme', incidentId: 'NOPE', note: 'x' });
    expect(unknown).toMatchObject({ ok: false, status: 404 });
    expect(unknown.errors?.incidentId).toBeDefined();
  });
});
