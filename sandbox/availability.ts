import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { SellerConfig, SellerSite, Technician, WeeklyBlock } from './sellers';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface Interval {
  start: number;
  end: number;
}

export interface Booking extends Interval {
  technicianId: string;
}

export interface FreeSlot extends Interval {
  technicianId: string;
}

const MAX_SLOTS = 200;

function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The instant of a local wall-clock time on a local date in the site's zone. */
function localInstant(date: string, time: string, timeZone: string): number {
  return dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', timeZone).valueOf();
}

function blockIntervalsOn(date: string, isoWeekday: number, blocks: readonly WeeklyBlock[], timeZone: string): Interval[] {
  return blocks
    .filter((b) => b.weekdays.includes(isoWeekday))
    .map((b) => ({ start: localInstant(date, b.start, timeZone), end: localInstant(date, b.end, timeZone) }));
}

export function techniciansFor(seller: SellerConfig, site: SellerSite): Technician[] {
  return seller.technicians.filter((t) => t.regions.includes(site.region));
}

/**
 * Slots of `slotMinutes` aligned on the start of each technician's working day, in the site's time zone,
 * lying fully inside one of the windows, not before `notBefore`, and not overlapping the technician's standing
 * commitments or existing bookings. One slot per time range (the first free technician takes it).
 */
export function freeSlots(params: {
  seller: SellerConfig;
  site: SellerSite;
  windows: readonly Interval[];
  bookings: readonly Booking[];
  notBefore: number;
}): FreeSlot[] {
  const { seller, site, windows, bookings, notBefore } = params;
  const slotMs = seller.appointmentSlotMinutes * 60_000;
  const technicians = techniciansFor(seller, site);
  const found = new Map<string, FreeSlot>();
  for (const window of windows) {
    const from = Math.max(window.start, notBefore);
    if (from >= window.end) continue;
    // Walk local calendar dates as plain dates (UTC arithmetic), so DST changes cannot skip or repeat a day.
    let day = dayjs.utc(dayjs(from).tz(site.timeZone).format('YYYY-MM-DD'));
    const lastDay = dayjs.utc(dayjs(window.end).tz(site.timeZone).format('YYYY-MM-DD'));
    while (!day.isAfter(lastDay) && found.size < MAX_SLOTS) {
      const date = day.format('YYYY-MM-DD');
      const isoWeekday = ((day.day() + 6) % 7) + 1;
      for (const tech of technicians) {
        if (!tech.workingHours.weekdays.includes(isoWeekday)) continue;
        const workStart = localInstant(date, tech.workingHours.start, site.timeZone);
        const workEnd = localInstant(date, tech.workingHours.end, site.timeZone);
        const standing = blockIntervalsOn(date, isoWeekday, tech.bookings, site.timeZone);
        const booked = bookings.filter((b) => b.technicianId === tech.id);
        for (let start = workStart; start + slotMs <= workEnd; start += slotMs) {
          const slot = { start, end: start + slotMs };
          if (slot.start < from || slot.end > window.end) continue;
          const key = `${slot.start}-${slot.end}`;
          if (found.has(key)) continue;
          if (standing.some((s) => overlaps(s, slot)) || booked.some((b) => overlaps(b, slot))) continue;
          found.set(key, { ...slot, technicianId: tech.id });
        }
      }
      day = day.add(1, 'day');
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start).slice(0, MAX_SLOTS);
}
