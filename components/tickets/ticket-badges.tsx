import { Badge } from '@/components/ui/badge';
import {
  TICKET_PRIORITY,
  TICKET_SEVERITY,
  TICKET_STATUS,
  labelOf,
  mef113Of,
  toneOf,
  type MefToneLabel,
} from '@/lib/domain/mef-labels';
import { waitingOn } from '@/lib/domain/sla-clock';

export function StateBadge({ status }: { status: string | null }) {
  if (!status) return <Badge tone="neutral">Not yet at the Seller</Badge>;
  return (
    <Badge tone={toneOf(TICKET_STATUS, status)} dot title={mef113Of(TICKET_STATUS, status) ?? status}>
      {labelOf(TICKET_STATUS, status)}
    </Badge>
  );
}

/** Ours, then the Seller's when it differs. */
export function PairBadge({ kind, ours, sellers }: { kind: 'severity' | 'priority'; ours: string; sellers: string | null }) {
  const table: Record<string, MefToneLabel> = kind === 'severity' ? TICKET_SEVERITY : TICKET_PRIORITY;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={toneOf(table, ours)} title={`Ours: ${mef113Of(table, ours) ?? ours}`}>
        {labelOf(table, ours)}
      </Badge>
      {sellers && sellers !== ours ? (
        <span className="text-xs text-fg-muted" title={`Seller ${kind}: ${mef113Of(table, sellers) ?? sellers}`}>
          / Seller: {labelOf(table, sellers)}
        </span>
      ) : null}
    </span>
  );
}

export function SyncMarker({ syncState, syncError }: { syncState: string; syncError?: string | null }) {
  if (syncState === 'queued' || syncState === 'sending') {
    return (
      <Badge tone="warning" title={syncError ?? 'The Seller has not answered yet; it is retried automatically.'}>
        queued — will be sent
      </Badge>
    );
  }
  if (syncState === 'rejected') {
    return (
      <Badge tone="danger" title={syncError ?? 'The Seller refused the last request.'}>
        rejected by Seller
      </Badge>
    );
  }
  return null;
}

export function WaitingOn({ status }: { status: string | null }) {
  const who = waitingOn(status);
  if (!who) return <span className="text-fg-subtle">—</span>;
  return who === 'us' ? <Badge tone="warning">Us</Badge> : <span className="text-fg-muted">Seller</span>;
}

/** Ours and the Seller's value, always both (detail page). */
export function SideBySide({ kind, ours, sellers }: { kind: 'severity' | 'priority'; ours: string; sellers: string | null }) {
  const table: Record<string, MefToneLabel> = kind === 'severity' ? TICKET_SEVERITY : TICKET_PRIORITY;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5 text-xs">
      <span className="text-fg-muted">Ours</span>
      <Badge tone={toneOf(table, ours)}>{labelOf(table, ours)}</Badge>
      <span className="text-fg-muted">Seller&apos;s</span>
      {sellers ? <Badge tone={toneOf(table, sellers)}>{labelOf(table, sellers)}</Badge> : <span className="text-fg-subtle">not yet set</span>}
    </span>
  );
}
