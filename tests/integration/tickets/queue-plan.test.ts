import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { explainQueryPlan, fullScans } from '@/db/query-plan';
import { listTicketQueue, queueContext, ticketQueueCountQuery, ticketQueuePageQuery } from '@/lib/data/tickets';
import { parseQueueQuery } from '@/lib/domain/ticket-queue';
import { usePortalTestEnv } from '../../support/portal-env';
import { commonQueueSearches, loadTickets } from './load-tickets';

let userIds: number[] = [];

beforeAll(async () => {
  usePortalTestEnv();
  ({ userIds } = await loadTickets(100_000));
}, 240_000);

describe('the queue at 100,000 cached tickets', () => {
  it.each(Object.entries(commonQueueSearches()))('"%s" reads through indexes only', async (_name, search) => {
    const query = parseQueueQuery(new URLSearchParams(search));
    const ctx = await queueContext(query, userIds[0]!);
    const db = getDb();
    const pagePlan = explainQueryPlan(db, ticketQueuePageQuery(db, query, ctx));
    const countPlan = explainQueryPlan(db, ticketQueueCountQuery(db, query, ctx));
    expect(fullScans(pagePlan), pagePlan.join('\n')).toEqual([]);
    expect(fullScans(countPlan), countPlan.join('\n')).toEqual([]);
    expect(pagePlan.some((line) => /USING (COVERING )?INDEX|INTEGER PRIMARY KEY/.test(line))).toBe(true);
    if (search !== '' && !search.startsWith('sort=') && !search.startsWith('page=')) {
      // A filter narrows the read with an index search, not by walking every ticket.
      expect(pagePlan.some((line) => line.startsWith('SEARCH tickets') || line.startsWith('MULTI-INDEX OR')), pagePlan.join('\n')).toBe(true);
    }
  });

  it('answers the filters correctly (spot checks against the loaded data)', async () => {
    const pending = await listTicketQueue(parseQueueQuery(new URLSearchParams('state=pending&size=200')), userIds[0]!);
    expect(pending.total).toBeGreaterThan(0);
    expect(pending.rows.every((r) => r.status === 'pending')).toBe(true);
    const byId = await listTicketQueue(parseQueueQuery(new URLSearchParams('externalId=NOC-2025-004242')), userIds[0]!);
    expect(byId.rows.map((r) => r.externalId)).toEqual(['NOC-2025-004242']);
    const mine = await listTicketQueue(parseQueueQuery(new URLSearchParams('priority=critical&open=1&mine=1&size=200')), userIds[0]!);
    expect(mine.rows.every((r) => r.priority === 'critical' && !['closed', 'cancelled'].includes(r.status ?? ''))).toBe(true);
    const ordered = await listTicketQueue(parseQueueQuery(new URLSearchParams('severity=extensive')), userIds[0]!);
    const times = ordered.rows.map((r) => r.updatedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const text = await listTicketQueue(parseQueueQuery(new URLSearchParams('q=fibre')), userIds[0]!);
    expect(text.rows.length).toBeGreaterThan(0);
    expect(text.rows.every((r) => /fibre/i.test(r.description))).toBe(true);
    const page2 = await listTicketQueue(parseQueueQuery(new URLSearchParams('page=2')), userIds[0]!);
    const page1 = await listTicketQueue(parseQueueQuery(new URLSearchParams('')), userIds[0]!);
    expect(page2.rows[0]!.updatedAt <= page1.rows[page1.rows.length - 1]!.updatedAt).toBe(true);
    expect(new Set([...page1.rows, ...page2.rows].map((r) => r.id)).size).toBe(100);
  });
});
