/**
 * The machine's load average (1, 5 and 15 minutes, from os.loadavg) at the start and at the end of each phase, so
 * every figure set is printed beside how busy the machine was while it was measured.
 */
import os from 'node:os';

export interface LoadWindow {
  /** os.loadavg() when the phase started: 1, 5, 15 minutes. */
  start: number[];
  /** os.loadavg() when it ended. */
  end: number[];
}

export const loadNow = (): number[] => os.loadavg().map((v) => Math.round(v * 100) / 100);

/** Runs `work` and records the load average before and after it. */
export async function withLoad<T>(work: () => Promise<T>): Promise<{ value: T; load: LoadWindow }> {
  const start = loadNow();
  const value = await work();
  return { value, load: { start, end: loadNow() } };
}

/** A load window that is being measured by hand: `open()` now, `close()` at the end. */
export function openLoad(): { close(): LoadWindow } {
  const start = loadNow();
  return { close: () => ({ start, end: loadNow() }) };
}

const three = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');

/** "load average 3.10 2.90 2.50 → 4.00 3.20 2.60" (1, 5, 15 min; start → end). */
export function describeLoad(load: LoadWindow | null | undefined): string {
  if (!load) return 'load average not recorded';
  return `load average ${three(load.start)} → ${three(load.end)}`;
}

/** The 1-minute figures only, for a table cell: "3.10 → 4.00". */
export function loadCell(load: LoadWindow | null | undefined): string {
  if (!load) return '–';
  return `${load.start[0]!.toFixed(2)} → ${load.end[0]!.toFixed(2)}`;
}

/** The window spanning several: the first start and the last end. */
export function spanLoad(windows: Array<LoadWindow | null | undefined>): LoadWindow | undefined {
  const present = windows.filter((w): w is LoadWindow => Boolean(w));
  if (present.length === 0) return undefined;
  return { start: present[0]!.start, end: present[present.length - 1]!.end };
}
