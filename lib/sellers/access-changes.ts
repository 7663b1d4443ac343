/**
 * A counter that moves whenever something a listener call depends on changes: a Seller added, edited, enabled or
 * disabled, a listener credential issued, rotated or revoked. The listener keeps its view of Sellers and credentials
 * in memory (lib/listener/listener-access.ts) and reloads it when the counter has moved.
 *
 * It lives on globalThis because Next may load this module more than once in one process (one copy per server
 * bundle); a module-level variable would then go unseen by the listener's copy.
 */
const KEY = Symbol.for('sonata-portal.listener-access-generation');
const holder = globalThis as unknown as { [KEY]?: number };

export function listenerAccessChanged(): void {
  holder[KEY] = (holder[KEY] ?? 0) + 1;
}

export function listenerAccessGeneration(): number {
  return holder[KEY] ?? 0;
}
