import { Badge } from '@/components/ui/badge';
import {
  INCIDENT_STATUS,
  INCIDENT_TYPE,
  OBSERVED_IMPACT,
  TICKET_PRIORITY,
  TICKET_SEVERITY,
  TICKET_STATUS,
  labelOf,
  mef113Of,
  toneOf,
} from '@/lib/domain/mef-labels';

/** The incident's state; the MEF 113 name in the tooltip. */
export function IncidentStatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <Badge>Unknown</Badge>;
  return (
    <Badge tone={toneOf(INCIDENT_STATUS, status)} dot title={mef113Of(INCIDENT_STATUS, status) ?? status}>
      {labelOf(INCIDENT_STATUS, status)}
    </Badge>
  );
}

export function SeverityBadge({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="text-fg-subtle">—</span>;
  return <Badge tone={toneOf(TICKET_SEVERITY, value)}>{labelOf(TICKET_SEVERITY, value)}</Badge>;
}

export function PriorityBadge({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="text-fg-subtle">—</span>;
  return <Badge tone={toneOf(TICKET_PRIORITY, value)}>{labelOf(TICKET_PRIORITY, value)}</Badge>;
}

export function ImpactBadge({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="text-fg-subtle">—</span>;
  return <Badge tone={toneOf(OBSERVED_IMPACT, value)}>{labelOf(OBSERVED_IMPACT, value)}</Badge>;
}

export const incidentTypeLabel = (value: string | null | undefined) => labelOf(INCIDENT_TYPE, value) || '—';

/** One of our tickets' status, as the ticket screens label it; a ticket not yet acknowledged shows as queued. */
export function TicketStatusBadge({ status }: { status: string | null }) {
  if (!status) return <Badge tone="warning">Queued</Badge>;
  return (
    <Badge tone={toneOf(TICKET_STATUS, status)} dot>
      {labelOf(TICKET_STATUS, status)}
    </Badge>
  );
}
