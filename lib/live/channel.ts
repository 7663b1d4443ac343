import { EventEmitter } from 'node:events';

import type { LiveEvent, LivePayload, LiveTopic } from './topics';

export { LIVE_TOPICS, type LiveEvent, type LivePayload, type LiveTopic } from './topics';

/*
 * The live-update channel: what changed, for screens that are open now. Best effort by design (a missed event costs
 * a stale screen until the next one or a reload, never data): durable state lives in the database.
 */

export type LiveListener = (event: LiveEvent) => void;

export interface LiveChannel {
  publish(topic: LiveTopic, payload: LivePayload): LiveEvent;
  /** Returns the function that unsubscribes. */
  subscribe(listener: LiveListener): () => void;
  listenerCount(): number;
}

/** In-process implementation; one per process even when the bundler loads this module more than once. */
class EmitterChannel implements LiveChannel {
  private readonly emitter = new EventEmitter();
  private seq = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(topic: LiveTopic, payload: LivePayload): LiveEvent {
    const event: LiveEvent = { seq: ++this.seq, topic, at: new Date().toISOString(), payload };
    for (const listener of this.emitter.listeners('event') as LiveListener[]) {
      try {
        listener(event);
      } catch (err) {
        console.error('[live] a subscriber failed', err);
      }
    }
    return event;
  }

  subscribe(listener: LiveListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  listenerCount(): number {
    return this.emitter.listenerCount('event');
  }
}

const KEY = Symbol.for('sonata-portal.live-channel');
const holder = globalThis as unknown as { [KEY]?: LiveChannel };

export function liveChannel(): LiveChannel {
  holder[KEY] ??= new EmitterChannel();
  return holder[KEY];
}

/** Swaps the implementation (e.g. Postgres LISTEN/NOTIFY or Redis when the portal runs on several nodes). */
export function setLiveChannel(channel: LiveChannel): void {
  holder[KEY] = channel;
}

export function publish(topic: LiveTopic, payload: LivePayload): LiveEvent {
  return liveChannel().publish(topic, payload);
}

export function subscribe(listener: LiveListener): () => void {
  return liveChannel().subscribe(listener);
}
