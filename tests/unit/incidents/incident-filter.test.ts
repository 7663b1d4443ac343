import { describe, expect, it } from 'vitest';
import { formatUtc, shortId } from '@/components/incidents/incident-format';
import { incidentReferences, isFiltered, isTicketOpen, parseDateBound, parseIncidentFilter } from '@/lib/data/incidents';
import { isNotOffered, listEntryDiffers } from '@/lib/sync/incident-refresh';
import { SonataHttpError } from '@/lib/sonata/errors';
import type { Incident, IncidentFind } from '@/lib/sonata/schemas';

describe('incident filter from the URL', () => {
  it('reads every O17 filter, the Seller, free text and "ours"', () => {
    expect(
      parseIncidentFilter({
        seller: 'acme',
        product: 'acme-prod-1',
        severity: 'extensive',
        priority: 'critical',
        type: 'maintenance',
        impact: 'down',
        status: 'inProgress',
        ours: '1',
        q: '  fibre cut ',
        createdFrom: '2026-11-01',
        createdTo: '2026-11-02',
        startedFrom: '2026-11-01T10:00:00+01:00',
        expectedTo: '2026-12-01T00:00:00Z',
        closedFrom: '2026-11-03',
        page: '3',
      }),
    ).toEqual({
      seller: 'acme',
      product: 'acme-prod-1',
      severity: 'extensive',
      priority: 'critical',
      incidentType: 'maintenance',
      impact: 'down',
      status: 'inProgress',
      ours: true,
      q: 'fibre cut',
      creationDate: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
      situationStartDate: { from: '2026-11-01T09:00:00.000Z' },
      expectedClosedDate: { to: '2026-12-01T00:00:00.000Z' },
      closedDate: { from: '2026-11-03T00:00:00.000Z' },
      page: 3,
    });
  });

  it('accepts "open" as every state but closed, and takes the first of repeated values', () => {
    expect(parseIncidentFilter({ status: 'open', severity: ['minor', 'extensive'] })).toEqual({ status: 'open', severity: 'minor' });
  });

  it('drops values the MEF enums do not have and malformed dates or pages', () => {
    expect(
      parseIncidentFilter({ severity: 'DOWN', priority: 'urgent', type: 'degraded', impact: 'broken', status: 'resolved', createdFrom: '01/11/2026', closedTo: '2026-13-45', page: '0', ours: 'yes' }),
    ).toEqual({});
    expect(parseDateBound('2026-02-30', 'from')).toBeUndefined();
    expect(parseDateBound('2026-11-05T25:00:00Z', 'to')).toBeUndefined();
  });

  it('makes a calendar-day upper bound include the whole day', () => {
    expect(parseDateBound('2026-12-31', 'to')).toBe('2027-01-01T00:00:00.000Z');
    expect(parseDateBound('2026-12-31', 'from')).toBe('2026-12-31T00:00:00.000Z');
  });

  it('knows when something narrows the list (the page does not)', () => {
    expect(isFiltered({ page: 2 })).toBe(false);
    expect(isFiltered({ ours: true })).toBe(true);
  });
});

describe('incident references in a ticket', () => {
  it('keeps relatedIssue items of type Incident, whatever the case the Seller echoes', () => {
    const doc = {
      relatedIssue: [
        { '@referredType': 'Incident', id: 'i-1', relationshipType: 'isCausedBy', description: 'd', source: 'buyer', creationDate: '2026-01-01T00:00:00Z' },
        { '@referredType': 'TroubleTicket', id: 't-1', relationshipType: 'follows', description: 'd', source: 'buyer', creationDate: '2026-01-01T00:00:00Z' },
        { '@referredType': 'incident', id: 'i-2', relationshipType: 'relatesTo', description: 'd', source: 'seller', creationDate: '2026-01-01T00:00:00Z' },
      ],
    };
    expect(incidentReferences(doc).map((r) => r.id)).toEqual(['i-1', 'i-2']);
    expect(incidentReferences({})).toEqual([]);
    expect(incidentReferences({ relatedIssue: 'not a list' })).toEqual([]);
  });

  it('counts a queued ticket as open, closed and cancelled ones as not', () => {
    expect(isTicketOpen(null)).toBe(true);
    expect(isTicketOpen('pending')).toBe(true);
    expect(isTicketOpen('resolved')).toBe(true);
    expect(isTicketOpen('closed')).toBe(false);
    expect(isTicketOpen('cancelled')).toBe(false);
  });
});

describe('list sync', () => {
  const cached = {
    id: 'i-1',
    creationDate: '2026-11-01T10:00:00Z',
    status: 'inProgress',
    description: 'Fibre cut',
    priority: 'high',
    severity: 'significant',
    impact: 'down',
    incidentType: 'repair',
    situationStartDate: '2026-11-01T09:00:00Z',
    expectedClosedDate: '2026-11-01T14:00:00Z',
    relatedEntity: [{ '@referredType': 'Product', id: 'p-1', role: 'affectedProduct' }, { '@referredType': 'Product', id: 'p-2', role: 'affectedProduct' }],
    relatedContactInformation: [],
  } as unknown as Incident;
  const entry = (over: Partial<IncidentFind> = {}): IncidentFind => {
    const { relatedContactInformation: _c, ...find } = cached as unknown as Record<string, unknown>;
    return { ...(find as unknown as IncidentFind), ...over };
  };

  it('fetches an incident that is new, or whose list entry differs from the cached document', () => {
    expect(listEntryDiffers(entry(), undefined)).toBe(true);
    expect(listEntryDiffers(entry(), cached)).toBe(false);
    expect(listEntryDiffers(entry({ relatedEntity: [...cached.relatedEntity].reverse() }), cached)).toBe(false);
    expect(listEntryDiffers(entry({ status: 'closed', closedDate: '2026-11-01T15:00:00Z' }), cached)).toBe(true);
    expect(listEntryDiffers(entry({ expectedClosedDate: '2026-11-01T16:00:00Z' }), cached)).toBe(true);
    expect(listEntryDiffers(entry({ relatedEntity: [cached.relatedEntity[0]!] }), cached)).toBe(true);
    expect(listEntryDiffers(entry({ severity: 'minor' }), cached)).toBe(true);
  });

  it('treats only a 501 as "not offered"', () => {
    expect(isNotOffered(new SonataHttpError({ status: 501, body: { code: 'notImplemented', reason: 'no' } }))).toBe(true);
    expect(isNotOffered(new SonataHttpError({ status: 500, body: { code: 'internalError', reason: 'x' } }))).toBe(false);
    expect(isNotOffered(new SonataHttpError({ status: 404, body: { code: 'notFound', reason: 'x' } }))).toBe(false);
    expect(isNotOffered(new Error('network'))).toBe(false);
  });
});

describe('display helpers', () => {
  it('shows Seller dates in UTC to the minute, whatever offset they came with', () => {
    expect(formatUtc('2026-11-27T15:05:59+01:00')).toBe('2026-11-27 14:05 UTC');
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc('soon')).toBe('soon');
    expect(shortId('0123456789abcdef')).toBe('01234567…');
    expect(shortId('INC-1')).toBe('INC-1');
  });
});
