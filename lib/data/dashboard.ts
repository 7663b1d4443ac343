import 'server-only';
import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { selectRows } from '@/db/raw-sql';
import { getDb, type Db } from '@/db';
import { appointments as AP, incidents as I, products as P, sellerDocumentRejections, sellers, tickets as T, ticketStatusHistory as H } from '@/db/schema';
import { jsonText } from '@/db/sql-json';
import { earlierOf, epochMs, isoBefore, isoUtc, isoWithin, laterOf, utcDay } from '@/db/sql-dates';
import {
  AGING_BUCKETS,
  DAY_MS,
  startOfUtcDay,
  daysOf,
  OPEN_STATUSES,
  OVERDUE_CANDIDATES,
  share,
  WAITING_ON_US,
  type DashboardFilters,
} from '@/lib/domain/dashboard-metrics';

/**
 * The manager dashboards, computed in SQL over the ticket cache. Each aggregate is one statement
 * (`dashboardStatements`) so the benchmark can run the very same SQL through better-sqlite3 directly.
 */

export interface DashboardSeller {
  id: number;
  slug: string;
  name: string;
}

export interface DashboardScope {
  /** null: every Seller. */
  sellerId: number | null;
  fromMs: number;
  toMs: number;
  nowMs: number;
}

const LIST_LIMIT = 50;
/** The status change that follows another one of the same ticket. */
const NEXT = alias(H, 'next_change');

const list = (values: readonly (string | number)[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);
const ofSeller = (scope: DashboardScope, column: typeof T.sellerId | typeof H.sellerId | typeof I.sellerId | typeof AP.sellerId) =>
  scope.sellerId === null ? sql`1 = 1` : sql`${column} = ${scope.sellerId}`;
const RESOLVED_OR_CLOSED = ['resolved', 'closed'];
const OPEN_INCIDENT = ['created', 'inProgress'];
const UPCOMING_APPOINTMENT = ['confirmed', 'inProgress'];
export const APPOINTMENT_HORIZON_MS = 48 * 3_600_000;

/** The aging bucket of a creation instant: buckets are ranges of whole UTC days before today. */
function agingBucketCase(createdMs: SQL, nowMs: number): SQL {
  const today = startOfUtcDay(nowMs);
  const whens = AGING_BUCKETS.filter((b) => b.maxDays !== null).map(
    (b) => sql` when ${createdMs} >= ${today - b.maxDays! * DAY_MS} then ${b.key}`,
  );
  return sql`case${sql.join(whens, sql``)} else ${AGING_BUCKETS[AGING_BUCKETS.length - 1]!.key} end`;
}

/** The SQL of every aggregate for one scope, by name. */
export function dashboardStatements(scope: DashboardScope) {
  const { fromMs, toMs, nowMs } = scope;
  // Tickets whose resolution date falls in the range. Materialised and filtered by status afterwards,
  // so that SQLite reads the covering index on resolution_date instead of every resolved ticket by status.
  const resolvedCandidates = sql`
    resolvedCandidates as materialized (
      select ${T.id} as id, ${T.sellerId} as sellerId, ${T.status} as status, ${T.creationDate} as creationDate,
        ${T.expectedResolutionDate} as expectedDate, ${T.resolutionDate} as resolvedAt,
        ${epochMs(T.resolutionDate)} as resolvedMs
      from ${T}
      where ${isoWithin(T.resolutionDate, fromMs, toMs)} and ${ofSeller(scope, T.sellerId)}
    )`;
  const isResolved = sql`status in (${list(RESOLVED_OR_CLOSED)})`;
  // One sort per partition: the row number and the count share the window, which gives the median rows.
  const resolutionStats = (partition: SQL, label: SQL) => sql`
    select ${label} as sellerId, count(*) as resolved,
      avg(totalMs) as meanTotalMs, avg(sellerMs) as meanSellerMs, avg(usMs) as meanUsMs,
      avg(case when rn in ((n + 1) / 2, (n + 2) / 2) then totalMs end) as medianTotalMs,
      sum(case when expectedMs is not null then 1 else 0 end) as withExpected,
      sum(case when expectedMs is not null and resolvedMs <= expectedMs then 1 else 0 end) as onTime
    from (
      select sellerId, totalMs, sellerMs, usMs, expectedMs, resolvedMs,
        row_number() over byTotal as rn,
        count(*) over (byTotal rows between unbounded preceding and unbounded following) as n
      from split
      window byTotal as (${partition} order by totalMs)
    ) ranked
    group by ${label}`;

  return {
    openBySellerStatus: sql`
      select ${T.sellerId} as sellerId, ${T.status} as status, count(*) as count
      from ${T}
      where ${T.status} in (${list(OPEN_STATUSES)}) and ${ofSeller(scope, T.sellerId)}
      group by ${T.sellerId}, ${T.status}`,

    openBySeverity: sql`
      select ${T.severity} as severity, count(*) as count
      from ${T}
      where ${T.status} in (${list(OPEN_STATUSES)}) and ${ofSeller(scope, T.sellerId)}
      group by ${T.severity}`,

    waitingOnUs: sql`
      select ${T.id} as id, ${T.externalId} as externalId, ${T.sellerTicketId} as sellerTicketId,
        ${T.sellerId} as sellerId, ${T.status} as status, ${T.severity} as severity, ${T.description} as description,
        ${T.creationDate} as creationDate, coalesce(${T.lastStatusChangeAt}, ${T.creationDate}) as waitingSince,
        ${nowMs} - ${epochMs(sql`coalesce(${T.lastStatusChangeAt}, ${T.creationDate})`)} as waitingMs
      from ${T}
      where ${T.status} in (${list(WAITING_ON_US)}) and ${ofSeller(scope, T.sellerId)}
      order by waitingMs desc, ${T.id}
      limit ${LIST_LIMIT}`,

    overdueBySeller: sql`
      select ${T.sellerId} as sellerId, count(*) as count
      from ${T}
      where ${T.status} in (${list(OVERDUE_CANDIDATES)}) and ${isoBefore(T.expectedResolutionDate, nowMs)}
        and ${ofSeller(scope, T.sellerId)}
      group by ${T.sellerId}`,

    overdueList: sql`
      select ${T.id} as id, ${T.externalId} as externalId, ${T.sellerTicketId} as sellerTicketId,
        ${T.sellerId} as sellerId, ${T.status} as status, ${T.severity} as severity, ${T.description} as description,
        ${T.expectedResolutionDate} as expectedResolutionDate,
        ${nowMs} - ${epochMs(T.expectedResolutionDate)} as overdueMs
      from ${T}
      where ${T.status} in (${list(OVERDUE_CANDIDATES)}) and ${isoBefore(T.expectedResolutionDate, nowMs)}
        and ${ofSeller(scope, T.sellerId)}
      order by overdueMs desc, ${T.id}
      limit ${LIST_LIMIT}`,

    createdPerDay: sql`
      select ${utcDay(T.creationDate)} as day, count(*) as count
      from ${T}
      where ${isoWithin(T.creationDate, fromMs, toMs)} and ${ofSeller(scope, T.sellerId)}
      group by day`,

    resolvedPerDay: sql`
      with ${resolvedCandidates}
      select ${utcDay(sql`resolvedAt`)} as day, count(*) as count
      from resolvedCandidates
      where ${isResolved}
      group by day`,

    // Waiting on us = the pending and resolved periods of each resolved ticket, each lasting until the next change
    // (in change-date order, ties in the order recorded), clipped to creation and resolution; the rest is the Seller's.
    resolution: sql`
      with ${resolvedCandidates},
      resolvedTickets as materialized (
        select id, sellerId, ${epochMs(sql`creationDate`)} as createdMs, resolvedMs, ${isoUtc(sql`resolvedAt`)} as resolvedIso, ${epochMs(sql`expectedDate`)} as expectedMs
        from resolvedCandidates
        where ${isResolved} and creationDate is not null
      ),
      perTicket as materialized (
        select r.id as id, r.sellerId as sellerId, r.resolvedMs as resolvedMs, r.expectedMs as expectedMs,
          ${laterOf(0, sql`r.resolvedMs - r.createdMs`)} as totalMs,
          coalesce((
            select sum(${laterOf(
              0,
              sql`${earlierOf(sql`coalesce(${epochMs(sql`(
                select ${NEXT.changedAt} from ${H} as ${sql.identifier('next_change')}
                where ${NEXT.ticketId} = ${H.ticketId}
                  and (${NEXT.changedAt} > ${H.changedAt} or (${NEXT.changedAt} = ${H.changedAt} and ${NEXT.id} > ${H.id}))
                order by ${NEXT.changedAt}, ${NEXT.id}
                limit 1)`)}, r.resolvedMs)`, sql`r.resolvedMs`)} - ${laterOf(epochMs(H.changedAt), sql`r.createdMs`)}`,
            )})
            from ${H}
            where ${H.ticketId} = r.id and ${H.status} in (${list(WAITING_ON_US)}) and ${H.changedAt} < r.resolvedIso
          ), 0) as usMs
        from resolvedTickets r
      ),
      split as materialized (select perTicket.*, totalMs - usMs as sellerMs from perTicket)
      ${resolutionStats(sql`partition by sellerId`, sql`sellerId`)}
      union all
      ${resolutionStats(sql``, sql`null`)}`,

    cohortRates: sql`
      with cohort as materialized (
        select ${T.id} as id, ${T.sellerId} as sellerId, ${T.status} as status
        from ${T}
        where ${isoWithin(T.creationDate, fromMs, toMs)} and ${ofSeller(scope, T.sellerId)}
      )
      -- One look at each ticket's history: 1 = resolved at least once, 2 = reopened at least once.
      select sellerId, count(*) as created,
        sum(case when status = 'cancelled' then 1 else 0 end) as cancelled,
        sum(case when flags in (1, 3) then 1 else 0 end) as everResolved,
        sum(case when flags >= 2 then 1 else 0 end) as reopened
      from (
        select cohort.sellerId as sellerId, cohort.status as status, (
          select max(case when ${H.status} = 'resolved' then 1 else 0 end) + max(case when ${H.status} = 'reopened' then 2 else 0 end)
          from ${H} where ${H.ticketId} = cohort.id
        ) as flags
        from cohort
      ) flagged
      group by sellerId`,

    aging: sql`
      select sellerId, ${agingBucketCase(sql`createdMs`, nowMs)} as bucket, count(*) as count
      from (
        select ${T.sellerId} as sellerId, ${epochMs(T.creationDate)} as createdMs
        from ${T}
        where ${T.status} in (${list(OPEN_STATUSES)}) and ${T.creationDate} is not null and ${ofSeller(scope, T.sellerId)}
      ) open
      group by sellerId, bucket`,

    openIncidents: sql`
      select ${I.id} as id, ${I.sellerId} as sellerId, ${I.sellerResourceId} as incidentId, ${I.status} as status,
        ${I.productId} as productId, ${P.label} as productLabel,
        ${jsonText(I.document, '$.creationDate')} as creationDate, ${jsonText(I.document, '$.severity')} as severity,
        ${jsonText(I.document, '$.description')} as description
      from ${I} left join ${P} on ${P.sellerId} = ${I.sellerId} and ${P.productId} = ${I.productId}
      where ${I.status} in (${list(OPEN_INCIDENT)}) and ${I.productId} is not null and ${ofSeller(scope, I.sellerId)}
      order by creationDate, ${I.id}
      limit ${LIST_LIMIT}`,

    openIncidentsBySeller: sql`
      select ${I.sellerId} as sellerId, count(*) as count
      from ${I}
      where ${I.status} in (${list(OPEN_INCIDENT)}) and ${I.productId} is not null and ${ofSeller(scope, I.sellerId)}
      group by ${I.sellerId}`,

    incidentsInRange: sql`
      select sellerId, count(*) as incidents,
        sum(case when closedMs is not null then 1 else 0 end) as closed,
        avg(closedMs - createdMs) as meanDurationMs,
        max(coalesce(closedMs, ${nowMs}) - createdMs) as longestMs
      from (
        select ${I.sellerId} as sellerId,
          ${epochMs(jsonText(I.document, '$.creationDate'))} as createdMs,
          case when ${I.status} = 'closed' then ${epochMs(jsonText(I.document, '$.closedDate'))} end as closedMs
        from ${I}
        where ${I.productId} is not null and ${ofSeller(scope, I.sellerId)}
      ) ours
      where createdMs >= ${fromMs} and createdMs < ${toMs}
      group by sellerId`,

    upcomingAppointments: sql`
      select ${AP.id} as id, ${AP.sellerId} as sellerId, ${AP.sellerResourceId} as appointmentId, ${AP.status} as status,
        ${AP.startAt} as startAt, ${AP.endAt} as endAt, ${AP.workOrderId} as workOrderId, ${AP.siteId} as siteId
      from ${AP}
      where ${AP.status} in (${list(UPCOMING_APPOINTMENT)}) and ${isoWithin(AP.startAt, nowMs, nowMs + APPOINTMENT_HORIZON_MS)}
        and ${ofSeller(scope, AP.sellerId)}
      order by ${epochMs(AP.startAt)}, ${AP.id}
      limit ${LIST_LIMIT}`,
  } satisfies Record<string, SQL>;
}

export type DashboardStatement = keyof ReturnType<typeof dashboardStatements>;

// ---------------------------------------------------------------------------------------------------------------
// Shapes handed to the page (plain data, serialisable to client components)

export interface CountRow {
  count: number;
}
export interface TicketListRow {
  id: number;
  externalId: string;
  sellerTicketId: string | null;
  sellerId: number;
  status: string;
  severity: string;
  description: string;
}
export interface WaitingRow extends TicketListRow {
  creationDate: string | null;
  waitingSince: string | null;
  waitingMs: number | null;
}
export interface OverdueRow extends TicketListRow {
  expectedResolutionDate: string;
  overdueMs: number;
}
export interface ResolutionStats {
  /** null: all Sellers in scope together. */
  sellerId: number | null;
  resolved: number;
  meanTotalMs: number | null;
  meanSellerMs: number | null;
  meanUsMs: number | null;
  medianTotalMs: number | null;
  withExpected: number;
  onTime: number;
  onTimeShare: number | null;
}
export interface CohortRates {
  sellerId: number | null;
  created: number;
  cancelled: number;
  everResolved: number;
  reopened: number;
  cancellationRate: number | null;
  reopenRate: number | null;
}

export interface IncidentRowView {
  id: number;
  sellerId: number;
  incidentId: string;
  status: string;
  productId: string;
  productLabel: string | null;
  creationDate: string | null;
  severity: string | null;
  description: string | null;
}
export interface IncidentStats {
  sellerId: number;
  incidents: number;
  closed: number;
  meanDurationMs: number | null;
  longestMs: number | null;
}
export interface AppointmentRowView {
  id: number;
  sellerId: number;
  appointmentId: string;
  status: string;
  startAt: string;
  endAt: string | null;
  workOrderId: string | null;
  siteId: string | null;
}

export interface DashboardData {
  sellers: DashboardSeller[];
  now: {
    openBySellerStatus: Array<{ sellerId: number; status: string; count: number }>;
    openBySeverity: Array<{ severity: string; count: number }>;
    waitingOnUs: WaitingRow[];
    overdueBySeller: Array<{ sellerId: number; count: number }>;
    overdueList: OverdueRow[];
    listLimit: number;
    openIncidents: IncidentRowView[];
    openIncidentsBySeller: Array<{ sellerId: number; count: number }>;
    upcomingAppointments: AppointmentRowView[];
    /** Seller health: documents refused because they break the schema beyond the Seller's tolerated deviations. */
    refusedDocumentsBySeller?: Array<{ sellerId: number; count: number; lastSeenAt: string }>;
  };
  trend: {
    perDay: Array<{ day: string; created: number; resolved: number }>;
    resolution: ResolutionStats[];
    rates: CohortRates[];
    aging: Array<{ sellerId: number; bucket: string; count: number }>;
    incidents: IncidentStats[];
  };
}

export async function fetchDashboardSellers(db: Db = getDb()): Promise<DashboardSeller[]> {
  return await db.select({ id: sellers.id, slug: sellers.slug, name: sellers.name }).from(sellers).orderBy(asc(sellers.name));
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toRates(row: { sellerId: number | null; created: unknown; cancelled: unknown; everResolved: unknown; reopened: unknown }): CohortRates {
  const created = num(row.created);
  const cancelled = num(row.cancelled);
  const everResolved = num(row.everResolved);
  const reopened = num(row.reopened);
  return {
    sellerId: row.sellerId,
    created,
    cancelled,
    everResolved,
    reopened,
    cancellationRate: share(cancelled, created),
    reopenRate: share(reopened, everResolved),
  };
}

/** Every aggregate of the dashboards for one scope. */
export async function fetchDashboard(scope: DashboardScope, db: Db = getDb()): Promise<Omit<DashboardData, 'sellers'>> {
  const q = dashboardStatements(scope);
  const run = <R>(statement: SQL) => selectRows<R>(statement, db);

  const openBySellerStatus = (await run<{ sellerId: number; status: string; count: number }>(q.openBySellerStatus)).map((r) => ({
    ...r,
    count: num(r.count),
  }));
  const openBySeverity = (await run<{ severity: string; count: number }>(q.openBySeverity)).map((r) => ({ ...r, count: num(r.count) }));
  const waitingOnUs = await run<WaitingRow>(q.waitingOnUs);
  const overdueBySeller = (await run<{ sellerId: number; count: number }>(q.overdueBySeller)).map((r) => ({ ...r, count: num(r.count) }));
  const overdueList = await run<OverdueRow>(q.overdueList);

  const created = new Map((await run<{ day: string; count: number }>(q.createdPerDay)).map((r) => [r.day, num(r.count)]));
  const resolvedPerDay = new Map((await run<{ day: string; count: number }>(q.resolvedPerDay)).map((r) => [r.day, num(r.count)]));
  const perDay = daysOf(scope).map((day) => ({ day, created: created.get(day) ?? 0, resolved: resolvedPerDay.get(day) ?? 0 }));

  const resolution = (await run<Record<string, unknown>>(q.resolution)).map((r): ResolutionStats => {
    const withExpected = num(r.withExpected);
    const onTime = num(r.onTime);
    return {
      sellerId: numOrNull(r.sellerId),
      resolved: num(r.resolved),
      meanTotalMs: numOrNull(r.meanTotalMs),
      meanSellerMs: numOrNull(r.meanSellerMs),
      meanUsMs: numOrNull(r.meanUsMs),
      medianTotalMs: numOrNull(r.medianTotalMs),
      withExpected,
      onTime,
      onTimeShare: share(onTime, withExpected),
    };
  });

  const perSellerRates = (await run<{ sellerId: number; created: number; cancelled: number; everResolved: number; reopened: number }>(
    q.cohortRates,
  )).map(toRates);
  const allRates = toRates({
    sellerId: null,
    created: perSellerRates.reduce((s, r) => s + r.created, 0),
    cancelled: perSellerRates.reduce((s, r) => s + r.cancelled, 0),
    everResolved: perSellerRates.reduce((s, r) => s + r.everResolved, 0),
    reopened: perSellerRates.reduce((s, r) => s + r.reopened, 0),
  });

  const aging = (await run<{ sellerId: number; bucket: string; count: number }>(q.aging)).map((r) => ({ ...r, count: num(r.count) }));

  const openIncidents = await run<IncidentRowView>(q.openIncidents);
  const openIncidentsBySeller = (await run<{ sellerId: number; count: number }>(q.openIncidentsBySeller)).map((r) => ({
    ...r,
    count: num(r.count),
  }));
  const incidentStats = (await run<Record<string, unknown>>(q.incidentsInRange)).map(
    (r): IncidentStats => ({
      sellerId: num(r.sellerId),
      incidents: num(r.incidents),
      closed: num(r.closed),
      meanDurationMs: numOrNull(r.meanDurationMs),
      longestMs: numOrNull(r.longestMs),
    }),
  );
  const upcomingAppointments = await run<AppointmentRowView>(q.upcomingAppointments);
  const refusedDocumentsBySeller = (
    await db
      .select({
        sellerId: sellerDocumentRejections.sellerId,
        count: sql<number>`count(*)`,
        lastSeenAt: sql<string>`max(${sellerDocumentRejections.lastSeenAt})`,
      })
      .from(sellerDocumentRejections)
      .where(scope.sellerId === null ? undefined : eq(sellerDocumentRejections.sellerId, scope.sellerId))
      .groupBy(sellerDocumentRejections.sellerId)
  ).map((r) => ({ ...r, count: num(r.count) }));

  return {
    now: {
      openBySellerStatus,
      openBySeverity,
      waitingOnUs,
      overdueBySeller,
      overdueList,
      listLimit: LIST_LIMIT,
      openIncidents,
      openIncidentsBySeller,
      upcomingAppointments,
      refusedDocumentsBySeller,
    },
    trend: { perDay, resolution, rates: [...perSellerRates, allRates], aging, incidents: incidentStats },
  };
}

/** The dashboards for the filters from the URL: resolves the Seller slug, then runs every aggregate. */
export async function loadDashboard(
  filters: DashboardFilters,
  nowMs: number,
  db: Db = getDb(),
): Promise<DashboardData & { sellerProblem: string | null; sellerId: number | null }> {
  const all = await fetchDashboardSellers(db);
  const selected = filters.seller ? all.find((s) => s.slug === filters.seller) : undefined;
  const sellerProblem = filters.seller && !selected ? `No Seller "${filters.seller}"; showing all Sellers.` : null;
  const sellerId = selected?.id ?? null;
  const data = await fetchDashboard({ sellerId, fromMs: filters.range.fromMs, toMs: filters.range.toMs, nowMs }, db);
  return { sellers: all, ...data, sellerProblem, sellerId };
}
