/** Topics and payloads of the live-update channel; shared by the server (publish) and the browser (subscribe). */
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
  /** The Seller's event type that caused the change (or `reconciliation`, `hubs`; for `waiting`, the item kind). */
  eventType?: string;
  /** New status (or work order state); for `waiting`, `opened` or `cleared`. */
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
