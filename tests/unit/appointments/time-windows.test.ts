import { describe, expect, it } from 'vitest';
import {
  checkRequestedWindows,
  formatWindowIn,
  quickPickWindows,
  safeTimeZone,
  utcOffsetLabel,
  windowsOverlap,
} from '@/lib/domain/time-windows';

// Wednesday 4 March 2026, 15:00 UTC = 10:00 in New York (EST, UTC−5), 16:00 in Paris.
const NOW = Date.parse('2026-03-04T15:00:00Z');

describe('checkRequestedWindows', () => {
  it('accepts future windows, sorts them and merges overlapping ones', () => {
    const check = checkRequestedWindows(
      [
        { start: '2026-03-06T13:00:00Z', end: '2026-03-06T17:00:00Z' },
        { start: '2026-03-05T13:00:00Z', end: '2026-03-05T15:00:00Z' },
        { start: '2026-03-05T14:00:00Z', end: '2026-03-05T18:00:00Z' },
      ],
      { now: NOW },
    );
    expect(check.ok).toBe(true);
    expect(check.windows).toEqual([
      { start: '2026-03-05T13:00:00.000Z', end: '2026-03-05T18:00:00.000Z' },
      { start: '2026-03-06T13:00:00.000Z', end: '2026-03-06T17:00:00.000Z' },
    ]);
  });

  it('refuses a window whose end is not after its start', () => {
    const check = checkRequestedWindows([{ start: '2026-03-05T13:00:00Z', end: '2026-03-05T13:00:00Z' }], { now: NOW });
    expect(check.ok).toBe(false);
    expect(check.windows).toEqual([]);
    expect(check.problems).toEqual([{ index: 0, field: 'end', message: 'The end must be after the start.' }]);
  });

  it('refuses a window wholly in the past, and moves the start of one that has begun to now', () => {
    const past = checkRequestedWindows([{ start: '2026-03-03T13:00:00Z', end: '2026-03-04T14:59:00Z' }], { now: NOW });
    expect(past.problems[0]?.message).toBe('This window is in the past.');
    const running = checkRequestedWindows([{ start: '2026-03-04T13:00:00Z', end: '2026-03-04T18:00:00Z' }], { now: NOW });
    expect(running.windows).toEqual([{ start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T18:00:00.000Z' }]);
  });

  it("refuses a window ending beyond the Seller's horizon and names the last possible day", () => {
    const check = checkRequestedWindows([{ start: '2026-05-01T13:00:00Z', end: '2026-05-04T13:00:00Z' }], { now: NOW, horizonDays: 60 });
    expect(check.ok).toBe(false);
    expect(check.problems[0]?.message).toContain("beyond the Seller's 60-day booking horizon");
    expect(check.problems[0]?.message).toContain('2026-05-03');
    expect(checkRequestedWindows([{ start: '2026-05-01T13:00:00Z', end: '2026-05-03T13:00:00Z' }], { now: NOW, horizonDays: 60 }).ok).toBe(true);
  });

  it('refuses no windows, too many windows and dates without an offset', () => {
    expect(checkRequestedWindows([], { now: NOW }).problems[0]?.message).toMatch(/at least one window/);
    const many = Array.from({ length: 11 }, (_, i) => ({
      start: `2026-03-${String(10 + i).padStart(2, '0')}T13:00:00Z`,
      end: `2026-03-${String(10 + i).padStart(2, '0')}T14:00:00Z`,
    }));
    expect(checkRequestedWindows(many, { now: NOW }).ok).toBe(false);
    const local = checkRequestedWindows([{ start: '2026-03-05T13:00', end: '2026-03-05T15:00:00Z' }], { now: NOW });
    expect(local.problems).toEqual([{ index: 0, field: 'start', message: 'The start is not a valid date and time.' }]);
  });

  it('reports every bad window with its index', () => {
    const check = checkRequestedWindows(
      [
        { start: '2026-03-05T13:00:00Z', end: '2026-03-05T15:00:00Z' },
        { start: '2026-03-05T15:00:00Z', end: '2026-03-05T14:00:00Z' },
        { start: '2026-03-01T15:00:00Z', end: '2026-03-02T14:00:00Z' },
      ],
      { now: NOW },
    );
    expect(check.problems.map((p) => p.index)).toEqual([1, 2]);
  });
});

describe('quick picks in the site time zone', () => {
  it('next 3 working days, 8–18 in New York, today clipped to now', () => {
    expect(quickPickWindows('next3WorkingDays', { now: NOW, timeZone: 'America/New_York' })).toEqual([
      { start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T23:00:00.000Z' },
      { start: '2026-03-05T13:00:00.000Z', end: '2026-03-05T23:00:00.000Z' },
      { start: '2026-03-06T13:00:00.000Z', end: '2026-03-06T23:00:00.000Z' },
    ]);
  });

  it('skips the weekend and today once its window has ended (Paris, after 18:00 on a Friday)', () => {
    const fridayEvening = Date.parse('2026-03-06T18:30:00Z');
    const windows = quickPickWindows('next3WorkingDays', { now: fridayEvening, timeZone: 'Europe/Paris' });
    expect(windows.map((w) => w.start)).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z', '2026-03-11T07:00:00.000Z']);
  });

  it('follows daylight saving time: 8:00 in New York is 13:00 UTC before 8 March 2026 and 12:00 UTC after', () => {
    const windows = quickPickWindows('next5Mornings', { now: Date.parse('2026-03-05T20:00:00Z'), timeZone: 'America/New_York' });
    expect(windows.map((w) => w.start)).toEqual([
      '2026-03-06T13:00:00.000Z',
      '2026-03-09T12:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
      '2026-03-11T12:00:00.000Z',
      '2026-03-12T12:00:00.000Z',
    ]);
  });

  it('next week is Monday to Friday of the following week', () => {
    const windows = quickPickWindows('nextWeek', { now: NOW, timeZone: 'Asia/Tokyo' });
    expect(windows).toHaveLength(5);
    expect(windows[0]).toEqual({ start: '2026-03-08T23:00:00.000Z', end: '2026-03-09T09:00:00.000Z' });
    expect(windows[4]?.start).toBe('2026-03-12T23:00:00.000Z');
  });

  it('every quick pick passes the checks as it is', () => {
    for (const id of ['next3WorkingDays', 'next5Mornings', 'next5Afternoons', 'nextWeek'] as const) {
      expect(checkRequestedWindows(quickPickWindows(id, { now: NOW, timeZone: 'America/Chicago' }), { now: NOW }).ok, id).toBe(true);
    }
  });
});

describe('time zone helpers', () => {
  it('falls back to UTC for an unknown zone', () => {
    expect(safeTimeZone('Mars/Olympus')).toBe('UTC');
    expect(safeTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(safeTimeZone('')).toBe('UTC');
  });

  it('labels offsets and formats windows in a zone', () => {
    expect(utcOffsetLabel('America/New_York', NOW)).toBe('UTC−05:00');
    expect(utcOffsetLabel('Asia/Kolkata', NOW)).toBe('UTC+05:30');
    const w = { start: '2026-03-05T14:00:00Z', end: '2026-03-05T16:00:00Z' };
    expect(formatWindowIn(w, 'America/New_York')).toBe('Thu 5 Mar, 09:00–11:00');
    expect(formatWindowIn({ start: '2026-03-05T14:00:00Z', end: '2026-03-05T16:00:00Z' }, 'Asia/Tokyo')).toBe('Thu 5 Mar, 23:00–Fri 6 Mar, 01:00');
  });

  it('tells overlapping windows from touching ones', () => {
    const a = { start: '2026-03-05T14:00:00Z', end: '2026-03-05T16:00:00Z' };
    expect(windowsOverlap(a, { start: '2026-03-05T15:00:00Z', end: '2026-03-05T17:00:00Z' })).toBe(true);
    expect(windowsOverlap(a, { start: '2026-03-05T16:00:00Z', end: '2026-03-05T17:00:00Z' })).toBe(false);
  });
});
