/**
 * Fills a portal database with a realistic ticket cache: Sellers of very different sizes, two years of tickets with
 * more of them recently, old tickets mostly closed and recent ones open, skewed severities and products, a status
 * history per ticket and a ~1.5 kB Seller document each. Deterministic for a given seed, and it can grow an
 * existing cache (tickets `from` .. `from + count`).
 */
import type Database from 'better-sqlite3';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db';
import { appointments, incidents, sellers, slaAgreements, tickets, ticketSla, ticketStatusHistory, users, type NewTicket } from '../../db/schema';
import { ALWAYS } from '../../lib/domain/sla-calendar';
import { ticketClocks, type SlaAgreementSpec } from '../../lib/domain/sla-targets';
import { slaRowValues, ticketSlaColumns } from '../../lib/sync/sla-clocks';
import { formatExternalId } from '../../lib/domain/ticket-external-id';
import { rowInserter, withoutIndexes } from './bulk-insert';

const TICKET_COLUMNS = [
  'sellerId', 'sellerTicketId', 'externalId', 'productId', 'description', 'severity', 'sellerSeverity', 'priority', 'sellerPriority',
  'ticketType', 'observedImpact', 'status', 'creationDate', 'expectedResolutionDate', 'resolutionDate', 'lastStatusChangeAt',
  'document', 'documentHash', 'fetchedAt', 'syncState', 'createdByUserId', 'createdAt', 'updatedAt',
  'slaRiskAt', 'slaBreachAt', 'slaVerdict',
] as const satisfies ReadonlyArray<keyof NewTicket>;

/** `final` is left at its default: the inserter locates parameters by sentinel values, which a boolean cannot carry. */
const SLA_COLUMNS = [
  'ticketId', 'sellerId', 'agreementId', 'agreementSnapshot', 'target', 'level', 'targetMs', 'elapsedMs', 'pausedMs', 'state', 'verdict',
  'atRiskAt', 'breachAt', 'stoppedAt', 'computedAt', 'ticketCreatedAt',
] as const satisfies ReadonlyArray<keyof typeof ticketSla.$inferInsert>;

/** One 24×7 agreement per volume Seller, pausing on pending: targets per severity, in minutes. */
const VOLUME_TARGETS = {
  extensive: { acknowledge: 30, resolve: 4 * 60 },
  significant: { acknowledge: 30, resolve: 8 * 60 },
  moderate: { acknowledge: 60, resolve: 24 * 60 },
  minor: { acknowledge: 120, resolve: 72 * 60 },
};

/** The volume Sellers' agreements (created when missing), by Seller id. */
export function ensureVolumeAgreements(db: Db, volume: VolumeSellers): Map<number, SlaAgreementSpec> {
  const out = new Map<number, SlaAgreementSpec>();
  for (const sellerId of volume.ids) {
    let row = db.select().from(slaAgreements).where(eq(slaAgreements.sellerId, sellerId)).get();
    row ??= db
      .insert(slaAgreements)
      .values({ name: 'Volume standard', sellerId, basis: 'severity', targets: VOLUME_TARGETS, pauseStates: ['pending'], atRiskPercent: 75, validFrom: '2000-01-01T00:00:00.000Z' })
      .returning()
      .get();
    out.set(sellerId, { ...row, calendar: ALWAYS });
  }
  return out;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPAN_DAYS = 730;

/** The Sellers the volume belongs to, by share of tickets. Their URLs lead nowhere on purpose (port 9 is closed). */
export const VOLUME_SELLERS = [
  { slug: 'northwind', name: 'Northwind Fibre', share: 0.38 },
  { slug: 'contoso', name: 'Contoso Carrier', share: 0.24 },
  { slug: 'fabrikam', name: 'Fabrikam Networks', share: 0.18 },
  { slug: 'tailspin', name: 'Tailspin Telecom', share: 0.12 },
  { slug: 'wingtip', name: 'Wingtip Access', share: 0.08 },
] as const;

const SEVERITY = [['minor', 0.45], ['moderate', 0.3], ['significant', 0.18], ['extensive', 0.07]] as const;
const PRIORITY = [['low', 0.25], ['medium', 0.45], ['high', 0.22], ['critical', 0.08]] as const;
const TYPE = [['assistance', 0.62], ['maintenance', 0.2], ['installation', 0.1], ['information', 0.08]] as const;
const IMPACT = [['degraded', 0.5], ['intermittent', 0.3], ['down', 0.2]] as const;
const WORDS = [
  'fibre', 'flapping', 'latency', 'packet', 'loss', 'router', 'port', 'down', 'jitter', 'optic', 'power', 'BGP', 'session',
  'reset', 'MTU', 'CRC', 'errors', 'link', 'UNI', 'EVC', 'outage', 'slow', 'throughput', 'VLAN', 'DNS', 'cabinet', 'splice',
];

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T extends string>(random: () => number, table: ReadonlyArray<readonly [T, number]>): T {
  let r = random();
  for (const [value, weight] of table) {
    r -= weight;
    if (r < 0) return value;
  }
  return table[table.length - 1]![0];
}

/** Hours drawn from a long-tailed distribution with the given median. */
function hours(random: () => number, median: number): number {
  const u = Math.max(1e-6, random());
  return median * Math.exp(1.1 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()));
}

type Step = [status: string, atMs: number];

function lifeOf(random: () => number, created: number, now: number): Step[] {
  const steps: Step[] = [['acknowledged', created]];
  let t = created;
  const next = (status: string, medianHours: number): boolean => {
    t += Math.max(60_000, hours(random, medianHours) * HOUR);
    if (t >= now) return false;
    steps.push([status, t]);
    return true;
  };
  if (random() < 0.04) {
    if (next('assessingCancellation', 2)) next('cancelled', 4);
    return steps;
  }
  if (!next('inProgress', 1.5)) return steps;
  if (random() < 0.35 && !(next('pending', 8) && next('inProgress', 6))) return steps;
  if (!next('resolved', 20)) return steps;
  if (random() < 0.08 && !(next('reopened', 10) && next('inProgress', 1) && next('resolved', 12))) return steps;
  next('closed', 18);
  return steps;
}

export interface VolumeSellers {
  ids: number[];
  shares: number[];
  slugs: string[];
}

/** The volume Sellers (created when missing), with their ids in VOLUME_SELLERS order. */
export async function ensureVolumeSellers(db: Db): Promise<VolumeSellers> {
  const slugs = VOLUME_SELLERS.map((s) => s.slug);
  const existing = await db.select({ id: sellers.id, slug: sellers.slug }).from(sellers).where(inArray(sellers.slug, slugs)).all();
  const bySlug = new Map(existing.map((r) => [r.slug, r.id]));
  for (const s of VOLUME_SELLERS) {
    if (bySlug.has(s.slug)) continue;
    const row = await db
      .insert(sellers)
      .values({
        slug: s.slug,
        name: s.name,
        troubleTicketBaseUrl: `http://127.0.0.1:9/${s.slug}/mefApi/sonata/troubleTicket/v4`,
        appointmentBaseUrl: `http://127.0.0.1:9/${s.slug}/mefApi/sonata/appointment/v2`,
        workOrderBaseUrl: `http://127.0.0.1:9/${s.slug}/mefApi/sonata/workOrderManagement/v2`,
        tokenUrl: `http://127.0.0.1:9/${s.slug}/oauth2/token`,
        clientId: `buyer-${s.slug}`,
        clientSecretEnc: 'not-a-sealed-secret',
      })
      .returning({ id: sellers.id })
      .get();
    bySlug.set(s.slug, row.id);
  }
  return { ids: VOLUME_SELLERS.map((s) => bySlug.get(s.slug)!), shares: VOLUME_SELLERS.map((s) => s.share), slugs };
}

function ticketDocument(n: number, row: NewTicket, life: Step[], sellerSlug: string, random: () => number): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const notes = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
    id: `note-${n}-${i}`,
    author: i % 2 ? 'NOC operator' : 'Seller support desk',
    date: iso(life[Math.min(i, life.length - 1)]![1]),
    source: i % 2 ? 'buyer' : 'seller',
    text: `Checked the ${WORDS[(n + i) % WORDS.length]} on the access circuit; ${WORDS[(n * 7 + i) % WORDS.length]} seen on the far end.`,
  }));
  return {
    id: row.sellerTicketId,
    href: `https://${sellerSlug}.example/mefApi/sonata/troubleTicket/v4/troubleTicket/${row.sellerTicketId}`,
    externalId: row.externalId,
    description: row.description,
    severity: row.severity,
    priority: row.priority,
    sellerSeverity: row.sellerSeverity,
    sellerPriority: row.sellerPriority,
    ticketType: row.ticketType,
    observedImpact: row.observedImpact,
    status: row.status,
    creationDate: row.creationDate,
    expectedResolutionDate: row.expectedResolutionDate,
    ...(row.resolutionDate ? { resolutionDate: row.resolutionDate } : {}),
    statusChange: life.map(([status, at]) => ({ status, changeDate: iso(at), changeReason: `Moved to ${status}` })),
    note: notes,
    relatedContactInformation: [
      { name: 'Rita Reporter', number: '+44 20 7946 0000', emailAddress: 'rita@buyer.example', role: 'reporterContact' },
      { name: `${sellerSlug} support`, number: '+1 212 555 0100', emailAddress: `support@${sellerSlug}.example`, role: 'sellerTicketContact' },
    ],
    relatedEntity: [{ '@referredType': 'Product', id: row.productId, role: 'affectedProduct' }],
  };
}

export interface SeedResult {
  tickets: number;
  history: number;
  ms: number;
}

/**
 * Appends tickets number `from` .. `from + count - 1`. The same (seed, n) always gives the same ticket, so a cache
 * grown in two steps equals one filled at once.
 */
export function seedTickets(db: Db, sqlite: Database.Database, volume: VolumeSellers, from: number, count: number, nowMs: number): SeedResult {
  const started = performance.now();
  const userIds = db.select({ id: users.id }).from(users).all().map((u) => u.id);
  const insertTicket = rowInserter<NewTicket>(db, sqlite, tickets, [...TICKET_COLUMNS]);
  const insertChange = rowInserter<typeof ticketStatusHistory.$inferInsert>(db, sqlite, ticketStatusHistory, ['ticketId', 'sellerId', 'status', 'changedAt']);
  const insertSla = rowInserter<typeof ticketSla.$inferInsert>(db, sqlite, ticketSla, [...SLA_COLUMNS]);
  const agreements = ensureVolumeAgreements(db, volume);
  const TX = 5000;
  let history = 0;
  withoutIndexes(sqlite, ['tickets', 'ticket_status_history', 'ticket_sla'], () => {
    for (let txStart = from; txStart < from + count; txStart += TX) {
      const txEnd = Math.min(from + count, txStart + TX);
      sqlite.transaction(() => {
        for (let n = txStart; n < txEnd; n++) {
          const { row, life } = ticketNumber(n, volume, userIds, nowMs);
          // The clocks as the cache writer would have left them after the ticket's last change.
          const agreement = agreements.get(row.sellerId)!;
          const level = row.sellerSeverity ?? row.severity;
          const changes = life.map(([status, at]) => ({ status, at: iso(at) }));
          const clocks = ticketClocks(agreement, level, { creationDate: row.creationDate!, history: changes }, nowMs);
          const slaRows = clocks.map((clock) => slaRowValues(clock, { ticketId: 0, sellerId: row.sellerId, agreement, level, ticketCreatedAt: row.creationDate!, now: nowMs }));
          const id = insertTicket({ ...row, ...ticketSlaColumns(slaRows) });
          for (const [status, at] of life) insertChange({ ticketId: id, sellerId: row.sellerId, status, changedAt: iso(at) });
          for (const slaRow of slaRows) insertSla({ ...slaRow, ticketId: id });
          history += life.length;
        }
      })();
    }
  });
  return { tickets: count, history, ms: performance.now() - started };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Ticket number n of the generated cache, with its status history. */
export function ticketNumber(n: number, volume: VolumeSellers, userIds: number[], nowMs: number): { row: NewTicket; life: Step[] } {
  const random = prng(0x5eed ^ Math.imul(n + 1, 2654435761));
  let pick = random();
  let sellerIndex = 0;
  for (; sellerIndex < volume.shares.length - 1; sellerIndex++) {
    pick -= volume.shares[sellerIndex]!;
    if (pick < 0) break;
  }
  const slug = volume.slugs[sellerIndex]!;
  // More tickets recently: the age is skewed towards now.
  const created = nowMs - Math.floor(SPAN_DAYS * DAY * random() ** 1.6) - 60_000;
  const life = lifeOf(random, created, nowMs);
  const [status, lastChange] = life[life.length - 1]!;
  const resolved = [...life].reverse().find(([s]) => s === 'resolved')?.[1];
  const severity = weighted(random, SEVERITY);
  const priority = weighted(random, PRIORITY);
  // A few products carry most tickets (a flaky site keeps coming back).
  const product = Math.floor(300 * random() ** 3);
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const row: NewTicket = {
    sellerId: volume.ids[sellerIndex]!,
    sellerTicketId: `${slug.slice(0, 3).toUpperCase()}-${String(n + 1).padStart(7, '0')}`,
    externalId: formatExternalId(new Date(created).getUTCFullYear(), n + 1),
    productId: `${slug}-prod-${String(product).padStart(4, '0')}`,
    description: `${word()} ${word()} ${word()} at site ${Math.floor(random() * 2000)}`,
    severity,
    sellerSeverity: random() < 0.8 ? severity : weighted(random, SEVERITY),
    priority,
    sellerPriority: random() < 0.85 ? priority : weighted(random, PRIORITY),
    ticketType: weighted(random, TYPE),
    observedImpact: weighted(random, IMPACT),
    status,
    creationDate: iso(created),
    expectedResolutionDate: random() < 0.92 ? iso(created + (8 + random() * 88) * HOUR) : null,
    resolutionDate: resolved !== undefined && (status === 'resolved' || status === 'closed') ? iso(resolved) : null,
    lastStatusChangeAt: iso(lastChange),
    document: {},
    documentHash: `seed-${n}`,
    fetchedAt: iso(lastChange),
    syncState: nowMs - created < 2 * DAY && random() < 0.02 ? 'rejected' : 'synced',
    createdByUserId: userIds.length && random() < 0.9 ? userIds[Math.floor(random() * userIds.length)]! : null,
    createdAt: iso(created),
    updatedAt: iso(lastChange),
  };
  row.document = ticketDocument(n, row, life, slug, random);
  return { row, life };
}

/** Incidents and appointments beside the tickets (the dashboard reads them too); added once. */
export function seedWorkforce(db: Db, volume: VolumeSellers, count: number, nowMs: number): void {
  const already = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.sellerResourceId, 'IN-0')).get();
  if (already) return;
  const random = prng(77);
  db.transaction((tx) => {
    for (let n = 0; n < count; n++) {
      const sellerIndex = n % volume.ids.length;
      const created = nowMs - Math.floor(random() * 120 * DAY);
      const closed = random() < 0.85;
      const common = { documentHash: `seed-${n}`, fetchedAt: iso(nowMs), updatedAt: iso(created) };
      tx.insert(incidents)
        .values({
          sellerId: volume.ids[sellerIndex]!,
          sellerResourceId: `IN-${n}`,
          status: closed ? 'closed' : random() < 0.5 ? 'inProgress' : 'created',
          productId: random() < 0.7 ? `${volume.slugs[sellerIndex]}-prod-${String(n % 300).padStart(4, '0')}` : null,
          document: {
            id: `IN-${n}`,
            description: `Planned ${WORDS[n % WORDS.length]} work`,
            severity: weighted(random, SEVERITY),
            priority: weighted(random, PRIORITY),
            incidentType: random() < 0.6 ? 'repair' : 'maintenance',
            impact: weighted(random, IMPACT),
            creationDate: iso(created),
            ...(closed ? { closedDate: iso(created + hours(random, 6) * HOUR) } : {}),
          },
          ...common,
        })
        .run();
      tx.insert(appointments)
        .values({
          sellerId: volume.ids[sellerIndex]!,
          sellerResourceId: `AP-${n}`,
          status: random() < 0.75 ? 'confirmed' : 'completed',
          startAt: iso(nowMs + Math.floor((random() - 0.6) * 20 * DAY)),
          document: { id: `AP-${n}` },
          ...common,
        })
        .run();
    }
  });
}
