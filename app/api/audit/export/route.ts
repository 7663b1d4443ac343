import { guardedRoute } from '@/lib/auth/route-guard';
import { audit, auditExportRows } from '@/lib/data/audit';
import { auditCsv, parseAuditFilter } from '@/lib/domain/audit-trail';

/** The audit trail as CSV, filtered like the screen (oldest first); the export itself is audited. */
export const GET = guardedRoute('audit.view', async (request, user) => {
  const { filter, errors } = parseAuditFilter(new URL(request.url).searchParams);
  if (Object.keys(errors).length > 0) return Response.json({ error: 'Some filters are not valid.', errors }, { status: 400 });
  const { rows, truncated } = await auditExportRows({ ...filter, page: 1 });
  const { page: _page, ...applied } = filter;
  await audit(user, 'audit.export', 'audit', 'csv', { filter: applied, rows: rows.length, truncated });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(auditCsv(rows), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${day}.csv"`,
      'cache-control': 'no-store',
      ...(truncated ? { 'x-audit-truncated': 'true' } : {}),
    },
  });
});
