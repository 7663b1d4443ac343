import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import fs from 'node:fs';
import { refreshFromSellers, searchTimeSlots } from '@/lib/actions/appointments';
import { listAppointmentsNeeded } from '@/lib/data/work-orders';
import type { RunningSandbox } from '@/sandbox/server';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { control, openTicketAtSeller, registerSellers, startWorkforceSandbox, workforceSnapshot, type DiscoveredSeller } from './workforce-fixture';

dayjs.extend(utc);
dayjs.extend(timezone);

const NYC_PRODUCT = 'globex-prod-access-101';
const CHICAGO_PRODUCT = 'globex-prod-sdwan-103';
const NY = 'America/New_York';
const CHICAGO = 'America/Chicago';

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

/** The local date of the ISO weekday (1 = Monday) at least a week ahead, so no window is ever in the past. */
function dayAhead(isoWeekday: number, timeZone: string): string {
  let day = dayjs().tz(timeZone).add(7, 'day').startOf('day');
  while (((day.day() + 6) % 7) + 1 !== isoWeekday) day = day.add(1, 'day');
  return day.format('YYYY-MM-DD');
}

const at = (date: string, time: string, timeZone: string) => dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', timeZone).toISOString();
const localTime = (iso: string, timeZone: string) => dayjs(iso).tz(timeZone).format('ddd HH:mm');

async function workOrderNeedingAppointment(productId: string): Promise<string> {
  const ticketId = await openTicketAtSeller('globex', productId);
  const wo = (await control(sandbox, 'POST', `/globex/tickets/${ticketId}/work-orders`, { appointmentRequired: true })) as { id: string };
  const refreshed = await refreshFromSellers({ seller: 'globex', workOrderId: wo.id });
  expect(refreshed.ok, refreshed.message).toBe(true);
  return wo.id;
}

describe('searching technician time slots against the Seller', () => {
  it('the work order appears in "Appointments needed" once refreshed', async () => {
    const id = await workOrderNeedingAppointment(NYC_PRODUCT);
    const needed = await listAppointmentsNeeded();
    expect(needed.map((w) => w.id)).toContain(id);
    expect(needed.find((w) => w.id === id)).toMatchObject({ sellerSlug: 'globex', state: 'open', siteName: 'New York office', timeZone: NY });
  });

  it('no availability: a weekend window gives an empty answer that says so and suggests wider windows', async () => {
    const id = await workOrderNeedingAppointment(NYC_PRODUCT);
    const saturday = dayAhead(6, NY);
    const res = await searchTimeSlots({ seller: 'globex', workOrderId: id, windows: [{ start: at(saturday, '08:00', NY), end: at(saturday, '18:00', NY) }] });
    expect(res.ok).toBe(true);
    expect(res.data?.slots).toEqual([]);
    expect(res.data?.emptyWindows).toHaveLength(1);
    expect(res.message).toMatch(/no technician free/i);
    expect(res.message).toMatch(/wider windows/i);
  });

  it('partial overlap: only slots lying wholly inside the window are offered', async () => {
    const id = await workOrderNeedingAppointment(NYC_PRODUCT);
    const monday = dayAhead(1, NY);
    // Slots run 9–11, 11–13, 13–15, 15–17 in New York: 10:00–14:00 holds only 11–13.
    const res = await searchTimeSlots({ seller: 'globex', workOrderId: id, windows: [{ start: at(monday, '10:00', NY), end: at(monday, '14:00', NY) }] });
    expect(res.ok, res.message).toBe(true);
    expect(res.data?.slots.map((s) => `${localTime(s.start, NY)}–${dayjs(s.end).tz(NY).format('HH:mm')}`)).toEqual(['Mon 11:00–13:00']);
  });

  it('multiple windows: slots from each window, in time order, and a window with nothing is reported', async () => {
    const id = await workOrderNeedingAppointment(NYC_PRODUCT);
    const monday = dayAhead(1, NY);
    const wednesday = dayAhead(3, NY);
    const sunday = dayAhead(7, NY);
    const res = await searchTimeSlots({
      seller: 'globex',
      workOrderId: id,
      windows: [
        { start: at(wednesday, '13:00', NY), end: at(wednesday, '17:00', NY) },
        { start: at(monday, '09:00', NY), end: at(monday, '13:00', NY) },
        { start: at(sunday, '09:00', NY), end: at(sunday, '17:00', NY) },
      ],
    });
    expect(res.ok, res.message).toBe(true);
    expect(res.data?.slots.map((s) => localTime(s.start, NY))).toEqual(['Mon 09:00', 'Mon 11:00', 'Wed 13:00', 'Wed 15:00']);
    expect(res.data?.requested).toHaveLength(3);
    expect(res.data?.emptyWindows).toEqual([{ start: at(sunday, '09:00', NY), end: at(sunday, '17:00', NY) }]);
  });

  it("time zones: the same UTC window gives slots on each site's own working hours", async () => {
    const chicagoWo = await workOrderNeedingAppointment(CHICAGO_PRODUCT);
    const nycWo = await workOrderNeedingAppointment(NYC_PRODUCT);
    const monday = dayAhead(1, 'UTC');
    const window = { start: `${monday}T00:00:00.000Z`, end: `${monday}T23:59:00.000Z` };
    const chicago = await searchTimeSlots({ seller: 'globex', workOrderId: chicagoWo, windows: [window] });
    const nyc = await searchTimeSlots({ seller: 'globex', workOrderId: nycWo, windows: [window] });
    // Marcus works 07:00–15:00 in Chicago, Dana 09:00–17:00 in New York: local hours, different instants.
    expect(chicago.data?.slots.map((s) => localTime(s.start, CHICAGO))).toEqual(['Mon 07:00', 'Mon 09:00', 'Mon 11:00', 'Mon 13:00']);
    expect(nyc.data?.slots.map((s) => localTime(s.start, NY))).toEqual(['Mon 09:00', 'Mon 11:00', 'Mon 13:00', 'Mon 15:00']);
    expect(chicago.data?.slots[0]?.start).not.toBe(nyc.data?.slots[0]?.start);
  });

  it('refuses windows whose end is not after the start, in the past or beyond the horizon, and sends nothing', async () => {
    const id = await workOrderNeedingAppointment(NYC_PRODUCT);
    const before = await workforceSnapshot();
    const eventsBefore = (await control(sandbox, 'GET', '/globex/events')).length;
    const monday = dayAhead(1, NY);
    const cases = [
      { windows: [{ start: at(monday, '12:00', NY), end: at(monday, '12:00', NY) }], message: 'The end must be after the start.' },
      { windows: [{ start: '2020-01-06T14:00:00.000Z', end: '2020-01-06T20:00:00.000Z' }], message: 'This window is in the past.' },
      {
        windows: [{ start: dayjs().add(70, 'day').toISOString(), end: dayjs().add(71, 'day').toISOString() }],
        message: "beyond the Seller's 60-day booking horizon",
      },
    ];
    for (const c of cases) {
      const res = await searchTimeSlots({ seller: 'globex', workOrderId: id, windows: c.windows });
      expect(res).toMatchObject({ ok: false, status: 400 });
      expect(res.errors?.['windows.0']?.[0]).toContain(c.message);
    }
    expect(await workforceSnapshot()).toEqual(before);
    expect((await control(sandbox, 'GET', '/globex/events')).length).toBe(eventsBefore);
  });

  it('refuses a search for a work order that is no longer open, without asking the Seller', async () => {
    const id = await workOrderNeedingAppointment(NYC_PRODUCT);
    await control(sandbox, 'POST', `/globex/work-orders/${id}/state`, { state: 'cancelled' });
    await refreshFromSellers({ seller: 'globex', workOrderId: id });
    const monday = dayAhead(1, NY);
    const res = await searchTimeSlots({ seller: 'globex', workOrderId: id, windows: [{ start: at(monday, '09:00', NY), end: at(monday, '17:00', NY) }] });
    expect(res).toMatchObject({ ok: false, status: 422 });
    expect(res.message).toMatch(/only be booked while the work order is open; it is cancelled/);
  });
});
