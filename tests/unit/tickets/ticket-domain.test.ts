import { describe, expect, it } from 'vitest';
import { operationAvailability, projectedStatus } from '@/lib/domain/ticket-actions';
import { csvCell } from '@/lib/domain/csv-cell';
import { csvRow } from '@/lib/domain/ticket-csv';
import { mapSellerErrors } from '@/lib/domain/ticket-errors';
import { formatExternalId, isExternalId } from '@/lib/domain/ticket-external-id';
import { attachmentInputSchema, createTicketSchema, patchTicketSchema } from '@/lib/domain/ticket-forms';
import { buildPatchBody, changedNoteRequiredFields, isPatchApplied, type TroubleTicketDoc } from '@/lib/domain/ticket-patch';
import { BUILTIN_VIEWS, dayRangeBounds, normaliseViewSearch, parseQueueQuery, queueSearchParams } from '@/lib/domain/ticket-queue';
import { ticketTimeline } from '@/lib/domain/ticket-timeline';
import { backoffMs } from '@/lib/sync/outbox';

const doc = {
  severity: 'minor',
  priority: 'low',
  note: [{ id: 's1', author: 'Seller', date: '2026-01-01T00:00:00Z', source: 'seller', text: 'Looking' }],
  attachment: [],
  relatedIssue: [{ '@referredType': 'Incident', id: 'INC-1', relationshipType: 'causes', description: 'outage', creationDate: '2026-01-01T00:00:00Z', source: 'seller' }],
  relatedContactInformation: [
    { role: 'reporterContact', name: 'R', number: '1', emailAddress: 'r@x' },
    { role: 'buyerTechnicalContact', name: 'Old', number: '2', emailAddress: 'old@x' },
    { role: 'sellerTicketContact', name: 'S', number: '3', emailAddress: 's@x' },
  ],
} as unknown as TroubleTicketDoc;

describe('patch body (merge-patch, whole lists)', () => {
  const note = { id: 'b1', author: 'Me', date: '2026-01-02T00:00:00Z', source: 'buyer' as const, text: 'why' };

  it('appends our note to the Seller notes and sends Seller items back untouched', () => {
    const body = buildPatchBody(doc, {
      notes: [note],
      severity: 'extensive',
      relatedIssues: [{ '@referredType': 'TroubleTicket', id: 'T9', relationshipType: 'duplicates', description: 'same', creationDate: 'x', source: 'buyer' }],
      buyerTechnicalContacts: [{ role: 'buyerTechnicalContact', name: 'New', number: '4', emailAddress: 'new@x' }],
    });
    expect(body.note?.map((n) => n.id)).toEqual(['s1', 'b1']);
    expect(body.severity).toBe('extensive');
    expect(body.relatedIssue?.map((r) => r.id)).toEqual(['INC-1', 'T9']);
    expect(body.relatedContactInformation?.map((c) => c.name)).toEqual(['R', 'S', 'New']);
    expect(body.priority).toBeUndefined();
  });

  it('knows when the Seller already shows the patch (a lost answer) and when a note is required (R42)', () => {
    const intent = { notes: [note], severity: 'extensive' as const };
    expect(isPatchApplied(doc, intent)).toBe(false);
    expect(isPatchApplied({ ...doc, severity: 'extensive', note: [...(doc.note ?? []), note] }, intent)).toBe(true);
    expect(changedNoteRequiredFields(doc, { severity: 'minor', priority: 'high' })).toEqual(['priority']);
    expect(changedNoteRequiredFields(doc, { relatedIssues: [] })).toEqual([]);
  });
});

describe('operations allowed by state', () => {
  it('reads the shared table and explains refusals', () => {
    expect(operationAvailability('close', 'resolved')).toEqual({ allowed: true });
    const refused = operationAvailability('cancel', 'resolved');
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).toMatch(/allowed only in: acknowledged, inProgress, pending/);
  });

  it('projects queued operations: nothing may follow a queued cancel, a queued create counts as acknowledged', () => {
    expect(projectedStatus(null, ['create'])).toBe('acknowledged');
    expect(operationAvailability('patch', null, ['create']).allowed).toBe(true);
    expect(operationAvailability('patch', 'inProgress', ['cancel']).allowed).toBe(false);
    expect(projectedStatus('pending', ['patch'])).toBe('inProgress');
  });
});

describe('queue query in the URL', () => {
  it('round-trips every filter and drops unknown values', () => {
    const q = parseQueueQuery(
      new URLSearchParams('seller=acme,globex&state=pending&state=bogus&severity=extensive&priority=critical&createdFrom=2026-01-01&createdTo=2026-01-31&q=fibre&open=1&mine=1&sort=expected&dir=asc&page=3&size=100'),
    );
    expect(q.seller).toEqual(['acme', 'globex']);
    expect(q.state).toEqual(['pending']);
    expect(q.created).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(parseQueueQuery(queueSearchParams(q, { keepPage: true }))).toEqual(q);
    expect(parseQueueQuery(new URLSearchParams('createdFrom=2026-13-45&page=-1&size=7'))).toMatchObject({ created: {}, page: 1, size: 50 });
  });

  it('normalises saved views and keeps built-ins valid', () => {
    expect(normaliseViewSearch('?q=&priority=critical&open=1&mine=1&page=4')).toBe('priority=critical&open=1&mine=1');
    for (const v of BUILTIN_VIEWS) expect(normaliseViewSearch(v.search)).toBe(v.search);
    expect(dayRangeBounds({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ gte: '2026-01-01T00:00:00.000Z', lt: '2026-02-01T00:00:00.000Z' });
  });
});

describe('forms and identifiers', () => {
  it('formats our ticket id', () => {
    expect(formatExternalId(2026, 123)).toBe('NOC-2026-000123');
    expect(isExternalId('NOC-2026-000123')).toBe(true);
    expect(isExternalId('noc-1')).toBe(false);
  });

  it('requires a URL or a file on an attachment (R20) and an http(s) URL', () => {
    expect(attachmentInputSchema.safeParse({ name: 'a' }).success).toBe(false);
    expect(attachmentInputSchema.safeParse({ name: 'a', url: 'javascript:alert(1)' }).success).toBe(false);
    expect(attachmentInputSchema.safeParse({ name: 'a', url: 'https://x.example/a' }).success).toBe(true);
    expect(attachmentInputSchema.safeParse({ name: 'a', uploadId: 'u1' }).success).toBe(true);
  });

  it('refuses an issue start date in the future and keeps text as typed', () => {
    const base = { seller: 'acme', productId: 'P', description: '<b>x</b>', severity: 'minor', priority: 'low', observedImpact: 'down', ticketType: 'assistance', reporter: { name: 'n', number: '1', emailAddress: 'n@x.example' } };
    expect(createTicketSchema.safeParse({ ...base, issueStartDate: new Date(Date.now() + 86_400_000).toISOString() }).success).toBe(false);
    const ok = createTicketSchema.safeParse(base);
    expect(ok.success && ok.data.description).toBe('<b>x</b>');
    expect(patchTicketSchema.safeParse({ ticketId: 'x' }).success).toBe(false);
  });

  it('maps Seller property paths onto form fields', () => {
    expect(mapSellerErrors({ 'relatedEntity.0.id': ['unknown product'], 'relatedContactInformation.0.emailAddress': ['bad'], status: ['no'] }, ['general'], 'create')).toEqual({
      productId: ['unknown product'],
      'reporter.emailAddress': ['bad'],
      _form: ['status: no', 'general'],
    });
    expect(mapSellerErrors({ 'note': ['needed'] }, [], 'patch')).toEqual({ note: ['needed'] });
  });
});

describe('retry backoff', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  it('doubles per attempt with jitter, is capped, and honours Retry-After', () => {
    expect(backoffMs(1, policy, undefined, () => 0)).toBe(500);
    expect(backoffMs(1, policy, undefined, () => 1)).toBe(1000);
    expect(backoffMs(4, policy, undefined, () => 1)).toBe(8000);
    expect(backoffMs(30, policy, undefined, () => 1)).toBe(60_000);
    expect(backoffMs(1, policy, 20_000, () => 0)).toBe(20_000);
    expect(backoffMs(1, policy, 10 * 60_000, () => 0)).toBe(60_000);
  });
});

describe('timeline and CSV', () => {
  it('merges notes, attachments, state changes and related objects newest first', () => {
    const entries = ticketTimeline({
      note: [{ id: 'n', author: 'A', date: '2026-01-02T00:00:00Z', source: 'buyer', text: 't' }],
      attachment: [{ author: 'B', creationDate: '2026-01-03T00:00:00Z', name: 'f', source: 'seller', content: 'aGk=', mimeType: 'text/plain', size: { amount: 2, units: 'KBYTES' } }],
      statusChange: [{ changeDate: '2026-01-01T00:00:00Z', status: 'acknowledged' }],
      relatedIssue: [],
    });
    expect(entries.map((e) => e.kind)).toEqual(['attachment', 'note', 'status']);
    expect(entries[0]).toMatchObject({ sizeBytes: 2000, hasContent: true, index: 0 });
  });

  it('quotes cells and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvRow({ sellerName: 'Acme', externalId: 'NOC-2026-000001' })).toMatch(/^Acme,,NOC-2026-000001,/);
  });
});
