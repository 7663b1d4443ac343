import { formatDuration, type SlaClock } from '@/lib/domain/sla-clock';

export function SlaClockView({ clock }: { clock: SlaClock }) {
  const total = clock.waitingOnSellerMs + clock.waitingOnUsMs || 1;
  const sellerPct = Math.round((clock.waitingOnSellerMs / total) * 100);
  return (
    <div className="flex flex-col gap-2" data-testid="sla-clock">
      <div className="flex h-2 overflow-hidden rounded bg-surface-2" aria-hidden="true">
        <div className="bg-info-fg" style={{ width: `${sellerPct}%` }} />
        <div className="bg-warning-fg" style={{ width: `${100 - sellerPct}%` }} />
      </div>
      <dl className="grid grid-cols-3 gap-2 text-xs">
        <div>
          <dt className="text-fg-muted">Waiting on the Seller</dt>
          <dd className="font-mono">{formatDuration(clock.waitingOnSellerMs)}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">Waiting on us</dt>
          <dd className="font-mono">{formatDuration(clock.waitingOnUsMs)}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">{clock.running ? 'Open for' : 'Took'}</dt>
          <dd className="font-mono">{formatDuration(clock.totalMs)}</dd>
        </div>
      </dl>
    </div>
  );
}
