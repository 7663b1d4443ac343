import { describe, expect, it } from 'vitest';
import { BULK_MAX_TICKETS, bulkSummary, planBulkAction, tooManyTicketsMessage, type BulkCandidate } from '@/lib/domain/bulk-actions';

const t = (ticketId: number, sellerName: string, status: string | null, queued: BulkCandidate['queued'] = []): BulkCandidate => ({
  ticketId,
  externalId: `NOC-2026-${String(ticketId).padStart(6, '0')}`,
  sellerSlug: sellerName.toLowerCase(),
  sellerName,
  status,
  queued,
});

describe('bulk action plan', () => {
  it('counts the tickets per Seller, most first, and lists the skipped ones with the state table’s reason', () => {
    const candidates = [
      ...[1, 2, 3, 4, 5].map((n) => t(n, 'Acme', 'resolved')),
      ...[6, 7, 8, 9].map((n) => t(n, 'Globex', 'resolved')),
      ...[10, 11, 12].map((n) => t(n, 'Initech', 'resolved')),
      t(13, 'Initech', 'inProgress'),
      t(14, 'Acme', 'closed'),
    ];
    const plan = planBulkAction('accept', candidates);
    expect(bulkSummary('accept', plan)).toBe('Accept resolution of 12 tickets: 5 at Acme, 4 at Globex, 3 at Initech');
    expect(plan.skipped).toEqual([
      { ticketId: 13, externalId: 'NOC-2026-000013', sellerName: 'Initech', reason: 'A ticket in status inProgress cannot be closed; allowed only in: resolved.' },
      { ticketId: 14, externalId: 'NOC-2026-000014', sellerName: 'Acme', reason: 'A ticket in status closed cannot be closed; allowed only in: resolved.' },
    ]);
  });

  it('counts operations still queued: a ticket with a cancellation on its way cannot be cancelled again or noted', () => {
    const plan = planBulkAction('cancel', [t(1, 'Acme', 'inProgress', ['cancel']), t(2, 'Acme', 'inProgress')]);
    expect(plan.targets.map((c) => c.ticketId)).toEqual([2]);
    expect(plan.skipped[0]!.reason).toMatch(/counting the operations still queued for the Seller/);
    expect(planBulkAction('note', [t(1, 'Acme', 'inProgress', ['cancel'])]).targets).toHaveLength(0);
  });

  it('a create not yet acknowledged may take a note (MEF 113 R24) but not an acceptance', () => {
    expect(planBulkAction('note', [t(1, 'Acme', null, ['create'])]).targets).toHaveLength(1);
    expect(planBulkAction('accept', [t(1, 'Acme', null, ['create'])]).targets).toHaveLength(0);
  });

  it('asks the action’s own check only of tickets the state table allows', () => {
    const asked: number[] = [];
    const plan = planBulkAction('link', [t(1, 'Acme', 'inProgress'), t(2, 'Globex', 'inProgress'), t(3, 'Acme', 'cancelled')], (c) => {
      asked.push(c.ticketId);
      return c.sellerName === 'Acme' ? null : 'other Seller';
    });
    expect(asked).toEqual([1, 2]);
    expect(plan.targets.map((c) => c.ticketId)).toEqual([1]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['other Seller', expect.stringMatching(/cancelled cannot be updated/)]);
  });

  it('says when nothing can be done, and the limit in plain words', () => {
    expect(bulkSummary('cancel', planBulkAction('cancel', [t(1, 'Acme', 'closed')]))).toBe('Cancel no ticket: none of them allows it.');
    expect(tooManyTicketsMessage(1234)).toBe(`1,234 tickets match: a bulk action touches at most ${BULK_MAX_TICKETS}. Narrow the filter or select fewer tickets.`);
  });
});
