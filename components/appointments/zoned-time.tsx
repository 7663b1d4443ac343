'use client';

import { useEffect, useState } from 'react';
import { formatInstantIn, formatWindowIn, utcOffsetLabel } from '@/lib/domain/time-windows';

/** The browser's zone, known only after hydration (the server renders the site's zone alone). */
export function useUserTimeZone(): string | null {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'), []);
  return zone;
}

/** A period in the site's zone, and in the user's when it differs. */
export function ZonedPeriod({ start, end, siteTimeZone, compact = false }: { start: string; end: string; siteTimeZone: string; compact?: boolean }) {
  const user = useUserTimeZone();
  const window = { start, end };
  const sameZone = user !== null && utcOffsetLabel(user, start) === utcOffsetLabel(siteTimeZone, start);
  return (
    <span className="inline-flex flex-col">
      <span>
        {formatWindowIn(window, siteTimeZone)}{' '}
        <span className="text-fg-muted">site time ({siteTimeZone})</span>
      </span>
      {user && !sameZone ? (
        <span className={compact ? 'text-xs text-fg-muted' : 'text-sm text-fg-muted'}>
          {formatWindowIn(window, user)} your time ({user})
        </span>
      ) : null}
    </span>
  );
}

export function ZonedInstant({ at, siteTimeZone }: { at: string; siteTimeZone: string }) {
  const user = useUserTimeZone();
  const sameZone = user !== null && utcOffsetLabel(user, at) === utcOffsetLabel(siteTimeZone, at);
  return (
    <span>
      {formatInstantIn(at, siteTimeZone)} <span className="text-fg-muted">site time</span>
      {user && !sameZone ? <span className="text-fg-muted"> · {formatInstantIn(at, user)} your time</span> : null}
    </span>
  );
}

/** "Site: America/New_York (UTC−05:00) · You: Europe/Paris (UTC+01:00)" */
export function ZoneLegend({ siteTimeZone, at }: { siteTimeZone: string; at?: string }) {
  const user = useUserTimeZone();
  const when = at ?? new Date().toISOString();
  return (
    <p className="text-xs text-fg-muted" data-testid="zone-legend">
      Site time zone: <strong className="font-medium text-fg">{siteTimeZone}</strong> ({utcOffsetLabel(siteTimeZone, when)})
      {user ? (
        <>
          {' · '}Your time zone: <strong className="font-medium text-fg">{user}</strong> ({utcOffsetLabel(user, when)}). The calendar shows your time.
        </>
      ) : null}
    </p>
  );
}
