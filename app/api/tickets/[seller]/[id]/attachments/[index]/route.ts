import { guardedRoute } from '@/lib/auth/route-guard';
import { getTicketDetail } from '@/lib/data/tickets';
import type { TicketAttachment } from '@/lib/domain/ticket-patch';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ seller: string; id: string; index: string }> };

/** One attachment of a cached ticket: embedded content as a download, a URL attachment as a redirect (http/https only). */
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
  if (attachment.url) {
    try {
      const url = new URL(attachment.url);
      if (url.protocol === 'http:' || url.protocol === 'https:') return Response.redirect(url.toString(), 302);
    } catch {
      // falls through to the 404 below
    }
  }
  return Response.json({ error: 'This attachment has neither content nor a usable URL' }, { status: 404 });
});
