/**
 * Requested time windows for a technician time-slot search (MEF 113 UC 7): checks before anything is sent, and
 * quick picks laid out in the site's time zone. Pure: no database, no wire, no screen.
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** How far ahead Sellers accept searches unless told otherwise (the sandbox Sellers and most onboarding agreements). */
export const DEFAULT_SEARCH_HORIZON_DAYS = 60;
/** More windows than this say the same as one wider window and make the Seller's answer hard to read. */
export const MAX_REQUESTED_WINDOWS = 10;

export interface TimeWindow {
  /** ISO 8601 instants. */
  start: string;
  end: string;
}

export interface WindowProblem {
  index: number;
  field: 'start' | 'end';
  message: string;
}

export interface WindowCheck {
  ok: boolean;
  problems: WindowProblem[];
  /** The windows to send: sorted, overlapping or touching ones merged, a start in the past moved to now. */
  windows: TimeWindow[];
}

const DAY_MS = 86_400_000;

function instant(value: string): number {
  // Only full date-times with an offset or Z: a bare local time would be read in the server's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return Number.NaN;
  return Date.parse(value);
}

/**
 * Checks what the coordinator asked for: each window's end after its start, not wholly in the past, inside the
 * Seller's search horizon. Nothing should be sent to the Seller unless `ok`.
 */
export function checkRequestedWindows(
  windows: readonly TimeWindow[],
  options: { now: Date | number; horizonDays?: number },
): WindowCheck {
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const horizonDays = options.horizonDays ?? DEFAULT_SEARCH_HORIZON_DAYS;
  const horizon = now + horizonDays * DAY_MS;
  const problems: WindowProblem[] = [];
  if (windows.length === 0) {
    problems.push({ index: 0, field: 'start', message: 'Mark at least one window on the calendar or pick a quick option.' });
  }
  if (windows.length > MAX_REQUESTED_WINDOWS) {
    problems.push({ index: MAX_REQUESTED_WINDOWS, field: 'start', message: `Ask for at most ${MAX_REQUESTED_WINDOWS} windows at a time.` });
  }
  const valid: Array<{ start: number; end: number }> = [];
  windows.forEach((w, index) => {
    const start = instant(w.start);
    const end = instant(w.end);
    if (Number.isNaN(start)) return void problems.push({ index, field: 'start', message: 'The start is not a valid date and time.' });
    if (Number.isNaN(end)) return void problems.push({ index, field: 'end', message: 'The end is not a valid date and time.' });
    if (!(end > start)) return void problems.push({ index, field: 'end', message: 'The end must be after the start.' });
    if (end <= now) return void problems.push({ index, field: 'end', message: 'This window is in the past.' });
    if (end > horizon) {
      return void problems.push({
        index,
        field: 'end',
        message: `This window ends beyond the Seller's ${horizonDays}-day booking horizon (last possible end ${new Date(horizon).toISOString().slice(0, 10)}).`,
      });
    }
    valid.push({ start: Math.max(start, now), end });
  });
  if (problems.length > 0) return { ok: false, problems, windows: [] };
  return { ok: true, problems, windows: mergeWindows(valid) };
}

function mergeWindows(list: Array<{ start: number; end: number }>): TimeWindow[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const w of sorted) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged.map((w) => ({ start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() }));
}

/** Whether two windows share any instant (used to tell an available slot's match and partial overlaps apart). */
export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}

export type QuickPickId = 'next3WorkingDays' | 'next5Mornings' | 'next5Afternoons' | 'nextWeek';

export interface QuickPick {
  id: QuickPickId;
  label: string;
}

export const QUICK_PICKS: readonly QuickPick[] = [
  { id: 'next3WorkingDays', label: 'Next 3 working days, 8–18' },
  { id: 'next5Mornings', label: 'Mornings of the next 5 working days, 8–12' },
  { id: 'next5Afternoons', label: 'Afternoons of the next 5 working days, 13–18' },
  { id: 'nextWeek', label: 'All of next week, Monday–Friday 8–18' },
];

const isWorkingDay = (d: Dayjs) => d.day() !== 0 && d.day() !== 6;

/** `days` working days from today in `timeZone` (today counts while its window has not ended), hours local to the site. */
function workingDayWindows(now: number, timeZone: string, days: number, fromHour: number, toHour: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  let day = dayjs(now).tz(timeZone).startOf('day');
  for (let guard = 0; out.length < days && guard < 21; guard++, day = day.add(1, 'day')) {
    if (!isWorkingDay(day)) continue;
    const date = day.format('YYYY-MM-DD');
    const start = dayjs.tz(`${date} ${String(fromHour).padStart(2, '0')}:00`, 'YYYY-MM-DD HH:mm', timeZone).valueOf();
    const end = dayjs.tz(`${date} ${String(toHour).padStart(2, '0')}:00`, 'YYYY-MM-DD HH:mm', timeZone).valueOf();
    if (end <= now) continue;
    out.push({ start: new Date(Math.max(start, now)).toISOString(), end: new Date(end).toISOString() });
  }
  return out;
}

/** The windows of a quick pick, laid out in the site's time zone from `now`. */
export function quickPickWindows(id: QuickPickId, options: { now: Date | number; timeZone: string }): TimeWindow[] {
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const tz = safeTimeZone(options.timeZone);
  switch (id) {
    case 'next3WorkingDays':
      return workingDayWindows(now, tz, 3, 8, 18);
    case 'next5Mornings':
      return workingDayWindows(now, tz, 5, 8, 12);
    case 'next5Afternoons':
      return workingDayWindows(now, tz, 5, 13, 18);
    case 'nextWeek': {
      const today = dayjs(now).tz(tz).startOf('day');
      const daysToMonday = ((8 - today.day()) % 7) || 7;
      const monday = today.add(daysToMonday, 'day');
      return workingDayWindows(monday.valueOf(), tz, 5, 8, 18);
    }
  }
}

/** The zone itself when the runtime knows it, else UTC (a product imported with a typo must not break the page). */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone }).format(0);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** "UTC−05:00" for a zone at an instant (offsets change with daylight saving time). */
export function utcOffsetLabel(timeZone: string, at: Date | number | string = Date.now()): string {
  const minutes = dayjs(at).tz(safeTimeZone(timeZone)).utcOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A window as read in a zone, e.g. "Tue 3 Mar, 14:00–16:00" (the end date is added when it differs). */
export function formatWindowIn(window: TimeWindow, timeZone: string): string {
  const tz = safeTimeZone(timeZone);
  const s = dayjs(window.start).tz(tz);
  const e = dayjs(window.end).tz(tz);
  const sameDay = s.format('YYYY-MM-DD') === e.format('YYYY-MM-DD');
  return `${s.format('ddd D MMM, HH:mm')}–${sameDay ? e.format('HH:mm') : e.format('ddd D MMM, HH:mm')}`;
}

/** An instant in a zone, e.g. "Tue 3 Mar 2026, 14:00". */
export function formatInstantIn(at: string, timeZone: string): string {
  return dayjs(at).tz(safeTimeZone(timeZone)).format('ddd D MMM YYYY, HH:mm');
}
