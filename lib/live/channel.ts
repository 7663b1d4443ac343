import { EventEmitter } from 'node:events';

/**
 * The live-update channel: what changed, for screens that are open now. Best effort by design (a missed event
 * costs a stale screen until the next one or a reload, never data): durable state lives in the database.
 */
export const LIVE_TOPICS = ['ticket', 'incident', 'workOrder', 'appointment', 'waiting', 'sellerSync'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

export interface LivePayload {
  /** Registry slug of the Seller the change came from. */
  seller: string;
  /** The Seller's id of the resource (ticket, incident, …); absent for Seller-wide topics. */
  id?: string;
  /** Our local row id (tickets.id for tickets), when there is one. */
  localId?: number;
  /** Our ticket id (externalId) for ticket events. */
  externalId?: string;
  /** The Seller's event type that caused the change, or `reconciliation`. */
  eventType?: string;
  /** New status (or work order state) after the change. */
  status?: string;
  /** Set when the change asks something of the operator: shown as a toast. */
  actionable?: { title: string; href: string };
}

export interface LiveEvent {
  /** Increases by one per published event within this process. */
  seq: number;
  topic: LiveTopic;
  at: string;
  payload: LivePayload;
}

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
