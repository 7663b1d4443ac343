import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PrintButton } from '@/components/sla/print-button';
import { requirePageUser } from '@/lib/auth/page-guard';
import { isMonth, slaEvidencePack } from '@/lib/data/sla';
import { formatDuration } from '@/lib/domain/sla-clock';
import { SLA_TARGET_LABELS, SLA_VERDICT_LABELS } from '@/lib/domain/sla-targets';
import { getSellerBySlug } from '@/lib/sellers/registry';

export const metadata: Metadata = { title: 'SLA evidence pack' };

/** A credit-claim evidence pack laid out for paper: the browser's "Save as PDF" gives the file to send. */
export default async function EvidencePackPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('sla.view', { path: '/service-levels' });
  const params = await searchParams;
  const month = typeof params.month === 'string' ? params.month : '';
  const seller = typeof params.seller === 'string' ? await getSellerBySlug(params.seller) : undefined;
  if (!seller || !isMonth(month)) notFound();
  const pack = (await slaEvidencePack(seller.id, month))!;
  return (
    <article className="mx-auto max-w-4xl bg-white p-8 text-sm text-black print:p-0" data-testid="evidence-pack">
      <header className="mb-6 flex items-start justify-between gap-4 border-b border-black pb-3">
        <div>
          <h1 className="text-xl font-semibold">SLA evidence pack: {pack.seller.name}</h1>
          <p>
            Tickets created in {pack.month} (UTC) with a breached target: {pack.tickets.length}. Generated {pack.generatedAt}.
          </p>
        </div>
        <PrintButton />
      </header>
      {pack.tickets.length === 0 ? <p>No breached ticket this month.</p> : null}
      {pack.tickets.map((t) => (
        <section key={t.ticketId} className="mb-8 break-inside-avoid-page" data-testid="evidence-ticket" aria-label={t.externalId}>
          <h2 className="text-base font-semibold">
            {t.externalId} <span className="font-normal">(Seller ticket {t.sellerTicketId ?? '—'}, product {t.productId})</span>
          </h2>
          <p>
            Created {t.creationDate ?? '—'}; resolved {t.resolutionDate ?? '—'}; status {t.status ?? '—'}; severity {t.severity}, priority {t.priority}.
          </p>
          <h3 className="mt-2 font-semibold">Clock</h3>
          <table className="w-full border-collapse text-left">
            <thead>
              <tr className="border-b border-black">
                <th>Target</th>
                <th>Level</th>
                <th>Target</th>
                <th>Elapsed</th>
                <th>Paused</th>
                <th>Verdict</th>
                <th>Breached at</th>
              </tr>
            </thead>
            <tbody>
              {t.targets.map((g) => (
                <tr key={g.target} className="border-b border-gray-300" data-testid={`evidence-target-${g.target}`}>
                  <td>{SLA_TARGET_LABELS[g.target]}</td>
                  <td>{g.level}</td>
                  <td>{formatDuration(g.targetMs)}</td>
                  <td>{formatDuration(g.elapsedMs)}</td>
                  <td data-testid="evidence-paused">{formatDuration(g.pausedMs)}</td>
                  <td>{SLA_VERDICT_LABELS[g.verdict]}</td>
                  <td>{g.breachAt ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="mt-2 font-semibold">Agreement applied</h3>
          <pre className="text-xs whitespace-pre-wrap">{JSON.stringify(t.agreement, null, 2)}</pre>
          <h3 className="mt-2 font-semibold">Status history (as reported by the Seller)</h3>
          <ol className="list-decimal pl-5">
            {t.history.map((h, i) => (
              <li key={i}>
                {h.at} — {h.status}
                {h.reason ? ` (${h.reason})` : ''}
              </li>
            ))}
          </ol>
          <h3 className="mt-2 font-semibold">Seller documents as received</h3>
          <p>
            Ticket document, SHA-256 <span className="font-mono break-all">{t.documentSha256}</span>
          </p>
          {t.sellerAttachments.length ? (
            <ul className="list-disc pl-5">
              {t.sellerAttachments.map((a, i) => (
                <li key={i}>
                  {a.name} {a.mimeType ? `(${a.mimeType})` : ''} {a.sha256 ? <span className="font-mono break-all">SHA-256 {a.sha256}</span> : a.url}
                </li>
              ))}
            </ul>
          ) : null}
          <details className="mt-1 print:open">
            <summary>Ticket document (JSON)</summary>
            <pre className="text-[10px] whitespace-pre-wrap">{JSON.stringify(t.document, null, 2)}</pre>
          </details>
        </section>
      ))}
    </article>
  );
}
