/**
 * What the imperfect Seller does differently: the defects the MEF sources ship with (DIGEST "known defects") and
 * that real Sellers copy. Only a Seller with `imperfect: true` goes through here; the strict Sellers never do.
 */

/** Fields the YAML marks required in list items that this Seller leaves out. */
const DROPPED_FROM_LIST_ITEMS: Record<string, readonly string[]> = {
  listTroubleTicket: ['sellerPriority', 'sellerSeverity', 'observedImpact'],
  listIncident: ['impact'],
  listAppointment: ['relatedPlace'],
  listWorkOrder: ['place'],
};

/** The media type it answers with: no charset. */
export const IMPERFECT_MEDIA_TYPE = 'application/json';

type Doc = Record<string, unknown>;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The latest date-time in the document that is not in the future: when the Seller last changed it, as far as it shows. */
function lastChangeOf(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return ISO_DATE_TIME.test(value) && value <= at ? value : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  let latest: string | undefined;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const found = lastChangeOf(v, at);
    if (found && (!latest || found > latest)) latest = found;
  }
  return latest;
}

function withExtras(item: Doc, at: string): Doc {
  // Unknown members a tolerant Buyer must ignore: one from the TT guide's example (the time of the last change, so
  // the same document reads the same twice), one of the Seller's own.
  return { ...item, lastUpdate: lastChangeOf(item, at) ?? at, vandelayInternalRef: `VDL-${String(item.id ?? 'x').slice(0, 8)}` };
}

/** The answer body as this Seller sends it; the stored document is not touched. */
export function imperfectBody(operationId: string, body: unknown, at: string): unknown {
  const dropped = DROPPED_FROM_LIST_ITEMS[operationId];
  if (Array.isArray(body)) {
    return body.map((item: unknown) => {
      if (typeof item !== 'object' || item === null) return item;
      const copy: Doc = { ...(item as Doc) };
      for (const field of dropped ?? []) delete copy[field];
      return withExtras(copy, at);
    });
  }
  if (typeof body === 'object' && body !== null) return withExtras(body as Doc, at);
  return body;
}

/** Whether this Seller leaves the paging headers off (GET /workorder answered as a bare array, whole). */
export function answersBareList(operationId: string): boolean {
  return operationId === 'listWorkOrder';
}

export interface DeliveryQuirks {
  /** Sent this much later than the change (Seller ms). */
  delayMs?: number;
  /** Delivered a second time, same eventId. */
  repeat?: boolean;
  /** eventTime moved by this much, so event times come out of order. */
  eventTimeOffsetMs?: number;
}

/**
 * How the n-th event (0-based, per Seller) is delivered: a fixed pattern, so a run reads the same each time.
 * Every third event is sent twice, every fourth is 1.5 s late, every fifth claims a time 90 s earlier.
 */
export function deliveryQuirks(n: number): DeliveryQuirks {
  const quirks: DeliveryQuirks = {};
  if (n % 3 === 1) quirks.repeat = true;
  if (n % 4 === 2) quirks.delayMs = 1_500;
  if (n % 5 === 3) quirks.eventTimeOffsetMs = -90_000;
  return quirks;
}
