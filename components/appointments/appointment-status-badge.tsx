import { Badge } from '@/components/ui/badge';
import { APPOINTMENT_STATUS } from '@/lib/domain/mef-labels';

export function AppointmentStatusBadge({ status }: { status: string }) {
  const label = (APPOINTMENT_STATUS as Record<string, { label: string; tone: 'info' | 'warning' | 'success' | 'danger' | 'neutral' }>)[status];
  return (
    <Badge tone={label?.tone ?? 'neutral'} dot>
      <span data-testid="appointment-status">{label?.label ?? status}</span>
    </Badge>
  );
}
