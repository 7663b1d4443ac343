/**
 * Adds a demo SLA agreement for each registered Seller that has none, and opens two demo tickets at each Seller whose
 * cache holds none (run by npm run demo once the portal is up; the portal's outbox sends them).
 */
import { seedDemoAgreements, seedDemoTickets } from '../lib/sync/sla-demo';

const speed = Number(process.env.SANDBOX_CLOCK ?? '60');
seedDemoAgreements(Number.isFinite(speed) && speed > 0 ? speed : 1)
  .then(async (added) => {
    console.log(added.length ? `Demo SLA agreements added for ${added.join(', ')}` : 'Every Seller already has an SLA agreement');
    const opened = await seedDemoTickets();
    if (opened.length) console.log(`Demo tickets opened: ${opened.join(', ')}`);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
