/** Adds a demo SLA agreement for each registered Seller that has none (run by npm run demo once the portal is up). */
import { seedDemoAgreements } from '../lib/sync/sla-demo';

const speed = Number(process.env.SANDBOX_CLOCK ?? '60');
seedDemoAgreements(Number.isFinite(speed) && speed > 0 ? speed : 1)
  .then((added) => {
    console.log(added.length ? `Demo SLA agreements added for ${added.join(', ')}` : 'Every Seller already has an SLA agreement');
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
