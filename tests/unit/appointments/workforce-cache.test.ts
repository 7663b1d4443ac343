import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appointmentHistory, appointments, sellers, workOrders } from '@/db/schema';
import type { Appointment, WorkOrder } from '@/lib/sonata/schemas';
import { storeAppointment, storeWorkOrder } from '@/tests/support/seller-documents';
import { usePortalTestEnv } from '../../support/portal-env';

let sellerId: number;

function workOrder(overrides: Partial<WorkOrder> = {}): WorkOrder {
  return {
    id: 'wo-1',
    appointmentRequired: true,
    duration: { timeDurationValue: 2, timeDurationUnits: 'HOUR' },
    place: [
      { '@type': 'GeographicSiteRef', role: 'serviceSite', id: 'site-nyc' } as WorkOrder['place'][number],
      { '@type': 'GeographicAddressRef', role: 'serviceAddress', id: 'site-nyc-address' } as WorkOrder['place'][number],
    ],
    relatedContactInformation: [{ name: 'Field', number: '1', emailAddress: 'f@x.example', role: 'technicalContact' }],
    relatedEntity: [
      { '@referredType': 'TroubleTicket', id: 'tt-9', role: 'troubleTicket' },
      { '@referredType': 'Product', id: 'prod-1', role: 'affectedProduct' },
    ],
    state: 'open',
    task: ['Replace the NTU'],
    ...overrides,
  };
}

function appointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: 'ap-1',
    status: 'confirmed',
    relatedPlace: { '@type': 'GeographicAddressRef', role: 'serviceAddress', id: 'site-nyc-address' } as Appointment['relatedPlace'],
    validFor: { startDateTime: '2026-03-05T14:00:00-05:00', endDateTime: '2026-03-05T16:00:00-05:00' },
    workOrder: { id: 'wo-1' },
    relatedContactInformation: [{ name: 'Pat', number: '2', emailAddress: 'p@x.example', role: 'buyerAppointmentContact' }],
    ...overrides,
  };
}

beforeEach(async () => {
  usePortalTestEnv();
  const [row] = await getDb()
    .insert(sellers)
    .values({
      slug: 'globex',
      name: 'Globex',
      troubleTicketBaseUrl: 'http://127.0.0.1:1/tt',
      appointmentBaseUrl: 'http://127.0.0.1:1/ap',
      workOrderBaseUrl: 'http://127.0.0.1:1/wo',
      tokenUrl: 'http://127.0.0.1:1/token',
      clientId: 'c',
      clientSecretEnc: 'sealed',
    })
    .returning();
  sellerId = row!.id;
});

describe('storeWorkOrder', () => {
  it('stores the filter columns, the ticket it serves and when it started needing an appointment', async () => {
    const { outcome, row } = await storeWorkOrder(sellerId, workOrder(), '2026-03-04T10:00:00.000Z');
    expect(outcome).toBe('inserted');
    expect(row).toMatchObject({
      sellerResourceId: 'wo-1',
      status: 'open',
      appointmentRequired: true,
      appointmentRequiredSince: '2026-03-04T10:00:00.000Z',
      siteId: 'site-nyc',
      ticketId: 'tt-9',
      productId: 'prod-1',
    });
  });

  it('never lets a document from an earlier request overwrite a newer one', async () => {
    await storeWorkOrder(sellerId, workOrder({ state: 'planned', appointmentRequired: false }), '2026-03-04T10:05:00.000Z');
    const late = await storeWorkOrder(sellerId, workOrder(), '2026-03-04T10:00:00.000Z');
    expect(late.outcome).toBe('stale');
    const [row] = await getDb().select().from(workOrders).all();
    expect(row).toMatchObject({ status: 'planned', appointmentRequired: false, fetchedAt: '2026-03-04T10:05:00.000Z' });
  });

  it('keeps the first time an appointment was needed while it stays needed, and starts again after a booking', async () => {
    await storeWorkOrder(sellerId, workOrder(), '2026-03-04T10:00:00.000Z');
    const again = await storeWorkOrder(sellerId, workOrder({ note: [] }), '2026-03-04T11:00:00.000Z');
    expect(again.row.appointmentRequiredSince).toBe('2026-03-04T10:00:00.000Z');
    const booked = await storeWorkOrder(sellerId, workOrder({ state: 'planned', appointmentRequired: false }), '2026-03-04T12:00:00.000Z');
    expect(booked.row.appointmentRequiredSince).toBeNull();
    const reopened = await storeWorkOrder(sellerId, workOrder(), '2026-03-04T13:00:00.000Z');
    expect(reopened.row.appointmentRequiredSince).toBe('2026-03-04T13:00:00.000Z');
  });

  it('counts an identical document as unchanged but records the newer fetch', async () => {
    await storeWorkOrder(sellerId, workOrder(), '2026-03-04T10:00:00.000Z');
    const same = await storeWorkOrder(sellerId, workOrder(), '2026-03-04T10:30:00.000Z');
    expect(same.outcome).toBe('unchanged');
    expect(same.row.fetchedAt).toBe('2026-03-04T10:30:00.000Z');
  });

  it('does not bring a finished work order back to life', async () => {
    await storeWorkOrder(sellerId, workOrder({ state: 'completed', appointmentRequired: false }), '2026-03-04T10:00:00.000Z');
    const odd = await storeWorkOrder(sellerId, workOrder({ state: 'planned' }), '2026-03-04T11:00:00.000Z');
    expect(odd.outcome).toBe('stale');
    expect(odd.row.status).toBe('completed');
  });
});

describe('storeAppointment', () => {
  it('stores the period as UTC instants and takes the site from the work order when the place is an address', async () => {
    await storeWorkOrder(sellerId, workOrder(), '2026-03-04T10:00:00.000Z');
    const { outcome, row } = await storeAppointment(sellerId, appointment(), '2026-03-04T10:01:00.000Z');
    expect(outcome).toBe('inserted');
    expect(row).toMatchObject({
      sellerResourceId: 'ap-1',
      status: 'confirmed',
      workOrderId: 'wo-1',
      startAt: '2026-03-05T19:00:00.000Z',
      endAt: '2026-03-05T21:00:00.000Z',
      siteId: 'site-nyc',
    });
  });

  it('keeps the newer of two documents whatever order they arrive in', async () => {
    const moved = appointment({ validFor: { startDateTime: '2026-03-06T14:00:00Z', endDateTime: '2026-03-06T16:00:00Z' } });
    await storeAppointment(sellerId, moved, '2026-03-04T10:02:00.000Z');
    expect((await storeAppointment(sellerId, appointment(), '2026-03-04T10:01:00.000Z')).outcome).toBe('stale');
    const [row] = await getDb().select().from(appointments).all();
    expect(row?.startAt).toBe('2026-03-06T14:00:00.000Z');
  });

  it('keeps a cancelled appointment cancelled', async () => {
    await storeAppointment(sellerId, appointment({ status: 'cancelled' }), '2026-03-04T10:02:00.000Z');
    const res = await storeAppointment(sellerId, appointment({ status: 'confirmed' }), '2026-03-04T10:03:00.000Z');
    expect(res.outcome).toBe('stale');
    expect(res.row.status).toBe('cancelled');
  });

  it('moves a confirmed appointment on to completed', async () => {
    await storeAppointment(sellerId, appointment(), '2026-03-04T10:02:00.000Z');
    const res = await storeAppointment(sellerId, appointment({ status: 'completed' }), '2026-03-04T10:03:00.000Z');
    expect(res).toMatchObject({ outcome: 'updated', previousStatus: 'confirmed' });
    expect(res.row.status).toBe('completed');
  });

  it('records each status or period change once, in the order observed', async () => {
    await storeAppointment(sellerId, appointment(), '2026-03-04T10:00:00.000Z');
    await storeAppointment(sellerId, appointment({ note: [] }), '2026-03-04T10:01:00.000Z');
    const moved = { startDateTime: '2026-03-06T14:00:00Z', endDateTime: '2026-03-06T16:00:00Z' };
    await storeAppointment(sellerId, appointment({ validFor: moved }), '2026-03-04T10:02:00.000Z');
    await storeAppointment(sellerId, appointment({ validFor: moved, status: 'cancelled' }), '2026-03-04T10:03:00.000Z');
    const history = await getDb().select().from(appointmentHistory).orderBy(appointmentHistory.id).all();
    expect(history.map((h) => [h.status, h.startAt, h.observedAt])).toEqual([
      ['confirmed', '2026-03-05T19:00:00.000Z', '2026-03-04T10:00:00.000Z'],
      ['confirmed', '2026-03-06T14:00:00.000Z', '2026-03-04T10:02:00.000Z'],
      ['cancelled', '2026-03-06T14:00:00.000Z', '2026-03-04T10:03:00.000Z'],
    ]);
  });
});
