import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, sellers, tickets } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { sealClientSecret } from '@/lib/sellers/registry';
import type { TroubleTicketCreate } from '@/lib/sonata/schemas';
import { json, startFakeSeller, type FakeSeller } from '../../unit/sonata/fake-seller';
import { usePortalTestEnv } from '../../support/portal-env';

let seller: FakeSeller;

const body: TroubleTicketCreate = {
  externalId: 'NOC-2026-000777',
  description: 'd',
  severity: 'minor',
  priority: 'low',
  observedImpact: 'degraded',
  ticketType: 'assistance',
  relatedEntity: [{ '@referredType': 'Product', id: 'P-1', role: 'impactedProduct' }],
  relatedContactInformation: [{ role: 'reporterContact', name: 'n', number: '1', emailAddress: 'n@x.example' }],
};

beforeAll(async () => {
  usePortalTestEnv();
  seller = await startFakeSeller((req, res) => {
    if (req.method === 'POST' && req.path.endsWith('/troubleTicket')) {
      setTimeout(
        () => json(res, 201, { ...JSON.parse(req.body), id: 'TT-1', status: 'acknowledged', creationDate: new Date().toISOString(), sellerPriority: 'low', sellerSeverity: 'minor' }),
        300,
      );
      return;
    }
    json(res, 200, []);
  });
});

afterAll(async () => {
  await seller.close();
});

describe('outbox claim', () => {
  it('sends an operation once even when two copies of the delivery code race for it', async () => {
    const conn = seller.connection();
    const row = await getDb()
      .insert(sellers)
      .values({
        slug: 'acme',
        name: 'Acme',
        troubleTicketBaseUrl: conn.baseUrls.troubleTicket,
        appointmentBaseUrl: conn.baseUrls.appointment,
        workOrderBaseUrl: conn.baseUrls.workOrder,
        tokenUrl: conn.oauth.tokenUrl,
        clientId: conn.oauth.clientId,
        clientSecretEnc: sealClientSecret(conn.oauth.clientSecret, 'acme'),
      })
      .returning()
      .get();
    const first = await import('@/lib/sync/outbox');
    const ticketId = await transaction(async (tx) => {
      const t = tx
        .insert(tickets)
        .values({ sellerId: row.id, externalId: body.externalId!, productId: 'P-1', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'degraded', document: body as unknown as Record<string, unknown>, syncState: 'queued' })
        .returning()
        .get();
      await first.enqueueTx(tx, { sellerId: row.id, ticketId: t.id, operation: 'create', payload: { create: body } });
      return t.id;
    });
    // A second, independent copy of the module (as a server that bundles its start-up code apart would have).
    delete (globalThis as { ticketOutboxChains?: unknown }).ticketOutboxChains;
    vi.resetModules();
    const second = await import('@/lib/sync/outbox');
    expect(second.deliverTicket).not.toBe(first.deliverTicket);

    const [a, b] = await Promise.all([first.deliverTicket(ticketId), second.deliverTicket(ticketId)]);
    expect(seller.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /acme/mefApi/sonata/troubleTicket/v4/troubleTicket']);
    expect([...a, ...b].filter((r) => r.outcome === 'done')).toHaveLength(1);
    const item = (await getDb().select().from(outbox).where(eq(outbox.ticketId, ticketId)).get())!;
    expect(item).toMatchObject({ state: 'done', attempts: 1 });
  });
});
