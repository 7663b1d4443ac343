import { guardedRoute } from '@/lib/auth/route-guard';
import { exportTicketQueue } from '@/lib/data/tickets';
import { csvHeader, csvRow } from '@/lib/domain/ticket-csv';
import { parseQueueQuery } from '@/lib/domain/ticket-queue';

export const dynamic = 'force-dynamic';

/** CSV of the queue view in the query string (all pages). */
export const GET = guardedRoute('tickets.view', async (request, user) => {
  const query = parseQueueQuery(new URL(request.url).searchParams);
  const encoder = new TextEncoder();
  const batches = exportTicketQueue(query, user.id);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvHeader()));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((r) => csvRow(r as unknown as Record<string, unknown>)).join('')));
    },
  });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="tickets-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});
