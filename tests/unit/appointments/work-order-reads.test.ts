import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appointments, products, sellers, workOrders } from '@/db/schema';
import { listAppointments } from '@/lib/data/appointments';
import { listAppointmentsNeeded, listWorkOrders } from '@/lib/data/work-orders';
import { documentHash } from '@/lib/sync/document-order';
import { usePortalTestEnv } from '../../support/portal-env';

const doc = {
  id: 'wo-7',
  appointmentRequired: true,
  duration: { timeDurationValue: 2, timeDurationUnits: 'HOUR' },
  place: [{ '@type': 'GeographicSiteRef', role: 'serviceSite', id: 'site-chi' }],
  relatedContactInformation: [],
  relatedEntity: [
    { '@referredType': 'TroubleTicket', id: 'tt-7', role: 'troubleTicket' },
    { '@referredType': 'Product', id: 'prod-chi', role: 'affectedProduct' },
  ],
  state: 'open',
  task: ['Swap the edge router'],
};

beforeEach(async () => {
  usePortalTestEnv();
  const db = getDb();
  const [seller] = await db
    .insert(sellers)
    .values({ slug: 'globex', name: 'Globex', troubleTicketBaseUrl: 'x', appointmentBaseUrl: 'x', workOrderBaseUrl: 'x', tokenUrl: 'x', clientId: 'c', clientSecretEnc: 's' })
    .returning();
  await db.insert(products).values({ sellerId: seller!.id, productId: 'prod-chi', label: 'SD-WAN Chicago', siteId: 'site-chi', siteName: 'Chicago branch', siteAddress: '233 S Wacker Dr', siteTimeZone: 'America/Chicago' });
  // A row as a writer that only knows the shared cache columns stores it.
  const now = '2026-03-04T10:00:00.000Z';
  await db.insert(workOrders).values({ sellerId: seller!.id, sellerResourceId: 'wo-7', status: 'open', appointmentRequired: true, document: doc, documentHash: documentHash(doc), fetchedAt: now, updatedAt: now });
  const appt = { id: 'ap-7', status: 'confirmed', relatedPlace: { '@type': 'GeographicAddressRef', role: 'x', id: 'a' }, validFor: { startDateTime: '2026-03-09T13:00:00Z', endDateTime: '2026-03-09T15:00:00Z' }, workOrder: { id: 'wo-7' }, relatedContactInformation: [] };
  await db.insert(appointments).values({ sellerId: seller!.id, sellerResourceId: 'ap-7', status: 'confirmed', workOrderId: 'wo-7', startAt: appt.validFor.startDateTime, endAt: appt.validFor.endDateTime, document: appt, documentHash: documentHash(appt), fetchedAt: now, updatedAt: now });
});

describe('work order and appointment reads', () => {
  it('take the site, product and ticket from the document when the row lacks them', async () => {
    const [item] = await listAppointmentsNeeded();
    expect(item).toMatchObject({ id: 'wo-7', siteId: 'site-chi', siteName: 'Chicago branch', timeZone: 'America/Chicago', ticketId: 'tt-7', productLabel: 'SD-WAN Chicago', tasks: ['Swap the edge router'] });
  });

  it('filter by site, Seller, state and appointment need', async () => {
    expect((await listWorkOrders({ site: 'site-chi' })).map((w) => w.id)).toEqual(['wo-7']);
    expect(await listWorkOrders({ site: 'site-nyc' })).toEqual([]);
    expect(await listWorkOrders({ seller: 'acme' })).toEqual([]);
    expect(await listWorkOrders({ state: 'planned' })).toEqual([]);
    expect((await listWorkOrders({ appointmentRequired: true })).map((w) => w.id)).toEqual(['wo-7']);
    expect(await listWorkOrders({ appointmentRequired: false })).toEqual([]);
  });

  it('list appointments overlapping a range, with the site of their work order', async () => {
    const items = await listAppointments({ from: '2026-03-09T14:00:00Z', to: '2026-03-10T00:00:00Z', site: 'site-chi' });
    expect(items).toMatchObject([{ id: 'ap-7', siteName: 'Chicago branch', timeZone: 'America/Chicago', workOrderState: 'open', ticketId: 'tt-7' }]);
    expect(await listAppointments({ from: '2026-03-09T15:00:00Z' })).toEqual([]);
    expect(await listAppointments({ to: '2026-03-09T13:00:00Z' })).toEqual([]);
    expect(await listAppointments({ status: 'cancelled' })).toEqual([]);
  });
});
