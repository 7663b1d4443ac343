/**
 * Every dashboard figure as a table: the same rows feed the accessible table beside each chart, the CSV export and
 * the links to the tickets behind each number. Plain data only, usable on the server and in client components.
 */
import type { DashboardData, DashboardSeller } from '@/lib/data/dashboard';
import {
  AGING_BUCKETS,
  agingBucketDays,
  formatDuration,
  formatShare,
  OPEN_STATUSES,
  type DashboardRange,
} from '@/lib/domain/dashboard-metrics';
import { labelOf, TICKET_SEVERITIES, TICKET_SEVERITY, TICKET_STATUS } from '@/lib/domain/mef-labels';
import { csvCell } from '@/lib/domain/csv-cell';
import { ticketDetailHref, ticketsHref, incidentHref, appointmentsHref } from './ticket-links';

export interface Cell {
  /** The raw value, as exported to CSV. */
  value: string | number | null;
  /** What the table shows, when it differs from the raw value. */
  display?: string;
  /** The tickets (or other records) behind this figure. */
  href?: string;
}

export interface Column {
  key: string;
  label: string;
  numeric?: boolean;
}

export interface DashboardTable {
  key: DashboardTableKey;
  title: string;
  columns: Column[];
  rows: Cell[][];
}

export const DASHBOARD_TABLE_KEYS = [
  'open-by-seller',
  'open-by-severity',
  'waiting-on-us',
  'overdue',
  'incidents-open',
  'appointments-48h',
  'created-resolved',
  'time-to-resolve',
  'rates',
  'aging',
  'incidents-by-seller',
] as const;
export type DashboardTableKey = (typeof DASHBOARD_TABLE_KEYS)[number];

export interface DashboardView extends DashboardData {
  range: DashboardRange;
  sellerId: number | null;
  nowMs: number;
}

const HOUR = 3_600_000;
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR) * 100) / 100);
const pct = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

function sellerLookup(sellers: DashboardSeller[]) {
  const byId = new Map(sellers.map((s) => [s.id, s]));
  return (id: number | null) => (id === null ? undefined : byId.get(id));
}

/** Sellers shown: the selected one, or every Seller. */
export function sellersInView(view: Pick<DashboardView, 'sellers' | 'sellerId'>): DashboardSeller[] {
  return view.sellerId === null ? view.sellers : view.sellers.filter((s) => s.id === view.sellerId);
}

export function buildDashboardTable(key: DashboardTableKey, view: DashboardView): DashboardTable {
  const seller = sellerLookup(view.sellers);
  const shown = sellersInView(view);
  const scopeSlug = view.sellerId === null ? undefined : seller(view.sellerId)?.slug;
  const range = { from: view.range.from, to: view.range.to };

  switch (key) {
    case 'open-by-seller': {
      const counts = new Map(view.now.openBySellerStatus.map((r) => [`${r.sellerId}:${r.status}`, r.count]));
      return {
        key,
        title: 'Open tickets by Seller and state',
        columns: [
          { key: 'seller', label: 'Seller' },
          ...OPEN_STATUSES.map((s) => ({ key: s, label: TICKET_STATUS[s].label, numeric: true })),
          { key: 'total', label: 'Total', numeric: true },
        ],
        rows: shown.map((s) => {
          const cells = OPEN_STATUSES.map((status): Cell => {
            const n = counts.get(`${s.id}:${status}`) ?? 0;
            return { value: n, href: ticketsHref({ seller: s.slug, state: [status] }) };
          });
          const total = cells.reduce((sum, c) => sum + Number(c.value), 0);
          return [{ value: s.name }, ...cells, { value: total, href: ticketsHref({ seller: s.slug, open: true }) }];
        }),
      };
    }
    case 'open-by-severity':
      return {
        key,
        title: 'Open tickets by severity',
        columns: [
          { key: 'severity', label: 'Severity' },
          { key: 'open', label: 'Open tickets', numeric: true },
        ],
        rows: TICKET_SEVERITIES.map((sev) => [
          { value: TICKET_SEVERITY[sev].label },
          {
            value: view.now.openBySeverity.find((r) => r.severity === sev)?.count ?? 0,
            href: ticketsHref({ seller: scopeSlug, severity: [sev], open: true }),
          },
        ]),
      };
    case 'waiting-on-us':
      return {
        key,
        title: 'Waiting on us',
        columns: [
          { key: 'ticket', label: 'Ticket' },
          { key: 'seller', label: 'Seller' },
          { key: 'state', label: 'State' },
          { key: 'severity', label: 'Severity' },
          { key: 'waitingSince', label: 'Waiting since' },
          { key: 'waitingHours', label: 'Waiting (hours)', numeric: true },
          { key: 'description', label: 'Description' },
        ],
        rows: view.now.waitingOnUs.map((t) => {
          const s = seller(t.sellerId);
          return [
            { value: t.externalId, href: s ? ticketDetailHref(s.slug, t) : undefined },
            { value: s?.name ?? String(t.sellerId) },
            { value: t.status, display: labelOf(TICKET_STATUS, t.status) },
            { value: t.severity, display: labelOf(TICKET_SEVERITY, t.severity) },
            { value: t.waitingSince },
            { value: hours(t.waitingMs), display: formatDuration(t.waitingMs) },
            { value: t.description },
          ];
        }),
      };
    case 'overdue':
      return {
        key,
        title: 'Overdue against the Seller’s expected resolution',
        columns: [
          { key: 'ticket', label: 'Ticket' },
          { key: 'seller', label: 'Seller' },
          { key: 'state', label: 'State' },
          { key: 'severity', label: 'Severity' },
          { key: 'expected', label: 'Expected resolution' },
          { key: 'overdueHours', label: 'Overdue by (hours)', numeric: true },
        ],
        rows: view.now.overdueList.map((t) => {
          const s = seller(t.sellerId);
          return [
            { value: t.externalId, href: s ? ticketDetailHref(s.slug, t) : undefined },
            { value: s?.name ?? String(t.sellerId) },
            { value: t.status, display: labelOf(TICKET_STATUS, t.status) },
            { value: t.severity, display: labelOf(TICKET_SEVERITY, t.severity) },
            { value: t.expectedResolutionDate },
            { value: hours(t.overdueMs), display: formatDuration(t.overdueMs) },
          ];
        }),
      };
    case 'incidents-open':
      return {
        key,
        title: 'Open incidents on our products',
        columns: [
          { key: 'incident', label: 'Incident' },
          { key: 'seller', label: 'Seller' },
          { key: 'product', label: 'Product' },
          { key: 'status', label: 'Status' },
          { key: 'severity', label: 'Severity' },
          { key: 'since', label: 'Open since' },
        ],
        rows: view.now.openIncidents.map((i) => {
          const s = seller(i.sellerId);
          return [
            { value: i.incidentId, href: s ? incidentHref(s.slug, i.incidentId) : undefined },
            { value: s?.name ?? String(i.sellerId) },
            { value: i.productLabel ?? i.productId },
            { value: i.status },
            { value: i.severity, display: labelOf(TICKET_SEVERITY, i.severity) },
            { value: i.creationDate },
          ];
        }),
      };
    case 'appointments-48h':
      return {
        key,
        title: 'Appointments in the next 48 hours',
        columns: [
          { key: 'appointment', label: 'Appointment' },
          { key: 'seller', label: 'Seller' },
          { key: 'start', label: 'Starts' },
          { key: 'end', label: 'Ends' },
          { key: 'status', label: 'Status' },
          { key: 'workOrder', label: 'Work order' },
        ],
        rows: view.now.upcomingAppointments.map((a) => {
          const s = seller(a.sellerId);
          return [
            { value: a.appointmentId, href: s ? appointmentsHref(s.slug) : undefined },
            { value: s?.name ?? String(a.sellerId) },
            { value: a.startAt },
            { value: a.endAt },
            { value: a.status },
            { value: a.workOrderId },
          ];
        }),
      };
    case 'created-resolved':
      return {
        key,
        title: 'Created and resolved per day (UTC)',
        columns: [
          { key: 'day', label: 'Day' },
          { key: 'created', label: 'Created', numeric: true },
          { key: 'resolved', label: 'Resolved', numeric: true },
        ],
        rows: view.trend.perDay.map((d) => [
          { value: d.day },
          { value: d.created, href: ticketsHref({ seller: scopeSlug, created: { from: d.day, to: d.day } }) },
          {
            value: d.resolved,
            href: ticketsHref({ seller: scopeSlug, state: ['resolved', 'closed'], resolved: { from: d.day, to: d.day } }),
          },
        ]),
      };
    case 'time-to-resolve':
      return {
        key,
        title: 'Time to resolve (tickets resolved in the range)',
        columns: [
          { key: 'seller', label: 'Seller' },
          { key: 'resolved', label: 'Resolved', numeric: true },
          { key: 'meanHours', label: 'Mean (hours)', numeric: true },
          { key: 'medianHours', label: 'Median (hours)', numeric: true },
          { key: 'meanSellerHours', label: 'Mean waiting on Seller (hours)', numeric: true },
          { key: 'meanUsHours', label: 'Mean waiting on us (hours)', numeric: true },
          { key: 'onTime', label: 'Resolved by the Seller’s expected date', numeric: true },
        ],
        rows: view.trend.resolution.map((r) => {
          const s = seller(r.sellerId);
          const slug = r.sellerId === null ? scopeSlug : s?.slug;
          const behind = ticketsHref({ seller: slug, state: ['resolved', 'closed'], resolved: range });
          return [
            { value: r.sellerId === null ? 'All Sellers' : (s?.name ?? String(r.sellerId)) },
            { value: r.resolved, href: behind },
            { value: hours(r.meanTotalMs), display: formatDuration(r.meanTotalMs) },
            { value: hours(r.medianTotalMs), display: formatDuration(r.medianTotalMs) },
            { value: hours(r.meanSellerMs), display: formatDuration(r.meanSellerMs) },
            { value: hours(r.meanUsMs), display: formatDuration(r.meanUsMs) },
            { value: pct(r.onTimeShare), display: `${formatShare(r.onTimeShare)} (${r.onTime} of ${r.withExpected})` },
          ];
        }),
      };
    case 'rates':
      return {
        key,
        title: 'Reopen and cancellation rates (tickets created in the range)',
        columns: [
          { key: 'seller', label: 'Seller' },
          { key: 'created', label: 'Created', numeric: true },
          { key: 'reopenRate', label: 'Reopened (% of resolved)', numeric: true },
          { key: 'cancellationRate', label: 'Cancelled (% of created)', numeric: true },
        ],
        rows: view.trend.rates.map((r) => {
          const slug = r.sellerId === null ? scopeSlug : seller(r.sellerId)?.slug;
          return [
            { value: r.sellerId === null ? 'All Sellers' : (seller(r.sellerId)?.name ?? String(r.sellerId)) },
            { value: r.created, href: ticketsHref({ seller: slug, created: range }) },
            { value: pct(r.reopenRate), display: `${formatShare(r.reopenRate)} (${r.reopened} of ${r.everResolved})` },
            {
              value: pct(r.cancellationRate),
              display: `${formatShare(r.cancellationRate)} (${r.cancelled} of ${r.created})`,
              href: ticketsHref({ seller: slug, state: ['cancelled'], created: range }),
            },
          ];
        }),
      };
    case 'aging': {
      const counts = new Map(view.trend.aging.map((r) => [`${r.sellerId}:${r.bucket}`, r.count]));
      return {
        key,
        title: 'Open tickets by age (days since creation)',
        columns: [
          { key: 'age', label: 'Age' },
          ...shown.map((s) => ({ key: s.slug, label: s.name, numeric: true })),
        ],
        rows: AGING_BUCKETS.map((b) => {
          const days = agingBucketDays(b, view.nowMs);
          return [
            { value: b.label },
            ...shown.map(
              (s): Cell => ({
                value: counts.get(`${s.id}:${b.key}`) ?? 0,
                href: ticketsHref({ seller: s.slug, open: true, created: days }),
              }),
            ),
          ];
        }),
      };
    }
    case 'incidents-by-seller':
      return {
        key,
        title: 'Incidents on our products per Seller (created in the range)',
        columns: [
          { key: 'seller', label: 'Seller' },
          { key: 'incidents', label: 'Incidents', numeric: true },
          { key: 'closed', label: 'Closed', numeric: true },
          { key: 'meanHours', label: 'Mean duration of closed (hours)', numeric: true },
          { key: 'longestHours', label: 'Longest so far (hours)', numeric: true },
        ],
        rows: view.trend.incidents.map((i) => {
          const s = seller(i.sellerId);
          return [
            { value: s?.name ?? String(i.sellerId), href: s ? incidentHref(s.slug) : undefined },
            { value: i.incidents },
            { value: i.closed },
            { value: hours(i.meanDurationMs), display: formatDuration(i.meanDurationMs) },
            { value: hours(i.longestMs), display: formatDuration(i.longestMs) },
          ];
        }),
      };
  }
}

export function tableToCsv(table: DashboardTable): string {
  const lines = [table.columns.map((c) => csvCell(c.label)), ...table.rows.map((row) => row.map((cell) => csvCell(cell.value)))];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}
