import { guardedRoute } from '@/lib/auth/route-guard';
import { listSlaAgreements, listSlaCalendars } from '@/lib/data/sla';

export const dynamic = 'force-dynamic';

/** Every agreement and calendar as JSON, Sellers and calendars named rather than numbered. */
export const GET = guardedRoute('sla.manage', async () => {
  const [agreements, calendars] = await Promise.all([listSlaAgreements(), listSlaCalendars()]);
  const body = {
    calendars: calendars.map(({ name, timeZone, hours, holidays }) => ({ name, timeZone, hours, holidays })),
    agreements: agreements.map((a) => ({
      name: a.name,
      seller: a.sellerSlug,
      productId: a.productId,
      siteId: a.siteId,
      basis: a.basis,
      targets: a.targets,
      pauseStates: a.pauseStates,
      atRiskPercent: a.atRiskPercent,
      calendar: a.calendarName,
      validFrom: a.validFrom,
      validTo: a.validTo,
    })),
  };
  return new Response(JSON.stringify(body, null, 2), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="sla-agreements.json"',
      'cache-control': 'no-store',
    },
  });
});
