import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { outbox, products, slaAgreements, tickets } from '@/db/schema';
import { seedDemoAgreements, seedDemoTickets } from '@/lib/sync/sla-demo';
import { insertSeller } from '../../unit/notifications/support';
import { createUser, usePortalTestEnv } from '../../support/portal-env';

describe('the demo seeding', () => {
  beforeEach(() => usePortalTestEnv());

  it('gives each Seller an agreement and two queued tickets once, opened by the demo NOC operator', async () => {
    const operator = await createUser('noc', 'noc@example.com');
    const acme = await insertSeller('acme');
    const globex = await insertSeller('globex');
    await insertSeller('initech', 'http://127.0.0.1:9', { enabled: false });
    await getDb().insert(products).values({ sellerId: acme.id, productId: 'ACME-1', label: 'Paris 1' }).run();
    await getDb().insert(products).values({ sellerId: globex.id, productId: 'GLX-1', label: 'Lyon 1' }).run();

    expect(await seedDemoAgreements(60)).toEqual(['acme', 'globex', 'initech']);
    const opened = await seedDemoTickets();
    expect(opened).toHaveLength(4);
    const rows = await getDb().select().from(tickets).all();
    expect(rows.map((t) => [t.sellerId, t.syncState, t.createdByUserId, t.productId]).sort()).toEqual(
      [
        [acme.id, 'queued', operator.id, 'ACME-1'],
        [acme.id, 'queued', operator.id, 'ACME-1'],
        [globex.id, 'queued', operator.id, 'GLX-1'],
        [globex.id, 'queued', operator.id, 'GLX-1'],
      ].sort(),
    );
    const queued = await getDb().select().from(outbox).all();
    expect(queued.map((o) => [o.operation, o.state])).toEqual(Array(4).fill(['create', 'pending']));
    expect(new Set(rows.map((t) => t.externalId)).size).toBe(4);

    // Again: every Seller has its agreement and its tickets, so nothing is added.
    expect(await seedDemoAgreements(60)).toEqual([]);
    expect(await seedDemoTickets()).toEqual([]);
    expect(await getDb().select().from(tickets).all()).toHaveLength(4);
    expect(await getDb().select().from(slaAgreements).where(eq(slaAgreements.sellerId, acme.id)).all()).toHaveLength(1);
  });

  it('opens nothing without the demo NOC operator', async () => {
    const acme = await insertSeller('acme');
    await getDb().insert(products).values({ sellerId: acme.id, productId: 'ACME-1', label: 'Paris 1' }).run();
    expect(await seedDemoTickets()).toEqual([]);
    expect(await getDb().select().from(outbox).all()).toEqual([]);
  });
});
