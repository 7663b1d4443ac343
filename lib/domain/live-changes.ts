/**
 * What the change feed records and the live stream carries: one entry per change a screen may show. Shared by the
 * writers (lib/sync), the stream (lib/live) and the browser, so it has no dependencies.
 */
export const LIVE_TOPICS = ['ticket', 'incident', 'workOrder', 'appointment', 'waiting', 'sellerSync'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

export interface LivePayload {
  /** Registry slug of the Seller the change came from. */
  seller: string;
  /** The Seller's id of the resource (ticket, incident, …); absent for Seller-wide topics. */
  id?: string;
  /** Our local row id (tickets.id for tickets, waiting item's ticket), when there is one. */
  localId?: number;
  /** Our ticket id (externalId) for ticket events. */
  externalId?: string;
  /** What caused the change: the Seller's event type, `reconciliation`, `refresh`, `outbox`, `hubs`; for `waiting`, the item kind. */
  eventType?: string;
  /** New status (or work order state); for `waiting`, `opened` or `cleared`. */
  status?: string;
  /** For tickets: where our queued operations stand (synced, queued, sending, rejected). */
  syncState?: string;
  /** Set when the change asks something of the operator: shown as a toast. */
  actionable?: { title: string; href: string };
}

export interface LiveEvent {
  /** Position in the change feed: strictly increasing, the SSE event id. */
  seq: number;
  topic: LiveTopic;
  at: string;
  payload: LivePayload;
}
