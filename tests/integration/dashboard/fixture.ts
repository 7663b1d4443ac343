import { getDb } from '@/db';
import { appointments, incidents, products, sellers } from '@/db/schema';
import type { TicketStatus } from '@/lib/domain/mef-labels';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { storeTicket } from '@/tests/support/seller-documents';

/**
 * A small world with hand-computed answers (see the comments on each ticket). "Now" is 2026-11-27T12:00Z and
 * the 7-day range is 2026-11-21 .. 2026-11-27 (UTC).
 */
export const NOW = Date.parse('2026-11-27T12:00:00.000Z');
export const H = 3_600_000;

type Change = [at: string, status: TicketStatus];

export function ticketDocument(
  id: string,
  severity: TroubleTicket['severity'],
  creationDate: string,
  changes: Change[],
  extra: Partial<TroubleTicket> = {},
): TroubleTicket {
  const last = changes[changes.length - 1]!;
  return {
    id,
    externalId: `NOC-2026-${id}`,
    description: `Ticket ${id}`,
    severity,
    sellerSeverity: severity,
    priority: 'medium',
    sellerPriority: 'medium',
    ticketType: 'assistance',
    observedImpact: 'degraded',
    status: last[1],
    creationDate,
    relatedEntity: [{ '@referredType': 'Product', id: 'P-1', role: 'impactedProduct' }],
    relatedContactInformation: [{ name: 'N', number: '1', emailAddress: 'n@example.com', role: 'reporterContact' }],
    statusChange: changes.map(([changeDate, status]) => ({ changeDate, status })),
    ...extra,
  } as TroubleTicket;
}

async function addSeller(slug: string, name: string): Promise<number> {
  const [row] = await getDb()
    .insert(sellers)
    .values({
      slug,
      name,
      troubleTicketBaseUrl: `http://127.0.0.1:1/${slug}/tt`,
      appointmentBaseUrl: `http://127.0.0.1:1/${slug}/ap`,
      workOrderBaseUrl: `http://127.0.0.1:1/${slug}/wo`,
      tokenUrl: `http://127.0.0.1:1/${slug}/token`,
      clientId: 'c',
      clientSecretEnc: 'v1:a:b:c',
    })
    .returning();
  return row!.id;
}

export async function seedDashboardFixture(): Promise<{ acme: number; globex: number }> {
  const acme = await addSeller('acme', 'Acme');
  const globex = await addSeller('globex', 'Globex');
  const docs: Array<[number, TroubleTicket]> = [
    // A1: resolved 24 h after creation, all on the Seller; on time; now waiting on us since 11-21 10:00 (6 d 2 h).
    [
      acme,
      ticketDocument(
        'A1',
        'extensive',
        '2026-11-20T10:00:00.000Z',
        [
          ['2026-11-20T10:00:00.000Z', 'acknowledged'],
          ['2026-11-20T11:00:00.000Z', 'inProgress'],
          ['2026-11-21T10:00:00.000Z', 'resolved'],
        ],
        { resolutionDate: '2026-11-21T10:00:00.000Z', expectedResolutionDate: '2026-11-21T12:00:00.000Z' },
      ),
    ],
    // A2: pending 6 h, a rejected resolution 3 h, reopened: 32 h total, 9 h on us, 23 h on the Seller; late.
    [
      acme,
      ticketDocument(
        'A2',
        'significant',
        '2026-11-22T00:00:00.000Z',
        [
          ['2026-11-22T00:00:00.000Z', 'acknowledged'],
          ['2026-11-22T02:00:00.000Z', 'inProgress'],
          ['2026-11-22T04:00:00.000Z', 'pending'],
          ['2026-11-22T10:00:00.000Z', 'inProgress'],
          ['2026-11-23T00:00:00.000Z', 'resolved'],
          ['2026-11-23T03:00:00.000Z', 'reopened'],
          ['2026-11-23T04:00:00.000Z', 'inProgress'],
          ['2026-11-23T08:00:00.000Z', 'resolved'],
          ['2026-11-23T09:00:00.000Z', 'closed'],
        ],
        { resolutionDate: '2026-11-23T08:00:00.000Z', expectedResolutionDate: '2026-11-23T06:00:00.000Z' },
      ),
    ],
    // A3: pending for 2 h now; 1 h past its expected date; 3 h old.
    [
      acme,
      ticketDocument(
        'A3',
        'extensive',
        '2026-11-27T09:00:00.000Z',
        [
          ['2026-11-27T09:00:00.000Z', 'acknowledged'],
          ['2026-11-27T10:00:00.000Z', 'pending'],
        ],
        { expectedResolutionDate: '2026-11-27T11:00:00.000Z' },
      ),
    ],
    // A4: old, acknowledged, no expected date (never overdue); 57.5 days old.
    [acme, ticketDocument('A4', 'minor', '2026-10-01T00:00:00.000Z', [['2026-10-01T00:00:00.000Z', 'acknowledged']])],
    // A5: 00:30 at +01:00 is 11-20 23:30 UTC: created before the range although its local day is 11-21.
    [
      acme,
      ticketDocument('A5', 'minor', '2026-11-21T00:30:00+01:00', [
        ['2026-11-21T00:30:00+01:00', 'acknowledged'],
        ['2026-11-21T01:00:00.000Z', 'assessingCancellation'],
        ['2026-11-21T02:00:00.000Z', 'cancelled'],
      ]),
    ],
    // G1: created 11-24 00:00 UTC (written with an offset); two pending periods, 10 h + 2 h: 30 h total, 12 h on us.
    [
      globex,
      ticketDocument(
        'G1',
        'minor',
        '2026-11-24T01:00:00+01:00',
        [
          ['2026-11-24T00:00:00.000Z', 'acknowledged'],
          ['2026-11-24T01:00:00.000Z', 'inProgress'],
          ['2026-11-24T02:00:00.000Z', 'pending'],
          ['2026-11-24T12:00:00.000Z', 'inProgress'],
          ['2026-11-25T00:00:00.000Z', 'pending'],
          ['2026-11-25T02:00:00.000Z', 'inProgress'],
          ['2026-11-25T06:00:00.000Z', 'resolved'],
          ['2026-11-25T07:00:00.000Z', 'closed'],
        ],
        { resolutionDate: '2026-11-25T06:00:00.000Z', expectedResolutionDate: '2026-11-26T00:00:00.000Z' },
      ),
    ],
    // G2: cancelled at our request.
    [
      globex,
      ticketDocument('G2', 'extensive', '2026-11-26T00:00:00.000Z', [
        ['2026-11-26T00:00:00.000Z', 'acknowledged'],
        ['2026-11-26T01:00:00.000Z', 'assessingCancellation'],
        ['2026-11-26T02:00:00.000Z', 'cancelled'],
      ]),
    ],
    // G3: in progress since 11-10, expected 11-12: 15 d 12 h overdue; 17.5 days old.
    [
      globex,
      ticketDocument(
        'G3',
        'moderate',
        '2026-11-10T00:00:00.000Z',
        [
          ['2026-11-10T00:00:00.000Z', 'acknowledged'],
          ['2026-11-10T01:00:00.000Z', 'inProgress'],
        ],
        { expectedResolutionDate: '2026-11-12T00:00:00.000Z' },
      ),
    ],
  ];
  for (const [sellerId, doc] of docs) await storeTicket(sellerId, doc, '2026-11-27T11:59:00.000Z');
  return { acme, globex };
}

/**
 * Incidents (7-day range): Globex IN-1 open since 11-26 (36 h so far), IN-2 closed after 6 h; Acme IN-3 names none of
 * our products, IN-4 closed after 2 h. Appointments: in the next 48 h only AP-5 (12:30 today, in progress) and AP-1.
 */
export async function seedFieldFixture(ids: { acme: number; globex: number }): Promise<void> {
  const db = getDb();
  await db.insert(products).values({ sellerId: ids.globex, productId: 'P-1', label: 'Globex 10G Frankfurt' });
  const cached = { documentHash: 'h', fetchedAt: '2026-11-27T11:59:00.000Z', updatedAt: '2026-11-27T11:59:00.000Z' };
  const incident = (sellerId: number, id: string, status: string, productId: string | null, creationDate: string, closedDate?: string) => ({
    sellerId,
    sellerResourceId: id,
    status,
    productId,
    lastChangeAt: closedDate ?? creationDate,
    document: { id, status, creationDate, severity: 'significant', description: `Incident ${id}`, ...(closedDate ? { closedDate } : {}) },
    ...cached,
  });
  await db.insert(incidents).values([
    incident(ids.globex, 'IN-1', 'inProgress', 'P-1', '2026-11-26T00:00:00.000Z'),
    incident(ids.globex, 'IN-2', 'closed', 'P-1', '2026-11-22T00:00:00.000Z', '2026-11-22T06:00:00.000Z'),
    incident(ids.acme, 'IN-3', 'created', null, '2026-11-26T00:00:00.000Z'),
    incident(ids.acme, 'IN-4', 'closed', 'P-1', '2026-11-24T01:00:00+01:00', '2026-11-24T02:00:00.000Z'),
  ]);
  const appointment = (sellerId: number, id: string, status: string, startAt: string) => ({
    sellerId,
    sellerResourceId: id,
    status,
    startAt,
    endAt: null,
    workOrderId: `WO-${id}`,
    document: { id, status },
    ...cached,
  });
  await db.insert(appointments).values([
    appointment(ids.acme, 'AP-1', 'confirmed', '2026-11-28T09:00:00.000Z'),
    appointment(ids.globex, 'AP-2', 'confirmed', '2026-11-29T13:00:00+01:00'),
    appointment(ids.globex, 'AP-3', 'cancelled', '2026-11-28T10:00:00.000Z'),
    appointment(ids.globex, 'AP-4', 'confirmed', '2026-11-27T11:00:00.000Z'),
    appointment(ids.globex, 'AP-5', 'inProgress', '2026-11-27T12:30:00.000Z'),
  ]);
}
