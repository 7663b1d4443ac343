/**
 * One timeline of a ticket: notes (ours and the Seller's), attachments, state changes and related objects, newest
 * first. Pure: built from the Seller's document.
 */
import type { components } from '@/lib/sonata/generated/trouble-ticket';

type S = components['schemas'];
type Doc = Partial<Pick<S['TroubleTicket'], 'note' | 'attachment' | 'statusChange' | 'relatedIssue' | 'creationDate'>>;

export type TimelineEntry =
  | { kind: 'note'; at: string; source: string; author: string; text: string; key: string }
  | {
      kind: 'attachment';
      at: string;
      source: string;
      author: string;
      name: string;
      description?: string;
      mimeType?: string;
      sizeBytes?: number;
      url?: string;
      hasContent: boolean;
      /** Position in the document's attachment list: the download route addresses it by this. */
      index: number;
      key: string;
    }
  | { kind: 'status'; at: string; status: string; reason?: string; key: string }
  | { kind: 'related'; at: string; source: string; referredType: string; id: string; relationshipType: string; description: string; key: string };

const UNIT_BYTES: Record<string, number> = { BYTES: 1, KBYTES: 1e3, MBYTES: 1e6, GBYTES: 1e9, TBYTES: 1e12 };

export function attachmentBytes(size: S['MEFByteSize'] | undefined): number | undefined {
  if (!size || typeof size.amount !== 'number') return undefined;
  return Math.round(size.amount * (UNIT_BYTES[size.units ?? 'BYTES'] ?? 1));
}

const sortTime = (iso: string | undefined) => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
};

export function ticketTimeline(doc: Doc): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  (doc.note ?? []).forEach((n, i) =>
    entries.push({ kind: 'note', at: n.date, source: n.source, author: n.author, text: n.text, key: `note-${n.id ?? i}-${i}` }),
  );
  (doc.attachment ?? []).forEach((a, i) =>
    entries.push({
      kind: 'attachment',
      at: a.creationDate,
      source: a.source,
      author: a.author,
      name: a.name,
      ...(a.description ? { description: a.description } : {}),
      ...(a.mimeType ? { mimeType: a.mimeType } : {}),
      ...(attachmentBytes(a.size) !== undefined ? { sizeBytes: attachmentBytes(a.size) } : {}),
      ...(a.url ? { url: a.url } : {}),
      hasContent: !!a.content,
      index: i,
      key: `attachment-${a.attachmentId ?? i}-${i}`,
    }),
  );
  (doc.statusChange ?? []).forEach((c, i) => {
    if (!c.status) return;
    entries.push({ kind: 'status', at: c.changeDate ?? doc.creationDate ?? '', status: c.status, ...(c.changeReason ? { reason: c.changeReason } : {}), key: `status-${i}` });
  });
  (doc.relatedIssue ?? []).forEach((r, i) =>
    entries.push({
      kind: 'related',
      at: r.creationDate,
      source: r.source,
      referredType: r['@referredType'],
      id: r.id,
      relationshipType: r.relationshipType,
      description: r.description,
      key: `related-${i}`,
    }),
  );
  // Newest first; entries at the same instant keep document order (status before note reads naturally).
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => sortTime(b.e.at) - sortTime(a.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
