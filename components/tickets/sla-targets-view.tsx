import type { TargetView } from '@/lib/data/sla';
import { formatDuration } from '@/lib/domain/sla-clock';
import { SLA_TARGET_LABELS, type ClockSegment } from '@/lib/domain/sla-targets';
import { formatDateTime } from './format';
import { SlaVerdictBadge } from './sla-verdict-badge';

const SEGMENT_CLASS: Record<ClockSegment['kind'], string> = {
  running: 'bg-info-fg',
  paused: 'bg-warning-fg',
  offHours: 'bg-surface-2',
  stopped: 'bg-success-fg',
};
const SEGMENT_LABEL: Record<ClockSegment['kind'], string> = {
  running: 'clock running',
  paused: 'paused',
  offHours: 'outside business hours',
  stopped: 'stopped',
};

/** The clock's life as a bar: running, paused (a pause state), outside the calendar's hours, stopped. */
function ClockBar({ segments }: { segments: ClockSegment[] }) {
  const shown = segments.filter((s) => s.to > s.from);
  if (shown.length === 0) return null;
  const start = shown[0]!.from;
  const span = Math.max(1, shown.at(-1)!.to - start);
  return (
    <div>
      <div className="flex h-2 overflow-hidden rounded bg-surface-2" role="img" aria-label="Clock timeline">
        {shown.map((s, i) => (
          <div
            key={i}
            className={SEGMENT_CLASS[s.kind]}
            style={{ width: `${((s.to - s.from) / span) * 100}%` }}
            title={`${SEGMENT_LABEL[s.kind]} (${s.status}): ${new Date(s.from).toISOString()} – ${new Date(s.to).toISOString()}`}
            data-segment={s.kind}
          />
        ))}
      </div>
      <ol className="mt-1 flex flex-col gap-0.5 text-[11px] text-fg-muted" aria-label="Clock segments">
        {shown
          .filter((s) => s.kind !== 'running')
          .slice(0, 12)
          .map((s, i) => (
            <li key={i}>
              {SEGMENT_LABEL[s.kind]} ({s.status}) {formatDateTime(new Date(s.from).toISOString())} – {formatDateTime(new Date(s.to).toISOString())}, {formatDuration(s.to - s.from)}
            </li>
          ))}
      </ol>
    </div>
  );
}

export function SlaTargetsView({ targets }: { targets: TargetView[] }) {
  if (targets.length === 0) return <p className="text-sm text-fg-muted">No agreement with this Seller covers this ticket.</p>;
  return (
    <div className="flex flex-col gap-4" data-testid="sla-targets">
      <p className="text-xs text-fg-muted">
        Agreement <span className="font-medium text-fg">{targets[0]!.agreementName}</span>, {targets[0]!.level}
      </p>
      {targets.map((t) => (
        <section key={t.target} className="flex flex-col gap-1.5" data-testid={`sla-target-${t.target}`} aria-label={SLA_TARGET_LABELS[t.target]}>
          <div className="flex items-center justify-between gap-2">
            <h3 className="text-sm font-medium">{SLA_TARGET_LABELS[t.target]}</h3>
            <SlaVerdictBadge verdict={t.verdict} />
          </div>
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
            <dt className="text-fg-muted">Elapsed / target</dt>
            <dd className="font-mono">
              {formatDuration(t.elapsedMs)} / {formatDuration(t.targetMs)}
            </dd>
            <dt className="text-fg-muted">{t.remainingMs >= 0 ? 'Remaining' : 'Over by'}</dt>
            <dd className="font-mono">{formatDuration(Math.abs(t.remainingMs))}</dd>
            <dt className="text-fg-muted">Paused</dt>
            <dd className="font-mono" data-testid="sla-paused">
              {formatDuration(t.pausedMs)}
            </dd>
            <dt className="text-fg-muted">Clock</dt>
            <dd>{t.state === 'running' ? 'running' : t.state === 'paused' ? 'paused' : `stopped ${formatDateTime(t.stoppedAt)}`}</dd>
            {t.state !== 'stopped' && t.breachAt ? (
              <>
                <dt className="text-fg-muted">Breach at</dt>
                <dd className="font-mono">{formatDateTime(t.breachAt)}</dd>
              </>
            ) : null}
          </dl>
          <ClockBar segments={t.segments} />
        </section>
      ))}
    </div>
  );
}
