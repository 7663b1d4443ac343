import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sellers, tickets, ticketStatusHistory } from '@/db/schema';
import { storeTicket } from '@/tests/support/seller-documents';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { usePortalTestEnv } from '../../support/portal-env';

function doc(overrides: Partial<TroubleTicket> = {}): TroubleTicket {
  return {
    id: 'TT-1',
    externalId: 'NOC-2026-000001',
    description: 'Link down',
    severity: 'extensive',
    sellerSeverity: 'significant',
    priority: 'high',
    sellerPriority: 'high',
    ticketType: 'assistance',
    observedImpact: 'down',
    status: 'acknowledged',
    creationDate: '2026-11-27T10:00:00.000Z',
    relatedEntity: [{ '@referredType': 'Product', id: 'P-1', role: 'impactedProduct' }],
    relatedContactInformation: [{ name: 'N', number: '1', emailAddress: 'n@example.com', role: 'reporterContact' }],
    statusChange: [{ changeDate: '2026-11-27T10:00:00.000Z', status: 'acknowledged', changeReason: 'created' }],
    ...overrides,
  } as TroubleTicket;
}

describe('ticket cache', () => {
  let sellerId: number;
  beforeEach(async () => {
    usePortalTestEnv();
    const [s] = await getDb()
      .insert(sellers)
      .values({
        slug: 'acme',
        name: 'Acme',
        troubleTicketBaseUrl: 'http://x/tt',
        appointmentBaseUrl: 'http://x/ap',
        workOrderBaseUrl: 'http://x/wo',
        tokenUrl: 'http://x/token',
        clientId: 'c',
        clientSecretEnc: 'v1:a:b:c',
      })
      .returning();
    sellerId = s!.id;
  });

  it('inserts, updates with a newer document and ignores an older one', async () => {
    expect((await storeTicket(sellerId, doc(), '2026-11-27T10:00:01Z')).outcome).toBe('inserted');
    const progressed = doc({
      status: 'inProgress',
      statusChange: [
        { changeDate: '2026-11-27T10:00:00.000Z', status: 'acknowledged', changeReason: 'created' },
        { changeDate: '2026-11-27T10:05:00.000Z', status: 'inProgress', changeReason: 'work started' },
      ],
    });
    expect((await storeTicket(sellerId, progressed, '2026-11-27T10:05:01Z')).outcome).toBe('updated');
    // The first document again, as a late answer to an earlier request: it must not win.
    expect((await storeTicket(sellerId, doc(), '2026-11-27T10:00:02Z')).outcome).toBe('stale');
    // Same document fetched later: nothing changes.
    expect((await storeTicket(sellerId, progressed, '2026-11-27T10:06:00Z')).outcome).toBe('unchanged');
    const rows = await getDb().select().from(tickets).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('inProgress');
    expect(rows[0]!.lastStatusChangeAt).toBe('2026-11-27T10:05:00.000Z');
    const history = await getDb().select().from(ticketStatusHistory).orderBy(ticketStatusHistory.changedAt).all();
    expect(history.map((h) => h.status)).toEqual(['acknowledged', 'inProgress']);
  });

  it('refuses a document whose status history ends earlier even when fetched later', async () => {
    const resolved = doc({
      status: 'resolved',
      statusChange: [{ changeDate: '2026-11-27T11:00:00.000Z', status: 'resolved', changeReason: 'fixed' }],
    });
    await storeTicket(sellerId, resolved, '2026-11-27T11:00:01Z');
    expect((await storeTicket(sellerId, doc(), '2026-11-27T11:30:00Z')).outcome).toBe('stale');
  });

  it('attaches a Seller document to our queued create by externalId', async () => {
    await getDb()
      .insert(tickets)
      .values({
        sellerId,
        sellerTicketId: null,
        externalId: 'NOC-2026-000001',
        productId: 'P-1',
        description: 'Link down',
        severity: 'extensive',
        priority: 'high',
        ticketType: 'assistance',
        observedImpact: 'down',
        document: {},
        syncState: 'queued',
      })
      .run();
    const result = await storeTicket(sellerId, doc(), '2026-11-27T10:00:01Z');
    expect(result.outcome).toBe('updated');
    expect(result.ticket.sellerTicketId).toBe('TT-1');
    expect(await getDb().select().from(tickets).all()).toHaveLength(1);
  });
});
