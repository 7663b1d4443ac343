import { describe, expect, it } from 'vitest';
import { buildDashboardTable, tableToCsv, type DashboardView } from '@/components/dashboard/dashboard-tables';
import { ticketsHref } from '@/components/dashboard/ticket-links';
import { parseQueueQuery } from '@/lib/domain/ticket-queue';
import { presetRange } from '@/lib/domain/dashboard-metrics';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');

function view(overrides: Partial<DashboardView> = {}): DashboardView {
  return {
    sellers: [
      { id: 1, slug: 'acme', name: 'Acme' },
      { id: 2, slug: 'globex', name: 'Globex' },
    ],
    sellerId: null,
    nowMs: NOW,
    range: presetRange('7d', NOW),
    now: {
      openBySellerStatus: [
        { sellerId: 1, status: 'pending', count: 2 },
        { sellerId: 2, status: 'inProgress', count: 5 },
      ],
      openBySeverity: [{ severity: 'extensive', count: 7 }],
      waitingOnUs: [
        {
          id: 9, externalId: '=cmd|calc', sellerTicketId: 'TT-9', sellerId: 1, status: 'pending', severity: 'minor',
          description: 'Says "hello", twice', creationDate: '2026-11-26T00:00:00.000Z', waitingSince: '2026-11-27T10:00:00.000Z', waitingMs: 7_200_000,
        },
      ],
      overdueBySeller: [],
      overdueList: [],
      listLimit: 50,
      openIncidents: [],
      openIncidentsBySeller: [],
      upcomingAppointments: [],
    },
    trend: { perDay: [{ day: '2026-11-21', created: 3, resolved: 1 }], resolution: [], rates: [], aging: [{ sellerId: 2, bucket: '3to6d', count: 4 }], incidents: [] },
    ...overrides,
  };
}

describe('dashboard tables', () => {
  it('links each Seller × state cell to exactly those tickets in the queue', () => {
    const t = buildDashboardTable('open-by-seller', view());
    const acme = t.rows[0]!;
    const pendingColumn = t.columns.findIndex((c) => c.key === 'pending');
    expect(acme[pendingColumn]).toEqual({ value: 2, href: '/tickets?seller=acme&state=pending' });
    expect(acme[acme.length - 1]).toEqual({ value: 2, href: '/tickets?seller=acme&open=1' });
    const q = parseQueueQuery(new URLSearchParams(acme[pendingColumn]!.href!.split('?')[1]));
    expect(q).toMatchObject({ seller: ['acme'], state: ['pending'] });
  });

  it('shows only the selected Seller and keeps it in every link', () => {
    const v = view({ sellerId: 2 });
    expect(buildDashboardTable('open-by-seller', v).rows.map((r) => r[0]!.value)).toEqual(['Globex']);
    const severity = buildDashboardTable('open-by-severity', v).rows.find((r) => r[0]!.value === 'Extensive')!;
    expect(severity[1]).toEqual({ value: 7, href: '/tickets?seller=globex&severity=extensive&open=1' });
    const day = buildDashboardTable('created-resolved', v).rows[0]!;
    expect(day[1]!.href).toBe('/tickets?seller=globex&createdFrom=2026-11-21&createdTo=2026-11-21');
    expect(day[2]!.href).toBe('/tickets?seller=globex&state=resolved%2Cclosed&resolvedFrom=2026-11-21&resolvedTo=2026-11-21');
  });

  it('links an aging bucket to the creation days it covers', () => {
    const aging = buildDashboardTable('aging', view());
    const bucket = aging.rows.find((r) => r[0]!.value === '3–6 days')!;
    expect(bucket[2]).toEqual({ value: 4, href: '/tickets?seller=globex&open=1&createdFrom=2026-11-21&createdTo=2026-11-24' });
    expect(ticketsHref({})).toBe('/tickets');
  });

  it('writes CSV a spreadsheet cannot mistake for formulas, quoting commas and quotes', () => {
    const csv = tableToCsv(buildDashboardTable('waiting-on-us', view()));
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('Ticket,Seller,State,Severity,Waiting since,Waiting (hours),Description');
    expect(row).toBe(`'=cmd|calc,Acme,pending,minor,2026-11-27T10:00:00.000Z,2,"Says ""hello"", twice"`);
  });
});
