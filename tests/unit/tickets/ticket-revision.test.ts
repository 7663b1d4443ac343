import { describe, expect, it } from 'vitest';
import type { TroubleTicketDoc } from '@/lib/domain/ticket-patch';
import { REVISION_PATTERN, revisionDifference, revisionOf, revisionSnapshot } from '@/lib/domain/ticket-revision';

const doc = {
  status: 'inProgress',
  severity: 'significant',
  priority: 'high',
  issueStartDate: '2026-12-01T09:00:00Z',
  note: [{ id: 'n1', author: 'Nora Okafor', date: '2026-12-01T09:05:00Z', source: 'buyer', text: 'Started after the storm' }],
  relatedContactInformation: [
    { role: 'reporterContact', name: 'Nora Okafor', emailAddress: 'noc@example.com', number: '1' },
    { role: 'buyerTechnicalContact', name: 'Tech One', emailAddress: 'one@example.com', number: '2' },
  ],
  lastUpdate: '2026-12-01T09:05:00Z',
} as unknown as TroubleTicketDoc;

describe('ticket revision', () => {
  it('ignores what the form does not show, and the way a Seller writes an instant', () => {
    const a = revisionOf(revisionSnapshot(doc));
    const b = revisionOf(revisionSnapshot({ ...doc, issueStartDate: '2026-12-01T09:00:00.000+00:00', lastUpdate: '2026-12-02T00:00:00Z' } as TroubleTicketDoc));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(a.fingerprint).toMatch(REVISION_PATTERN);
  });

  it('counts our queued patches as changes, as the Seller will apply them', () => {
    const opened = revisionSnapshot(doc);
    const queued = revisionSnapshot(doc, [
      { notes: [{ id: 'n2', author: 'Ada Lindqvist', date: '2026-12-01T10:00:00Z', source: 'buyer', text: 'Escalating' }], priority: 'critical' },
    ]);
    expect(revisionOf(queued).fingerprint).not.toBe(revisionOf(opened).fingerprint);
    const diff = revisionDifference(opened, queued);
    expect(diff.fields).toEqual([{ field: 'priority', label: 'Priority', was: 'High', now: 'Critical' }]);
    expect(diff.newNotes).toEqual([{ id: 'n2', author: 'Ada Lindqvist', source: 'buyer', text: 'Escalating' }]);
    // Once the Seller echoes the patch, the revision is the same as while it was queued.
    const echoed = { ...doc, priority: 'critical', note: [...doc.note!, { id: 'n2', author: 'Ada Lindqvist', date: '2026-12-01T10:00:01Z', source: 'buyer', text: 'Escalating' }] } as TroubleTicketDoc;
    expect(revisionOf(revisionSnapshot(echoed)).fingerprint).toBe(revisionOf(queued).fingerprint);
  });

  it('names each changed field as was → now, with labels, and the attachments and contacts added', () => {
    const after = revisionSnapshot({
      ...doc,
      status: 'pending',
      severity: 'extensive',
      attachment: [{ attachmentId: 'a1', name: 'trace.pcap', author: 'Seller', creationDate: '2026-12-01T11:00:00Z', source: 'seller' }],
      relatedContactInformation: [...doc.relatedContactInformation!, { role: 'buyerTechnicalContact', name: 'Tech Two', emailAddress: 'two@example.com', number: '3' }],
    } as TroubleTicketDoc);
    const diff = revisionDifference(revisionSnapshot(doc), after);
    expect(diff.fields.map((f) => `${f.label}: ${f.was} → ${f.now}`)).toEqual([
      'Status: In progress → Waiting for you',
      'Severity: Significant → Extensive',
      'Buyer Technical Contacts: Tech One <one@example.com> → Tech One <one@example.com>, Tech Two <two@example.com>',
    ]);
    expect(diff.newAttachments).toEqual(['trace.pcap']);
    expect(diff.newNotes).toEqual([]);
  });
});
