'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useLiveFeed } from '@/components/live/live-feed';
import { PRESENCE_ANNOUNCE_MS, WRITING_SIGNAL_MS, type PresencePeer, type PresenceState } from '@/lib/domain/ticket-presence';

function announce(tabId: string, ticketId: number, state: PresenceState, keepalive = false): void {
  void fetch('/api/presence', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tabId, ticketId, state }),
    credentials: 'same-origin',
    keepalive,
  }).catch(() => undefined);
}

/**
 * Who else has this ticket open, and who of them is writing an update, as the live stream reports it. The page says
 * it is here when it opens, every PRESENCE_ANNOUNCE_MS after, when its live stream comes back, and that it left
 * when it closes or navigates away.
 */
export function TicketPresence({ ticketId }: { ticketId: number }) {
  const live = useLiveFeed();
  const tabId = live?.tabId;
  const onPresence = live?.onPresence;
  const status = live?.status;
  const [others, setOthers] = useState<PresencePeer[]>([]);

  useEffect(() => {
    if (!onPresence) return;
    return onPresence((message) => {
      if (message.ticketId === ticketId) setOthers(message.others);
    });
  }, [onPresence, ticketId]);

  useEffect(() => {
    if (!tabId) return;
    announce(tabId, ticketId, 'viewing');
    const timer = setInterval(() => announce(tabId, ticketId, 'viewing'), PRESENCE_ANNOUNCE_MS);
    const leave = () => announce(tabId, ticketId, 'left', true);
    window.addEventListener('pagehide', leave);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [tabId, ticketId]);

  // A stream that reconnected is a new one for the server: say again that this tab is here.
  useEffect(() => {
    if (tabId && status === 'live') announce(tabId, ticketId, 'viewing');
  }, [tabId, ticketId, status]);

  return (
    <div role="status" aria-live="polite" data-testid="ticket-presence" className="flex min-h-6 flex-wrap items-center gap-2 text-sm text-fg-muted">
      {others.length === 0 ? (
        <span>No one else has this ticket open.</span>
      ) : (
        <>
          <span>Also on this ticket:</span>
          <ul className="flex flex-wrap gap-2">
            {others.map((peer) => (
              <li
                key={peer.userId}
                data-presence-user={peer.name}
                data-writing={peer.writing ? 'true' : 'false'}
                className="flex items-center gap-1.5 rounded-md border border-border px-2 py-0.5 text-fg"
              >
                <span aria-hidden="true" className={`h-2 w-2 rounded-full ${peer.writing ? 'animate-pulse bg-warning-fg' : 'bg-success-fg'}`} />
                <span className="font-medium">{peer.name}</span>
                {peer.writing ? <span className="text-fg-muted">is writing an update…</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * For the update form: `typing()` on each change tells the others that this operator is writing (at most every
 * WRITING_SIGNAL_MS; it lapses on the server WRITING_MS after the last one), `stopped()` once the form is sent or
 * emptied.
 */
export function useWritingSignal(ticketId: number): { typing: () => void; stopped: () => void } {
  const tabId = useLiveFeed()?.tabId;
  const last = useRef(0);
  const typing = useCallback(() => {
    if (!tabId) return;
    const now = Date.now();
    if (now - last.current < WRITING_SIGNAL_MS) return;
    last.current = now;
    announce(tabId, ticketId, 'writing');
  }, [tabId, ticketId]);
  const stopped = useCallback(() => {
    if (!tabId || last.current === 0) return;
    last.current = 0;
    announce(tabId, ticketId, 'idle');
  }, [tabId, ticketId]);
  return { typing, stopped };
}
