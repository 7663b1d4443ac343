import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import fs from 'node:fs';
import { bookAppointment, refreshFromSellers, searchTimeSlots, updateAppointmentDetails } from '@/lib/actions/appointments';
import { getAppointment } from '@/lib/data/appointments';
import type { TimeWindow } from '@/lib/domain/time-windows';
import type { RunningSandbox } from '@/sandbox/server';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { CONTACTS, control, openTicketAtSeller, registerSellers, startWorkforceSandbox, type DiscoveredSeller } from './workforce-fixture';

dayjs.extend(utc);
dayjs.extend(timezone);

const NY = 'America/New_York';
const NYC_PRODUCT = 'globex-prod-access-101';
let sandbox: RunningSandbox;
let dir: string;
let discovered: DiscoveredSeller[];

beforeAll(async () => {
  ({ sandbox, dir, sellers: discovered } = await startWorkforceSandbox());
});
afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  usePortalTestEnv();
  await registerSellers(dir, discovered);
  actAs((await createUser('coordinator')).id);
});

function windows(): TimeWindow[] {
  const out: TimeWindow[] = [];
  let day = dayjs().tz(NY).add(9, 'day').startOf('day');
  while (out.length < 5) {
    if (day.day() !== 0 && day.day() !== 6) {
      const date = day.format('YYYY-MM-DD');
      out.push({ start: dayjs.tz(`${date} 09:00`, 'YYYY-MM-DD HH:mm', NY).toISOString(), end: dayjs.tz(`${date} 17:00`, 'YYYY-MM-DD HH:mm', NY).toISOString() });
    }
    day = day.add(1, 'day');
  }
  return out;
}

async function bookedAppointment(): Promise<string> {
  const ticketId = await openTicketAtSeller('globex', NYC_PRODUCT);
  const wo = (await control(sandbox, 'POST', `/globex/tickets/${ticketId}/work-orders`, { appointmentRequired: true })) as { id: string };
  expect((await refreshFromSellers({ seller: 'globex', workOrderId: wo.id })).ok).toBe(true);
  const search = await searchTimeSlots({ seller: 'globex', workOrderId: wo.id, windows: windows() });
  expect(search.ok, search.message).toBe(true);
  const res = await bookAppointment({ seller: 'globex', workOrderId: wo.id, slot: search.data!.slots[0]!, ...CONTACTS, note: 'Ring at the loading dock' });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!.id;
}

async function atSeller(id: string) {
  const list = (await control(sandbox, 'GET', '/globex/appointments')) as Array<{ id: string; note?: Array<{ text: string; source: string }>; relatedContactInformation: Array<{ role: string; name: string }>; attachment?: Array<{ name: string }> }>;
  return list.find((a) => a.id === id)!;
}

describe('appointment details PATCH is built from the Seller’s latest appointment (R101/R102, WF-G R29)', () => {
  it('keeps a note the Seller added after our cache last heard of the appointment', async () => {
    const id = await bookedAppointment();
    await control(sandbox, 'POST', `/globex/appointments/${id}/notes`, { text: 'Technician needs site access code' });
    // No notification reaches this test portal: the cache does not know the Seller's note.
    expect((await getAppointment('globex', id))!.document.note?.map((n) => n.text)).toEqual(['Ring at the loading dock']);

    const res = await updateAppointmentDetails({
      seller: 'globex',
      id,
      placeContact: { name: 'Pia Porter', number: '+1 212 555 0111', emailAddress: 'pia@buyer.example', organization: '' },
      note: 'Access code is 4711',
      attachments: [{ name: 'map.txt', content: Buffer.from('Gate 2').toString('base64'), mimeType: 'text/plain' }],
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);

    const seller = await atSeller(id);
    expect(seller.note?.map((n) => [n.source, n.text])).toEqual([
      ['buyer', 'Ring at the loading dock'],
      ['seller', 'Technician needs site access code'],
      ['buyer', 'Access code is 4711'],
    ]);
    expect(seller.relatedContactInformation.map((c) => c.role).sort()).toEqual(['appointmentPlaceContact', 'buyerAppointmentContact', 'sellerAppointmentContact']);
    expect(seller.relatedContactInformation.find((c) => c.role === 'appointmentPlaceContact')?.name).toBe('Pia Porter');
    expect(seller.attachment?.map((a) => a.name)).toEqual(['map.txt']);
    const cached = (await getAppointment('globex', id))!.document;
    expect(cached.note?.map((n) => n.text)).toEqual(['Ring at the loading dock', 'Technician needs site access code', 'Access code is 4711']);
  });

  it('a contact-only change sends back the Seller’s notes it did not know of', async () => {
    const id = await bookedAppointment();
    await control(sandbox, 'POST', `/globex/appointments/${id}/notes`, { text: 'Bring ladder' });
    const res = await updateAppointmentDetails({ seller: 'globex', id, buyerContact: { ...CONTACTS.buyerContact, name: 'Cora Other' } });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const seller = await atSeller(id);
    expect(seller.note?.map((n) => n.text)).toEqual(['Ring at the loading dock', 'Bring ladder']);
    expect(seller.relatedContactInformation.find((c) => c.role === 'buyerAppointmentContact')?.name).toBe('Cora Other');
  });

  it('when the fresh appointment is no longer confirmed, nothing is sent and the cache shows the Seller’s state', async () => {
    const id = await bookedAppointment();
    await control(sandbox, 'POST', `/globex/appointments/${id}/start`);
    const res = await updateAppointmentDetails({ seller: 'globex', id, note: 'too late' });
    expect(res).toMatchObject({ ok: false, status: 422 });
    expect(res.message).toMatch(/inProgress/);
    expect((await getAppointment('globex', id))?.status).toBe('inProgress');
    expect((await atSeller(id)).note?.map((n) => n.text)).toEqual(['Ring at the loading dock']);
  });
});
