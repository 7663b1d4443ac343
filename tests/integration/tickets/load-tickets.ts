import { getDb } from '@/db';
import { sellers, tickets, users, type NewTicket } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { OBSERVED_IMPACTS, TICKET_PRIORITIES, TICKET_SEVERITIES, TICKET_STATUSES, TICKET_TYPES } from '@/lib/domain/mef-labels';
import { formatExternalId } from '@/lib/domain/ticket-external-id';

/** A deterministic pseudo-random sequence, so every run loads the same tickets. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['fibre', 'flapping', 'latency', 'packet', 'loss', 'router', 'port', 'down', 'jitter', 'optic', 'power', 'BGP', 'session', 'reset', 'MTU'];

/**
 * Fills the cache with `count` tickets across three Sellers and five users (what a busy NOC accumulates), for the
 * queue's plan test and benchmark. Returns the ids it created the Sellers and users with.
 */
export async function loadTickets(count: number, seed = 42): Promise<{ sellerIds: number[]; userIds: number[] }> {
  const db = getDb();
  const sellerIds: number[] = [];
  for (const slug of ['acme', 'globex', 'initech']) {
    const row = await db
      .insert(sellers)
      .values({ slug, name: slug[0]!.toUpperCase() + slug.slice(1), troubleTicketBaseUrl: `http://127.0.0.1:9/${slug}/tt`, appointmentBaseUrl: `http://127.0.0.1:9/${slug}/ap`, workOrderBaseUrl: `http://127.0.0.1:9/${slug}/wo`, tokenUrl: `http://127.0.0.1:9/${slug}/token`, clientId: 'c', clientSecretEnc: 'x' })
      .returning({ id: sellers.id })
      .get();
    sellerIds.push(row.id);
  }
  const userIds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const row = await db.insert(users).values({ email: `load${i}@example.test`, name: `Load ${i}`, role: 'noc' }).returning({ id: users.id }).get();
    userIds.push(row.id);
  }
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  // A year of history up to now: old tickets are mostly over, recent ones still open, as on a real desk.
  const now = Date.now();
  const span = 365 * 86_400_000;
  const start = now - span;
  const OVER = ['closed', 'closed', 'closed', 'cancelled'] as const;
  const batch = 500;
  await transaction(async (tx) => {
    for (let offset = 0; offset < count; offset += batch) {
      const rows: NewTicket[] = [];
      for (let i = offset; i < Math.min(count, offset + batch); i++) {
        const created = start + Math.floor(random() * span);
        const ageDays = (now - created) / 86_400_000;
        const status = ageDays > 14 && random() < 0.97 ? pick(OVER) : pick(TICKET_STATUSES);
        const resolved = status === 'resolved' || status === 'closed' ? new Date(created + random() * 5 * 86_400_000).toISOString() : null;
        const sync = random();
        rows.push({
          sellerId: pick(sellerIds),
          sellerTicketId: `TT-${i + 1}`,
          externalId: formatExternalId(2025, i + 1),
          productId: `PRODUCT-${Math.floor(random() * 400)}`,
          description: `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} at site ${Math.floor(random() * 900)}`,
          severity: pick(TICKET_SEVERITIES),
          sellerSeverity: pick(TICKET_SEVERITIES),
          priority: pick(TICKET_PRIORITIES),
          sellerPriority: pick(TICKET_PRIORITIES),
          ticketType: pick(TICKET_TYPES),
          observedImpact: pick(OBSERVED_IMPACTS),
          status,
          creationDate: new Date(created).toISOString(),
          expectedResolutionDate: new Date(created + (4 + random() * 72) * 3_600_000).toISOString(),
          resolutionDate: resolved,
          lastStatusChangeAt: new Date(created).toISOString(),
          document: {},
          syncState: sync < 0.005 ? 'queued' : sync < 0.008 ? 'rejected' : 'synced',
          createdByUserId: pick(userIds),
          updatedAt: new Date(Math.min(now, created + random() * 10 * 86_400_000)).toISOString(),
        });
      }
      tx.insert(tickets).values(rows).run();
    }
  });
  return { sellerIds, userIds };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The queue queries operators run all day, as URL search strings (dates relative to `now`). */
export function commonQueueSearches(now = Date.now()): Record<string, string> {
  const d = 86_400_000;
  return {
    'default order (last update)': '',
    'state pending': 'state=pending',
    'waiting on us': 'waiting=us',
    'one Seller': 'seller=globex',
    'one Seller, open': 'seller=acme&open=1',
    'severity extensive': 'severity=extensive',
    'Seller severity + priority': 'sellerSeverity=significant&priority=high',
    'my critical (built-in)': 'priority=critical&open=1&mine=1',
    'our ticket id': 'externalId=NOC-2025-004242',
    product: 'product=PRODUCT-17',
    'type + observed impact': 'type=installation&impact=down',
    'created in the last 30 days': `createdFrom=${day(now - 30 * d)}&createdTo=${day(now)}`,
    'expected resolution this week': `expectedFrom=${day(now)}&expectedTo=${day(now + 7 * d)}`,
    'resolved in a past month': `resolvedFrom=${day(now - 120 * d)}&resolvedTo=${day(now - 90 * d)}`,
    overdue: 'overdue=1',
    'not yet sent': 'sync=queued',
    'free text': 'q=fibre%20flapping',
    'sorted by creation date': 'sort=created&dir=desc',
    'open, sorted by expected resolution': 'sort=expected&dir=asc&open=1',
    'page 20': 'page=20',
  };
}
