/**
 * Business time on a calendar: 24×7, or weekly opening hours in a time zone with public holidays. Pure: instants
 * (ms since the epoch) in, milliseconds or instants out. Local days are computed in the calendar's zone, so a DST
 * change shortens or lengthens the day only where the wall clock does.
 */

export interface OpeningHours {
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  day: number;
  /** Minutes after local midnight. */
  from: number;
  to: number;
}

export interface SlaCalendarSpec {
  kind: '24x7' | 'businessHours';
  timeZone: string;
  hours: OpeningHours[];
  /** Local dates, YYYY-MM-DD. */
  holidays: string[];
}

export const ALWAYS: SlaCalendarSpec = { kind: '24x7', timeZone: 'UTC', hours: [], holidays: [] };

const DAY_MS = 86_400_000;
/** How far ahead a deadline is searched before it is called unreachable (a calendar with no opening hours). */
const HORIZON_DAYS = 3 * 366;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localParts(timeZone: string, ms: number) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), min: Number(parts.minute), s: Number(parts.second) };
}

/** The zone's offset from UTC at `ms`, in ms (positive east of Greenwich). */
function offsetMs(timeZone: string, ms: number): number {
  const p = localParts(timeZone, ms);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant a local wall-clock time happens; a time skipped by DST moves forward by the gap. */
export function zonedInstant(timeZone: string, date: string, minutes: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  const first = offsetMs(timeZone, wall);
  const guess = wall - first;
  const second = offsetMs(timeZone, guess);
  return second === first ? guess : wall - second;
}

export function localDate(timeZone: string, ms: number): string {
  const p = localParts(timeZone, ms);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar's open intervals on one local date, as instants. */
function openOn(cal: SlaCalendarSpec, date: string): Array<[number, number]> {
  if (cal.holidays.includes(date)) return [];
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return cal.hours
    .filter((h) => h.day === weekday && h.to > h.from)
    .map((h) => [zonedInstant(cal.timeZone, date, h.from), zonedInstant(cal.timeZone, date, h.to)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

/** Open intervals of the calendar within [from, to). */
export function businessIntervals(cal: SlaCalendarSpec, from: number, to: number): Array<[number, number]> {
  if (!(to > from)) return [];
  if (cal.kind === '24x7') return [[from, to]];
  const out: Array<[number, number]> = [];
  const last = localDate(cal.timeZone, to);
  for (let date = shiftDate(localDate(cal.timeZone, from), -1); date <= shiftDate(last, 1); date = shiftDate(date, 1)) {
    for (const [s, e] of openOn(cal, date)) {
      const a = Math.max(s, from);
      const b = Math.min(e, to);
      if (b > a) out.push([a, b]);
    }
  }
  return out;
}

export function businessMs(cal: SlaCalendarSpec, from: number, to: number): number {
  return businessIntervals(cal, from, to).reduce((sum, [a, b]) => sum + (b - a), 0);
}

/** The instant `ms` of business time after `from`; null when the calendar never opens long enough. */
export function addBusinessMs(cal: SlaCalendarSpec, from: number, ms: number): number | null {
  if (ms <= 0) return from;
  if (cal.kind === '24x7') return from + ms;
  let left = ms;
  let date = shiftDate(localDate(cal.timeZone, from), -1);
  for (let i = 0; i < HORIZON_DAYS; i++, date = shiftDate(date, 1)) {
    for (const [s, e] of openOn(cal, date)) {
      const a = Math.max(s, from);
      if (e <= a) continue;
      if (e - a >= left) return a + left;
      left -= e - a;
    }
  }
  return null;
}

/** "HH:MM" → minutes after midnight (24:00 allowed as the end of a day); null when malformed. */
export function parseClockTime(text: string): number | null {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}

export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Public holidays from an iCalendar file: every VEVENT's DTSTART date (all-day or timed), each day of a multi-day
 * all-day event (DTEND is exclusive). Lines folded per RFC 5545 are unfolded first.
 */
export function holidaysFromIcs(ics: string): { dates: string[]; errors: string[] } {
  const lines = ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const dates = new Set<string>();
  const errors: string[] = [];
  let inEvent = false;
  let start: string | null = null;
  let end: string | null = null;
  const dateOf = (line: string) => {
    const value = line.slice(line.indexOf(':') + 1).trim();
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(value);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
  };
  if (!/BEGIN:VCALENDAR/i.test(ics)) errors.push('Not an iCalendar file (no BEGIN:VCALENDAR).');
  for (const line of lines) {
    if (/^BEGIN:VEVENT/i.test(line)) {
      inEvent = true;
      start = end = null;
    } else if (/^END:VEVENT/i.test(line)) {
      if (!start) errors.push('An event has no DTSTART date.');
      else {
        dates.add(start);
        if (end) for (let d = shiftDate(start, 1); d < end && dates.size < 10_000; d = shiftDate(d, 1)) dates.add(d);
      }
      inEvent = false;
    } else if (inEvent && /^DTSTART[;:]/i.test(line)) start = dateOf(line);
    else if (inEvent && /^DTEND[;:]/i.test(line) && /VALUE=DATE[:;]/i.test(line)) end = dateOf(line);
  }
  return { dates: [...dates].sort(), errors };
}
