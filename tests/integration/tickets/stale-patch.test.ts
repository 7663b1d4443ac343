import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { outbox, tickets } from '@/db/schema';
import { createTicket, patchTicket, refreshTicketFromSeller } from '@/lib/actions/tickets';
import { ticketRevision } from '@/lib/data/ticket-revision';
import { revisionDifference, STALE_TICKET_MESSAGE } from '@/lib/domain/ticket-revision';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { control, discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox } from './ticket-desk-fixture';

/**
 * Two operators update the same ticket: a patch names the revision its form was opened on, and one made against an
 * older revision is refused before anything is queued or sent, with the current revision to show the difference.
 */

let sandbox: RunningSandbox;
let nora: number;
let ada: number;
let ticketId: number;
let sellerTicketId: string;

const outboxRows = () => getDb().select().from(outbox).where(eq(outbox.ticketId, ticketId)).all();
const notesAtSeller = async () => ((await sellerTickets(sandbox.url, 'acme')).find((t) => t.id === sellerTicketId)?.note ?? []).map((n) => n.text);

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  nora = (await createUser('noc', 'nora@stale.test')).id;
  ada = (await createUser('admin', 'ada@stale.test')).id;
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  const found = await discover(sandbox.url);
  await registerSandboxSellers(dir, found);
  actAs(nora);
  const created = await createTicket({
    seller: 'acme',
    productId: found.find((s) => s.slug === 'acme')!.products[0]!.id,
    description: 'Two operators on one ticket',
    severity: 'significant',
    priority: 'high',
    observedImpact: 'degraded',
    ticketType: 'assistance',
    reporter,
    attachments: [],
    relatedIssues: [],
    technicalContactIds: [],
  });
  expect(created.ok, created.message).toBe(true);
  ticketId = created.data!.ticketId;
  sellerTicketId = getDb().select().from(tickets).where(eq(tickets.id, ticketId)).get()!.sellerTicketId!;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('a patch against an older revision of the ticket', () => {
  it('is refused when another operator updated the ticket since, and nothing of it is queued or sent', async () => {
    const opened = (await ticketRevision(ticketId))!;

    actAs(ada);
    const first = await patchTicket({ ticketId, note: 'Ada: customer rebooted the CPE', priority: 'critical', expectedRevision: opened.fingerprint });
    expect(first.ok, first.message).toBe(true);
    expect(first.data?.delivery).toBe('sent');
    expect(first.data?.revision?.fingerprint).not.toBe(opened.fingerprint);
    expect(first.data?.revision?.fingerprint).toBe((await ticketRevision(ticketId))!.fingerprint);

    actAs(nora);
    const queuedBefore = outboxRows().length;
    const second = await patchTicket({ ticketId, note: 'Nora: still losing packets', expectedRevision: opened.fingerprint });
    expect(second.ok).toBe(false);
    expect(second.status).toBe(409);
    expect(second.message).toBe(STALE_TICKET_MESSAGE);
    expect(second.errors?.expectedRevision?.[0]).toMatch(/changed since you opened it/);
    expect(second.data?.stale).toBe(true);
    expect(second.data?.revision?.fingerprint).toBe((await ticketRevision(ticketId))!.fingerprint);
    expect(outboxRows().length).toBe(queuedBefore);
    expect(await notesAtSeller()).not.toContain('Nora: still losing packets');

    const diff = revisionDifference(opened.snapshot, second.data!.revision!.snapshot);
    expect(diff.fields).toEqual([{ field: 'priority', label: 'Priority', was: 'High', now: 'Critical' }]);
    expect(diff.newNotes.map((n) => n.text)).toEqual(['Ada: customer rebooted the CPE']);

    // Sent again deliberately, against the revision the operator has now seen.
    const again = await patchTicket({ ticketId, note: 'Nora: still losing packets', expectedRevision: second.data!.revision!.fingerprint });
    expect(again.ok, again.message).toBe(true);
    expect(again.data?.delivery).toBe('sent');
    expect(await notesAtSeller()).toContain('Nora: still losing packets');
  });

  it('is refused when the Seller changed the ticket since', async () => {
    const opened = (await ticketRevision(ticketId))!;
    const added = await control(sandbox.url, 'POST', `/acme/tickets/${sellerTicketId}/notes`, { text: 'Seller: engineer dispatched' });
    expect(added.status).toBeLessThan(300);
    actAs(nora);
    const refreshed = await refreshTicketFromSeller({ ticketId });
    expect(refreshed.ok, refreshed.message).toBe(true);

    actAs(ada);
    const stale = await patchTicket({ ticketId, note: 'Ada: any news?', expectedRevision: opened.fingerprint });
    expect(stale.status).toBe(409);
    const diff = revisionDifference(opened.snapshot, stale.data!.revision!.snapshot);
    expect(diff.fields).toEqual([]);
    expect(diff.newNotes.map((n) => [n.source, n.text])).toEqual([['seller', 'Seller: engineer dispatched']]);
    expect(await notesAtSeller()).not.toContain('Ada: any news?');
  });

  it('is refused when another update still waits in the outbox for the Seller', async () => {
    const opened = (await ticketRevision(ticketId))!;
    const row = getDb()
      .select()
      .from(tickets)
      .where(eq(tickets.id, ticketId))
      .get()!;
    const note = { id: 'queued-note-1', author: 'Ada Lindqvist', date: new Date().toISOString(), source: 'buyer' as const, text: 'Ada: queued while the Seller was away' };
    const queued = getDb()
      .insert(outbox)
      .values({ sellerId: row.sellerId, ticketId, operation: 'patch', payload: { patch: { notes: [note], severity: 'extensive' } }, state: 'pending', nextAttemptAt: '2999-01-01T00:00:00.000Z' })
      .returning()
      .get();
    try {
      const now = (await ticketRevision(ticketId))!;
      expect(now.fingerprint).not.toBe(opened.fingerprint);
      actAs(nora);
      const stale = await patchTicket({ ticketId, note: 'Nora: over to you', expectedRevision: opened.fingerprint });
      expect(stale.status).toBe(409);
      const diff = revisionDifference(opened.snapshot, stale.data!.revision!.snapshot);
      expect(diff.fields).toEqual([{ field: 'severity', label: 'Severity', was: 'Significant', now: 'Extensive' }]);
      expect(diff.newNotes.map((n) => n.text)).toEqual(['Ada: queued while the Seller was away']);
      expect(getDb().select().from(outbox).where(and(eq(outbox.ticketId, ticketId), eq(outbox.state, 'pending'))).all().map((o) => o.id)).toEqual([queued.id]);
    } finally {
      getDb().delete(outbox).where(eq(outbox.id, queued.id)).run();
    }
  });

  it('goes through when the revision is the current one, and the revision stays once the Seller has it', async () => {
    const opened = (await ticketRevision(ticketId))!;
    actAs(nora);
    const result = await patchTicket({ ticketId, note: 'Nora: closing the loop', expectedRevision: opened.fingerprint });
    expect(result.ok, result.message).toBe(true);
    expect(result.data?.delivery).toBe('sent');
    // The Seller's echo of the update is the revision the form was handed: a further update needs no review.
    expect((await ticketRevision(ticketId))!.fingerprint).toBe(result.data!.revision!.fingerprint);
  });

  it('refuses a revision the portal never gave out with a clear field error', async () => {
    actAs(nora);
    const before = outboxRows().length;
    const result = await patchTicket({ ticketId, note: 'x', expectedRevision: 'not a revision!' });
    expect(result.ok).toBe(false);
    expect(result.status).toBe(400);
    expect(result.errors?.expectedRevision).toEqual(['The ticket revision is not one the portal gave out']);
    expect(outboxRows().length).toBe(before);
  });
});
