import 'server-only';
import { PRESENCE_TTL_MS, WRITING_MS, type PresenceMessage, type PresencePeer, type PresenceState } from '@/lib/domain/ticket-presence';

/** A tab whose live stream closed is gone after this grace, unless its stream comes back (a reconnect). */
export const STREAM_GRACE_MS = 4_000;
const SWEEP_MS = 1_000;

type Sink = (message: PresenceMessage) => void;

interface Tab {
  userId: number;
  name: string;
  ticketId: number | null;
  lastSeen: number;
  writingUntil: number;
  sinks: Set<Sink>;
  /** When its last stream closed; null while one is open or none ever was. */
  streamClosedAt: number | null;
}

export interface PresenceOptions {
  now?: () => number;
  ttlMs?: number;
  writingMs?: number;
  graceMs?: number;
  /** Sweep on a timer (off in tests, which call sweep()). */
  timer?: boolean;
}

/**
 * Presence on tickets, per browser tab, in this server process's memory (not shared between instances). A tab is
 * present on the ticket it last announced while it keeps announcing (PRESENCE_TTL_MS) and, once it has a live
 * stream, while that stream is open (STREAM_GRACE_MS after it closes). Each tab with a stream receives the other
 * users on its ticket, one entry per user however many tabs they have, whenever that list changes.
 */
export class PresenceRegistry {
  private readonly tabs = new Map<string, Tab>();
  private readonly shown = new Map<number, string>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly writingMs: number;
  private readonly graceMs: number;
  private readonly useTimer: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: PresenceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? PRESENCE_TTL_MS;
    this.writingMs = options.writingMs ?? WRITING_MS;
    this.graceMs = options.graceMs ?? STREAM_GRACE_MS;
    this.useTimer = options.timer ?? true;
  }

  /** Connects a tab's live stream; returns the detach to call when the stream closes. */
  attachStream(user: { id: number; name: string }, tabId: string, sink: Sink): () => void {
    const tab = this.tab(user, tabId);
    tab.sinks.add(sink);
    tab.streamClosedAt = null;
    if (tab.ticketId !== null && this.isPresent(tab)) sink(this.messageFor(tab.ticketId, tab.userId));
    return () => {
      if (!tab.sinks.delete(sink) || tab.sinks.size > 0) return;
      tab.streamClosedAt = this.now();
      this.ensureTimer();
    };
  }

  /** A tab's own announcement (the caller's identity comes from its session, never from the message). */
  announce(user: { id: number; name: string }, tabId: string, ticketId: number, state: PresenceState): void {
    const tab = this.tab(user, tabId);
    const now = this.now();
    if (state === 'left') {
      if (tab.ticketId !== ticketId) return;
      tab.ticketId = null;
      tab.writingUntil = 0;
      this.changed(ticketId);
      return;
    }
    const previous = tab.ticketId;
    const joined = previous !== ticketId || !this.isPresent(tab);
    tab.ticketId = ticketId;
    tab.lastSeen = now;
    if (previous !== ticketId) tab.writingUntil = 0;
    if (state === 'writing') tab.writingUntil = now + this.writingMs;
    if (state === 'idle') tab.writingUntil = 0;
    if (previous !== null && previous !== ticketId) this.changed(previous);
    // A tab that joins hears the current list even when others see no change (a second tab of the same user).
    if (!this.changed(ticketId) && joined) for (const sink of tab.sinks) sink(this.messageFor(ticketId, tab.userId));
  }

  /** The users present on a ticket, one entry each, writing when any of their tabs is. */
  present(ticketId: number): PresencePeer[] {
    const byUser = new Map<number, PresencePeer>();
    const now = this.now();
    for (const tab of this.tabs.values()) {
      if (tab.ticketId !== ticketId || !this.isPresent(tab)) continue;
      const peer = byUser.get(tab.userId) ?? { userId: tab.userId, name: tab.name, writing: false };
      peer.writing ||= tab.writingUntil > now;
      byUser.set(tab.userId, peer);
    }
    return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name) || a.userId - b.userId);
  }

  /** Drops tabs that stopped announcing or lost their stream, ends lapsed "writing", and tells the others. */
  sweep(): void {
    const now = this.now();
    const tickets = new Set<number>();
    for (const [key, tab] of this.tabs) {
      if (tab.ticketId !== null) tickets.add(tab.ticketId);
      const silent = tab.lastSeen + this.ttlMs <= now;
      const streamGone = tab.sinks.size === 0 && (tab.streamClosedAt === null ? silent : tab.streamClosedAt + this.graceMs <= now);
      if (streamGone) this.tabs.delete(key);
      else if (silent) tab.ticketId = null;
    }
    for (const ticketId of tickets) this.changed(ticketId);
    for (const ticketId of this.shown.keys()) if (!tickets.has(ticketId)) this.changed(ticketId);
    if (this.tabs.size === 0) this.stopTimer();
  }

  /** Tabs known (present or connected), for tests and metrics. */
  size(): number {
    return this.tabs.size;
  }

  private tab(user: { id: number; name: string }, tabId: string): Tab {
    const key = `${user.id}:${tabId}`;
    let tab = this.tabs.get(key);
    if (!tab) {
      tab = { userId: user.id, name: user.name, ticketId: null, lastSeen: this.now(), writingUntil: 0, sinks: new Set(), streamClosedAt: null };
      this.tabs.set(key, tab);
      this.ensureTimer();
    }
    tab.name = user.name;
    return tab;
  }

  private isPresent(tab: Tab): boolean {
    const now = this.now();
    if (tab.lastSeen + this.ttlMs <= now) return false;
    return !(tab.sinks.size === 0 && tab.streamClosedAt !== null && tab.streamClosedAt + this.graceMs <= now);
  }

  private messageFor(ticketId: number, userId: number): PresenceMessage {
    return { ticketId, others: this.present(ticketId).filter((p) => p.userId !== userId) };
  }

  /** Sends the ticket's list to its tabs when it differs from what they were last sent; true when sent. */
  private changed(ticketId: number): boolean {
    const peers = this.present(ticketId);
    const signature = JSON.stringify(peers);
    if ((this.shown.get(ticketId) ?? '[]') === signature) return false;
    if (peers.length) this.shown.set(ticketId, signature);
    else this.shown.delete(ticketId);
    for (const tab of this.tabs.values()) {
      if (tab.ticketId !== ticketId || !this.isPresent(tab)) continue;
      const message: PresenceMessage = { ticketId, others: peers.filter((p) => p.userId !== tab.userId) };
      for (const sink of tab.sinks) {
        try {
          sink(message);
        } catch (err) {
          console.error('[presence] a stream failed to take a presence update', err);
        }
      }
    }
    return true;
  }

  private ensureTimer(): void {
    if (!this.useTimer || this.timer) return;
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

const KEY = Symbol.for('sonata-portal.ticket-presence');
const holder = globalThis as unknown as { [KEY]?: PresenceRegistry };

/** The process's presence registry, shared by every route bundle. */
export function ticketPresence(): PresenceRegistry {
  holder[KEY] ??= new PresenceRegistry();
  return holder[KEY];
}

/**
 * Announcements per user: a bucket of ANNOUNCE_BURST that refills ANNOUNCE_PER_SECOND a second. An open page
 * announces every 10 s and at most every 3 s while its operator types, so a full bucket means a runaway client.
 */
export const ANNOUNCE_BURST = 20;
export const ANNOUNCE_PER_SECOND = 4;

export class AnnounceRateLimit {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  constructor(
    private readonly burst = ANNOUNCE_BURST,
    private readonly perSecond = ANNOUNCE_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one announcement from the user's bucket; the seconds to wait when it is empty, else 0. */
  take(userId: number): number {
    const now = this.now();
    if (this.buckets.size > 10_000) for (const [id, b] of this.buckets) if (now - b.at > (this.burst / this.perSecond) * 1000) this.buckets.delete(id);
    const bucket = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
    bucket.tokens -= 1;
    return 0;
  }
}

const LIMIT_KEY = Symbol.for('sonata-portal.presence-rate-limit');
const limitHolder = globalThis as unknown as { [LIMIT_KEY]?: AnnounceRateLimit };

export function presenceRateLimit(): AnnounceRateLimit {
  limitHolder[LIMIT_KEY] ??= new AnnounceRateLimit();
  return limitHolder[LIMIT_KEY];
}
