import { guardedRoute } from '@/lib/auth/route-guard';
import { getTicketDetail } from '@/lib/data/tickets';
import type { TicketAttachment } from '@/lib/domain/ticket-patch';
import { leaveHref } from '@/lib/security/external-link';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ seller: string; id: string; index: string }> };

/** One attachment of a cached ticket: embedded content as a download, a URL attachment through the /leave interstitial (http/https only). */
export const GET = guardedRoute<Context>('tickets.view', async (_request, _user, context) => {
  const { seller, id, index } = await context.params;
  const detail = await getTicketDetail(seller, id);
  if (!detail) return Response.json({ error: 'No such ticket' }, { status: 404 });
  const list = ((detail.ticket.document as { attachment?: TicketAttachment[] }).attachment ?? []) as TicketAttachment[];
  const attachment = list[Number(index)];
  if (!attachment || !/^\d+$/.test(index)) return Response.json({ error: 'No such attachment' }, { status: 404 });
  if (attachment.content) {
    const bytes = Buffer.from(attachment.content, 'base64');
    const safeName = attachment.name.replace(/[^\w.\- ]+/g, '_').slice(0, 200) || 'attachment';
    return new Response(bytes, {
      headers: {
        // Always a download: content from a Seller is never rendered by the portal's origin.
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      },
    });
  }
  // Never a redirect to the Seller's URL (an open redirect under our origin): to the interstitial, which shows it.
  const leave = leaveHref(attachment.url);
  if (leave) return new Response(null, { status: 303, headers: { Location: leave, 'Cache-Control': 'private, no-store' } });
  return Response.json({ error: 'This attachment has neither content nor a usable URL' }, { status: 404 });
});
