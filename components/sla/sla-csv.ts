import type { EvidencePack, Scorecard } from '@/lib/data/sla';
import { csvCell } from '@/lib/domain/csv-cell';
import { SLA_TARGET_LABELS } from '@/lib/domain/sla-targets';

const minutes = (ms: number | null) => (ms === null ? null : Math.round((ms / 60_000) * 10) / 10);

function csv(rows: Array<Array<string | number | null>>): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function scorecardCsv(card: Scorecard): string {
  return csv([
    ['seller', 'month', 'target', 'level', 'target_min', 'tickets', 'met', 'breached', 'open', 'cancelled', 'attainment_pct', 'mean_min', 'p90_min', 'paused_min'],
    ...card.lines.map((l) => [
      card.sellerSlug,
      card.month,
      SLA_TARGET_LABELS[l.target],
      l.level,
      minutes(l.targetMs),
      l.tickets,
      l.met,
      l.breached,
      l.open,
      l.cancelled,
      l.attainment,
      minutes(l.meanMs),
      minutes(l.p90Ms),
      minutes(l.pausedMs),
    ]),
  ]);
}

/** One line per breached ticket and target, with the status history and the document's hash. */
export function evidenceCsv(pack: EvidencePack): string {
  return csv([
    [
      'seller',
      'month',
      'our_ticket',
      'seller_ticket',
      'product',
      'level',
      'target',
      'target_min',
      'elapsed_min',
      'paused_min',
      'verdict',
      'breached_at',
      'stopped_at',
      'agreement',
      'status_history',
      'document_sha256',
      'seller_attachments',
    ],
    ...pack.tickets.flatMap((t) =>
      t.targets.map((g) => [
        pack.seller.slug,
        pack.month,
        t.externalId,
        t.sellerTicketId,
        t.productId,
        g.level,
        SLA_TARGET_LABELS[g.target],
        minutes(g.targetMs),
        minutes(g.elapsedMs),
        minutes(g.pausedMs),
        g.verdict,
        g.breachAt,
        g.stoppedAt,
        String(t.agreement.name ?? ''),
        t.history.map((h) => `${h.at} ${h.status}`).join(' | '),
        t.documentSha256,
        t.sellerAttachments.map((a) => `${a.name}${a.sha256 ? ` sha256:${a.sha256}` : a.url ? ` ${a.url}` : ''}`).join(' | '),
      ]),
    ),
  ]);
}
