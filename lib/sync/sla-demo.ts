import { asc, eq } from 'drizzle-orm';
import type { TroubleTicketCreate } from '@/lib/sonata/schemas';
import { products, sellers, slaAgreements, slaCalendars, tickets, users } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { nextExternalIdTx } from './external-ids';
import { enqueueTx } from './outbox';
import { recomputeSellerSlaTx } from './sla-clocks';

/** Contract terms of the demo agreements, in Seller minutes, before scaling to the sandbox clock. */
const DEMO_TERMS: Record<string, { acknowledge: number; resolve: number; firstNote?: number }> = {
  extensive: { acknowledge: 15, resolve: 60, firstNote: 30 },
  significant: { acknowledge: 15, resolve: 120 },
  moderate: { acknowledge: 30, resolve: 240 },
  minor: { acknowledge: 60, resolve: 480 },
};

/**
 * Gives every registered Seller without an agreement a demo one, so verdicts show at once. The sandbox plays
 * `clockSpeed` Seller minutes per real minute, so the targets are divided by it (never below one minute).
 */
export async function seedDemoAgreements(clockSpeed: number): Promise<string[]> {
  const scale = (m: number) => Math.max(1, Math.round(m / Math.max(1, clockSpeed)));
  const targets = Object.fromEntries(
    Object.entries(DEMO_TERMS).map(([level, t]) => [
      level,
      { acknowledge: scale(t.acknowledge), resolve: scale(t.resolve), ...(t.firstNote ? { firstNote: scale(t.firstNote) } : {}) },
    ]),
  );
  return transaction(async (tx) => {
    const added: string[] = [];
    let weekdays = (await tx.select().from(slaCalendars).where(eq(slaCalendars.name, 'Paris business hours')).limit(1))[0];
    for (const seller of (await tx.select().from(sellers))) {
      if ((await tx.select({ id: slaAgreements.id }).from(slaAgreements).where(eq(slaAgreements.sellerId, seller.id)).limit(1))[0]) continue;
      // The slow Seller's contract counts business hours only, to show a calendar at work.
      if (seller.slug === 'initech' && !weekdays) {
        weekdays = (await tx
          .insert(slaCalendars)
          .values({ name: 'Paris business hours', timeZone: 'Europe/Paris', hours: [1, 2, 3, 4, 5].map((day) => ({ day, from: 8 * 60, to: 18 * 60 })), holidays: [] })
          .returning())[0]!;
      }
      await tx.insert(slaAgreements)
        .values({
          name: `${seller.name} standard (demo)`,
          sellerId: seller.id,
          basis: 'severity',
          targets,
          pauseStates: ['pending'],
          atRiskPercent: 75,
          calendarId: seller.slug === 'initech' ? weekdays!.id : null,
          validFrom: '2020-01-01T00:00:00.000Z',
        });
      await recomputeSellerSlaTx(tx, seller.id, null);
      added.push(seller.slug);
    }
    return added;
  });
}

const DEMO_TICKETS: Array<Pick<TroubleTicketCreate, 'severity' | 'priority' | 'observedImpact' | 'description'>> = [
  { severity: 'extensive', priority: 'high', observedImpact: 'down', description: 'Demo: circuit down since the last maintenance window' },
  { severity: 'moderate', priority: 'medium', observedImpact: 'degraded', description: 'Demo: intermittent packet loss during business hours' },
];

/**
 * Opens two tickets at every enabled Seller whose cache holds none, as the demo NOC operator, through the outbox the
 * server delivers from: the Sellers work them, and their SLA clocks and verdicts show within minutes of the start.
 */
export async function seedDemoTickets(): Promise<string[]> {
  return transaction(async (tx) => {
    const operator = (await tx.select().from(users).where(eq(users.email, 'noc@example.com')).limit(1))[0];
    if (!operator) return [];
    const opened: string[] = [];
    for (const seller of (await tx.select().from(sellers).where(eq(sellers.enabled, true)))) {
      if ((await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.sellerId, seller.id)).limit(1))[0]) continue;
      const product = (await tx.select().from(products).where(eq(products.sellerId, seller.id)).orderBy(asc(products.id)).limit(1))[0];
      if (!product) continue;
      for (const demo of DEMO_TICKETS) {
        const now = new Date();
        const externalId = await nextExternalIdTx(tx, now);
        const body: TroubleTicketCreate = {
          externalId,
          ...demo,
          ticketType: 'assistance',
          relatedEntity: [{ '@referredType': 'Product', id: product.productId, role: 'impactedProduct' }],
          relatedContactInformation: [{ name: operator.name, number: '+33 1 70 00 00 01', emailAddress: operator.email, role: 'reporterContact' }],
        };
        const row = (await tx
          .insert(tickets)
          .values({
            sellerId: seller.id,
            sellerTicketId: null,
            externalId,
            status: null,
            syncState: 'queued',
            createdByUserId: operator.id,
            productId: product.productId,
            description: body.description,
            severity: body.severity,
            priority: body.priority,
            ticketType: body.ticketType,
            observedImpact: body.observedImpact,
            issueStartDate: null,
            document: body as unknown as Record<string, unknown>,
            documentHash: '',
            updatedAt: now.toISOString(),
          })
          .returning({ id: tickets.id }))[0]!;
        await enqueueTx(tx, { sellerId: seller.id, ticketId: row.id, operation: 'create', payload: { create: body }, userId: operator.id });
        opened.push(`${seller.slug} ${externalId}`);
      }
    }
    return opened;
  });
}
