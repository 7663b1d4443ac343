import { describe, expect, it } from 'vitest';
import { presenceAnnouncementSchema, type PresenceMessage } from '@/lib/domain/ticket-presence';
import { AnnounceRateLimit, PresenceRegistry } from '@/lib/live/presence';

const nora = { id: 1, name: 'Nora Okafor' };
const ada = { id: 2, name: 'Ada Lindqvist' };
const chen = { id: 3, name: 'Chen Wei' };

function setup() {
  let now = 1_000_000;
  const registry = new PresenceRegistry({ now: () => now, ttlMs: 30_000, writingMs: 8_000, graceMs: 4_000, timer: false });
  const inbox = () => {
    const got: PresenceMessage[] = [];
    return { got, sink: (m: PresenceMessage) => void got.push(m), last: () => got[got.length - 1] };
  };
  return { registry, inbox, advance: (ms: number) => (now += ms) };
}

const names = (m: PresenceMessage | undefined) => (m?.others ?? []).map((p) => `${p.name}${p.writing ? ' (writing)' : ''}`);

describe('presence registry', () => {
  it('tells each tab on a ticket who else is there, never the user themselves', () => {
    const { registry, inbox } = setup();
    const noraTab = inbox();
    const adaTab = inbox();
    registry.attachStream(nora, 'tab-nora-1', noraTab.sink);
    registry.attachStream(ada, 'tab-ada-1', adaTab.sink);
    registry.announce(nora, 'tab-nora-1', 7, 'viewing');
    expect(names(noraTab.last())).toEqual([]);
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    expect(names(noraTab.last())).toEqual(['Ada Lindqvist']);
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);
    expect(registry.present(7).map((p) => p.userId)).toEqual([2, 1]);
  });

  it('counts a user with two tabs once, writing when either tab is', () => {
    const { registry, inbox } = setup();
    const adaTab = inbox();
    registry.attachStream(ada, 'tab-ada-1', adaTab.sink);
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    registry.attachStream(nora, 'tab-nora-1', () => undefined);
    registry.attachStream(nora, 'tab-nora-2', () => undefined);
    registry.announce(nora, 'tab-nora-1', 7, 'viewing');
    registry.announce(nora, 'tab-nora-2', 7, 'writing');
    expect(registry.present(7).filter((p) => p.userId === nora.id)).toEqual([{ userId: 1, name: 'Nora Okafor', writing: true }]);
    expect(names(adaTab.last())).toEqual(['Nora Okafor (writing)']);
    // One of the two tabs leaving leaves Nora present.
    registry.announce(nora, 'tab-nora-2', 7, 'left');
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);
  });

  it('gives a second tab of a user the current list even though the others see no change', () => {
    const { registry, inbox } = setup();
    registry.attachStream(ada, 'tab-ada-1', () => undefined);
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    registry.announce(nora, 'tab-nora-1', 7, 'viewing');
    const second = inbox();
    registry.attachStream(nora, 'tab-nora-2', second.sink);
    registry.announce(nora, 'tab-nora-2', 7, 'viewing');
    expect(names(second.last())).toEqual(['Ada Lindqvist']);
  });

  it('ends "writing" some seconds after the last keystroke, and at once on idle', () => {
    const { registry, inbox, advance } = setup();
    const adaTab = inbox();
    registry.attachStream(ada, 'tab-ada-1', adaTab.sink);
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    registry.announce(nora, 'tab-nora-1', 7, 'writing');
    expect(names(adaTab.last())).toEqual(['Nora Okafor (writing)']);
    advance(5_000);
    registry.announce(nora, 'tab-nora-1', 7, 'writing');
    advance(7_000);
    registry.sweep();
    expect(names(adaTab.last())).toEqual(['Nora Okafor (writing)']);
    advance(1_500);
    registry.sweep();
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);
    registry.announce(nora, 'tab-nora-1', 7, 'writing');
    expect(names(adaTab.last())).toEqual(['Nora Okafor (writing)']);
    registry.announce(nora, 'tab-nora-1', 7, 'idle');
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);
  });

  it('drops a tab whose stream closed, after a grace that a reconnect cancels', () => {
    const { registry, inbox, advance } = setup();
    const adaTab = inbox();
    registry.attachStream(ada, 'tab-ada-1', adaTab.sink);
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    const detach = registry.attachStream(nora, 'tab-nora-1', () => undefined);
    registry.announce(nora, 'tab-nora-1', 7, 'viewing');
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);

    // A reconnect: the stream closes and comes back within the grace.
    detach();
    advance(2_000);
    const reconnected = inbox();
    const detachAgain = registry.attachStream(nora, 'tab-nora-1', reconnected.sink);
    expect(names(reconnected.last())).toEqual(['Ada Lindqvist']);
    advance(10_000);
    registry.sweep();
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);

    // The page is closed: its stream ends for good.
    detachAgain();
    advance(3_000);
    registry.sweep();
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);
    advance(1_500);
    registry.sweep();
    expect(names(adaTab.last())).toEqual([]);
    expect(registry.present(7).map((p) => p.name)).toEqual(['Ada Lindqvist']);
  });

  it('drops a tab that stops announcing (a missed heartbeat), even with its stream open', () => {
    const { registry, inbox, advance } = setup();
    const adaTab = inbox();
    registry.attachStream(ada, 'tab-ada-1', adaTab.sink);
    registry.attachStream(nora, 'tab-nora-1', () => undefined);
    registry.announce(nora, 'tab-nora-1', 7, 'viewing');
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    for (let i = 0; i < 3; i++) {
      advance(10_000);
      registry.announce(ada, 'tab-ada-1', 7, 'viewing');
      if (i < 2) registry.announce(nora, 'tab-nora-1', 7, 'viewing');
      registry.sweep();
    }
    expect(names(adaTab.last())).toEqual(['Nora Okafor']);
    advance(20_000);
    registry.announce(ada, 'tab-ada-1', 7, 'viewing');
    registry.sweep();
    expect(names(adaTab.last())).toEqual([]);
  });

  it('keeps each ticket to itself: a tab hears only of the ticket it shows, and moving leaves the old one', () => {
    const { registry, inbox } = setup();
    const noraTab = inbox();
    const chenTab = inbox();
    registry.attachStream(nora, 'tab-nora-1', noraTab.sink);
    registry.attachStream(chen, 'tab-chen-1', chenTab.sink);
    registry.announce(nora, 'tab-nora-1', 7, 'viewing');
    registry.announce(chen, 'tab-chen-1', 8, 'viewing');
    registry.announce(ada, 'tab-ada-1', 8, 'writing');
    expect(noraTab.got.every((m) => m.ticketId === 7)).toBe(true);
    expect(names(noraTab.last())).toEqual([]);
    expect(names(chenTab.last())).toEqual(['Ada Lindqvist (writing)']);
    // Chen opens ticket 7: ticket 8 no longer lists him, ticket 7 does.
    registry.announce(chen, 'tab-chen-1', 7, 'viewing');
    expect(registry.present(8).map((p) => p.name)).toEqual(['Ada Lindqvist']);
    expect(names(noraTab.last())).toEqual(['Chen Wei']);
    // "left" for a ticket the tab does not show changes nothing.
    registry.announce(chen, 'tab-chen-1', 8, 'left');
    expect(registry.present(7).map((p) => p.name)).toEqual(['Chen Wei', 'Nora Okafor']);
  });

  it('keys tabs by user: the same tab id announced by another user is another tab', () => {
    const { registry, inbox } = setup();
    const noraTab = inbox();
    registry.attachStream(nora, 'shared-tab-id', noraTab.sink);
    registry.announce(nora, 'shared-tab-id', 7, 'viewing');
    registry.announce(ada, 'shared-tab-id', 9, 'viewing');
    registry.announce(ada, 'shared-tab-id', 7, 'left');
    expect(registry.present(7).map((p) => p.name)).toEqual(['Nora Okafor']);
    expect(registry.present(9).map((p) => p.name)).toEqual(['Ada Lindqvist']);
    expect(noraTab.got.every((m) => m.ticketId === 7)).toBe(true);
  });
});

describe('presence announcements', () => {
  it('name a tab, a ticket and a state, and nothing else', () => {
    expect(presenceAnnouncementSchema.safeParse({ tabId: 'tab-123456', ticketId: 7, state: 'writing' }).success).toBe(true);
    const forged = presenceAnnouncementSchema.safeParse({ tabId: 'tab-123456', ticketId: 7, state: 'viewing', userId: 2, name: 'Ada' });
    expect(forged.success).toBe(false);
    expect(forged.error?.issues[0]?.code).toBe('unrecognized_keys');
    expect(presenceAnnouncementSchema.safeParse({ tabId: 'x', ticketId: 7, state: 'viewing' }).error?.issues[0]?.message).toMatch(/tab id/);
    expect(presenceAnnouncementSchema.safeParse({ tabId: 'tab-123456', ticketId: -1, state: 'viewing' }).success).toBe(false);
    expect(presenceAnnouncementSchema.safeParse({ tabId: 'tab-123456', ticketId: 7, state: 'typing' }).error?.issues[0]?.message).toMatch(/viewing, writing, idle or left/);
  });

  it('are rate-limited per user: a burst, then a steady refill', () => {
    let now = 0;
    const limit = new AnnounceRateLimit(5, 2, () => now);
    for (let i = 0; i < 5; i++) expect(limit.take(1)).toBe(0);
    expect(limit.take(1)).toBeGreaterThan(0);
    expect(limit.take(2)).toBe(0);
    now += 500;
    expect(limit.take(1)).toBe(0);
    expect(limit.take(1)).toBeGreaterThan(0);
  });
});
