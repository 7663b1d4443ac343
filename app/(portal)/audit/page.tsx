import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { auditPage, auditUsers } from '@/lib/data/audit';
import { auditFilterQuery, parseAuditFilter } from '@/lib/domain/audit-trail';

export const metadata: Metadata = { title: 'Audit trail' };

function toParams(search: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) if (typeof value === 'string') params.set(key, value);
  return params;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('audit.view', { path: '/audit' });
  const { filter, errors, raw } = parseAuditFilter(toParams(await searchParams));
  const [{ rows, total, page, pages }, users] = await Promise.all([auditPage(filter), auditUsers()]);
  const query = auditFilterQuery(filter);
  const hasErrors = Object.keys(errors).length > 0;

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Who did what, when, to which ticket, appointment, Seller or user: sign-ins and slow-downs, settings and credential changes, and every operation sent to a Seller with its outcome. Entries cannot be changed or removed."
        actions={
          <a href={`/api/audit/export${query}`} className={buttonClasses({ variant: 'secondary' })} download>
            Export CSV
          </a>
        }
      />
      <AuditFilters users={users} values={raw} errors={errors} />
      {hasErrors ? (
        <p role="alert" className="mb-3 text-sm text-danger-fg">
          Some filters were not applied: see the messages under the fields.
        </p>
      ) : null}
      <div className="mb-2 flex items-center justify-between text-sm text-fg-muted">
        <p data-testid="audit-count">
          {total} {total === 1 ? 'entry' : 'entries'}
          {pages > 1 ? ` · page ${page} of ${pages}` : ''}
        </p>
        {pages > 1 ? (
          <nav aria-label="Pages" className="flex gap-2">
            {page > 1 ? (
              <Link href={`/audit${auditFilterQuery(filter, page - 1)}`} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
                Newer
              </Link>
            ) : null}
            {page < pages ? (
              <Link href={`/audit${auditFilterQuery(filter, page + 1)}`} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
                Older
              </Link>
            ) : null}
          </nav>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="Nothing recorded" description={query ? 'No entry matches these filters.' : 'Actions appear here as people use the portal.'} />
      ) : (
        <Card flush>
          <AuditTable rows={rows} />
        </Card>
      )}
    </>
  );
}
