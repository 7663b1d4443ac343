import { eq } from 'drizzle-orm';
import { sellers, slaAgreements, slaCalendars } from '@/db/schema';
import { transaction } from '@/db/transaction';
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
  return transaction((tx) => {
    const added: string[] = [];
    let weekdays = tx.select().from(slaCalendars).where(eq(slaCalendars.name, 'Paris business hours')).get();
    for (const seller of tx.select().from(sellers).all()) {
      if (tx.select({ id: slaAgreements.id }).from(slaAgreements).where(eq(slaAgreements.sellerId, seller.id)).get()) continue;
      // The slow Seller's contract counts business hours only, to show a calendar at work.
      if (seller.slug === 'initech' && !weekdays) {
        weekdays = tx
          .insert(slaCalendars)
          .values({ name: 'Paris business hours', timeZone: 'Europe/Paris', hours: [1, 2, 3, 4, 5].map((day) => ({ day, from: 8 * 60, to: 18 * 60 })), holidays: [] })
          .returning()
          .get();
      }
      tx.insert(slaAgreements)
        .values({
          name: `${seller.name} standard (demo)`,
          sellerId: seller.id,
          basis: 'severity',
          targets,
          pauseStates: ['pending'],
          atRiskPercent: 75,
          calendarId: seller.slug === 'initech' ? weekdays!.id : null,
          validFrom: '2020-01-01T00:00:00.000Z',
        })
        .run();
      recomputeSellerSlaTx(tx, seller.id, null);
      added.push(seller.slug);
    }
    return added;
  });
}
