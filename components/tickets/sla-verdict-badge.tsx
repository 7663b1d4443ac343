import { Badge, type BadgeTone } from '@/components/ui/badge';
import { SLA_VERDICT_LABELS, type SlaVerdict } from '@/lib/domain/sla-targets';

const TONE: Record<SlaVerdict, BadgeTone> = { met: 'success', onTrack: 'info', atRisk: 'warning', breached: 'danger', cancelled: 'neutral' };

export function SlaVerdictBadge({ verdict }: { verdict: SlaVerdict | null }) {
  if (!verdict) return <span className="text-fg-subtle">—</span>;
  return (
    <Badge tone={TONE[verdict]} dot>
      <span data-testid="sla-verdict">{SLA_VERDICT_LABELS[verdict]}</span>
    </Badge>
  );
}
