import { guardedRoute } from '@/lib/auth/route-guard';
import { listAppointments } from '@/lib/data/appointments';

/** The calendar's data: appointments overlapping [from, to), optionally of one Seller, status or site. */
export const GET = guardedRoute('appointments.view', async (request) => {
  const params = new URL(request.url).searchParams;
  const get = (name: string) => params.get(name)?.trim() || undefined;
  const valid = (iso: string | undefined) => (iso && !Number.isNaN(Date.parse(iso)) ? iso : undefined);
  const items = await listAppointments({
    from: valid(get('from')),
    to: valid(get('to')),
    seller: get('seller'),
    status: get('status'),
    site: get('site'),
  });
  return Response.json({ items }, { headers: { 'Cache-Control': 'no-store' } });
});
