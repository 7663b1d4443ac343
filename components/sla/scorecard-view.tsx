import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { Scorecard } from '@/lib/data/sla';
import { formatDuration } from '@/lib/domain/sla-clock';
import { SLA_TARGET_LABELS } from '@/lib/domain/sla-targets';

const dur = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

export function ScorecardView({ card }: { card: Scorecard }) {
  return (
    <div className="flex flex-col gap-3" data-testid={`scorecard-${card.sellerSlug}`}>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-fg-muted">Tickets measured</dt>
          <dd className="font-mono">{card.tickets}</dd>
        </div>
        <div>
          <dt className="text-xs text-fg-muted">Tickets with a breach</dt>
          <dd className="font-mono" data-testid="scorecard-breached-tickets">
            {card.breachedTickets}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-fg-muted">Clock paused (resolve)</dt>
          <dd className="font-mono">{formatDuration(card.pausedMs)}</dd>
        </div>
        <div>
          <dt className="text-xs text-fg-muted">Reopen rate</dt>
          <dd className="font-mono">{card.reopenRate === null ? '—' : `${card.reopenRate}%`}</dd>
        </div>
      </dl>
      {card.lines.length === 0 ? (
        <p className="text-sm text-fg-muted">No ticket created this month falls under an agreement.</p>
      ) : (
        <Table caption={`Attainment per target and level, ${card.sellerName}, ${card.month}`} dense>
          <TableHead>
            <tr>
              <TableHeaderCell>Target</TableHeaderCell>
              <TableHeaderCell>Level</TableHeaderCell>
              <TableHeaderCell align="right">Target</TableHeaderCell>
              <TableHeaderCell align="right">Tickets</TableHeaderCell>
              <TableHeaderCell align="right">Met</TableHeaderCell>
              <TableHeaderCell align="right">Breached</TableHeaderCell>
              <TableHeaderCell align="right">Open</TableHeaderCell>
              <TableHeaderCell align="right">Attainment</TableHeaderCell>
              <TableHeaderCell align="right">Mean</TableHeaderCell>
              <TableHeaderCell align="right">p90</TableHeaderCell>
              <TableHeaderCell align="right">Paused</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {card.lines.map((l) => (
              <TableRow key={`${l.target}-${l.level}-${l.targetMs}`} data-testid={`scorecard-line-${l.target}-${l.level}`}>
                <TableCell>{SLA_TARGET_LABELS[l.target]}</TableCell>
                <TableCell>{l.level}</TableCell>
                <TableCell align="right" numeric>
                  {formatDuration(l.targetMs)}
                </TableCell>
                <TableCell align="right" numeric>
                  {l.tickets}
                </TableCell>
                <TableCell align="right" numeric>
                  {l.met}
                </TableCell>
                <TableCell align="right" numeric>
                  <span data-testid="scorecard-breached">{l.breached}</span>
                </TableCell>
                <TableCell align="right" numeric>
                  {l.open}
                </TableCell>
                <TableCell align="right" numeric>
                  <span data-testid="scorecard-attainment">{l.attainment === null ? '—' : `${l.attainment}%`}</span>
                </TableCell>
                <TableCell align="right" numeric>
                  {dur(l.meanMs)}
                </TableCell>
                <TableCell align="right" numeric>
                  {dur(l.p90Ms)}
                </TableCell>
                <TableCell align="right" numeric>
                  {formatDuration(l.pausedMs)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
