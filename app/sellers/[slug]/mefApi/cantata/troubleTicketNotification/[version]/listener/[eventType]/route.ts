import { receiveNotification } from '@/lib/listener/receive';

/** The Seller's troubleTicketNotification listeners on the Cantata reference point (callback prefix /sellers/<slug>); Seller token required. */
export const dynamic = 'force-dynamic';

type Params = { slug: string; version: string; eventType: string };

export async function POST(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  const { slug, version, eventType } = await context.params;
  return receiveNotification(request, { sellerSlug: slug, referencePoint: 'cantata', api: 'troubleTicket', version, eventType });
}
