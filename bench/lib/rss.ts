/** Resident memory of a process group (the portal server and its children), sampled from /proc. */
import fs from 'node:fs';

export interface RssPoint {
  at: number;
  /** Sum of VmRSS over the group, bytes. */
  totalBytes: number;
  /** The largest single process, bytes. */
  largestBytes: number;
  processes: number;
}

function groupOf(pid: string): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp ...: comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return null;
  }
}

function rssBytes(pid: string): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function sampleGroup(pgid: number): RssPoint {
  let total = 0;
  let largest = 0;
  let processes = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || groupOf(entry) !== pgid) continue;
    const rss = rssBytes(entry);
    total += rss;
    largest = Math.max(largest, rss);
    processes++;
  }
  return { at: Date.now(), totalBytes: total, largestBytes: largest, processes };
}

export interface RssWindow {
  label: string;
  from: number;
  to: number;
}

/** Samples every `everyMs` until stopped; windows name the stretches the report asks about. */
export class RssSampler {
  private readonly points: RssPoint[] = [];
  private readonly windows: RssWindow[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pgid: number,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.take();
    this.timer = setInterval(() => this.take(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private take(): void {
    const point = sampleGroup(this.pgid);
    if (point.processes > 0) this.points.push(point);
  }

  /** Runs `work` and remembers its stretch under `label`. */
  async during<T>(label: string, work: () => Promise<T>): Promise<T> {
    const from = Date.now();
    try {
      return await work();
    } finally {
      this.take();
      this.windows.push({ label, from, to: Date.now() });
    }
  }

  peak(filter?: (label: string) => boolean): { totalBytes: number; largestBytes: number; samples: number } {
    const windows = this.windows.filter((w) => !filter || filter(w.label));
    const inside = filter ? this.points.filter((p) => windows.some((w) => p.at >= w.from && p.at <= w.to)) : this.points;
    return {
      totalBytes: Math.max(0, ...inside.map((p) => p.totalBytes)),
      largestBytes: Math.max(0, ...inside.map((p) => p.largestBytes)),
      samples: inside.length,
    };
  }

  byWindow(): Array<{ label: string; peakTotalBytes: number; samples: number }> {
    return this.windows.map((w) => {
      const inside = this.points.filter((p) => p.at >= w.from && p.at <= w.to);
      return { label: w.label, peakTotalBytes: Math.max(0, ...inside.map((p) => p.totalBytes)), samples: inside.length };
    });
  }
}
