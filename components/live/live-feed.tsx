'use client';

import { QueryClientContext, type QueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { invalidationsFor, toastFor } from '@/components/notifications/live-invalidation';
import { useToast } from '@/components/ui/toast';
import { LIVE_TOPICS, type LivePayload, type LiveTopic } from '@/lib/domain/live-changes';
import type { PresenceMessage } from '@/lib/domain/ticket-presence';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

interface LiveFeedContext {
  status: LiveStatus;
  /** The newest change-feed position this browser has heard of. */
  lastSeen: () => number;
  /** Re-renders the page from the cache (one refresh per burst). */
  refreshSoon: () => void;
  /** This tab's id on the live stream: a ticket page announces presence under it. */
  tabId: string;
  /** Listens to presence frames for this tab (who else is on its ticket); returns the unsubscribe. */
  onPresence: (listener: (message: PresenceMessage) => void) => () => void;
}

const Context = createContext<LiveFeedContext | null>(null);

const REFRESH_AFTER_MS = 150;
const RETRY_MS = [1000, 2000, 5000, 10_000];
/** Longer than the server's heartbeat interval (10 s) with margin: a stream this silent is dead. */
const SILENCE_MS = 25_000;

/**
 * Follows the change feed over /api/live from the position the layout was rendered at, so nothing between the server
 * render and the connection is lost. Each change makes the matching react-query caches stale and re-renders the page
 * from the cache; a change that asks something of the operator shows a toast. The browser resumes after the last id
 * it received when the connection drops; a closed, silent or lossy stream is reopened from that position (and at
 * once when the browser comes back online). While the stream is down the top bar says the screen may be out of date.
 */
export function LiveFeedProvider({ since, children }: { since: number; children: ReactNode }) {
  const queryClient = useContext(QueryClientContext);
  const router = useRouter();
  const toast = useToast();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const lastSeen = useRef(since);
  const latest = useRef({ queryClient, router, toast });
  latest.current = { queryClient, router, toast };
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const connected = useRef(false);
  const refreshOwed = useRef(false);
  const [tabId] = useState(newTabId);
  const presenceListeners = useRef(new Set<(message: PresenceMessage) => void>());
  const onPresence = useCallback((listener: (message: PresenceMessage) => void) => {
    presenceListeners.current.add(listener);
    return () => void presenceListeners.current.delete(listener);
  }, []);

  // A refresh that cannot reach the server makes Next fall back to a full navigation, which offline means the
  // browser's error page: while the stream is down the refresh is owed, and made as soon as it is back.
  const refreshSoon = useCallback(() => {
    const reachable = () => {
      if (connected.current && navigator.onLine) return true;
      refreshOwed.current = true;
      return false;
    };
    if (!reachable()) return;
    refreshTimer.current ??= setTimeout(() => {
      refreshTimer.current = undefined;
      if (reachable()) latest.current.router.refresh();
    }, REFRESH_AFTER_MS);
  }, []);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let opens = 0;
    let disposed = false;
    let lastMessageAt = Date.now();

    const advance = (message: MessageEvent<string>) => {
      lastMessageAt = Date.now();
      const seq = Number(message.lastEventId);
      if (message.lastEventId !== '' && Number.isFinite(seq) && seq > lastSeen.current) lastSeen.current = seq;
    };
    // A query whose first read is in flight when a change arrives would keep that read's (older) answer: react-query
    // joins an invalidation to a fetch in flight. Such queries are invalidated again once their read has settled.
    const staleAfterFetch = new Set<string>();
    const unsubscribeCache = queryClient?.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.query.state.fetchStatus !== 'idle') return;
      if (staleAfterFetch.delete(event.query.queryHash)) void queryClient.invalidateQueries({ queryKey: event.query.queryKey, exact: true });
    });
    const invalidate = (filters: Parameters<QueryClient['invalidateQueries']>[0]) => {
      const qc = latest.current.queryClient;
      if (!qc) return;
      for (const query of qc.getQueryCache().findAll(filters)) if (query.state.fetchStatus !== 'idle') staleAfterFetch.add(query.queryHash);
      void qc.invalidateQueries(filters);
    };
    const refreshAll = () => {
      invalidate({});
      refreshSoon();
    };
    const onChange = (topic: LiveTopic) => (message: MessageEvent<string>) => {
      advance(message);
      let payload: LivePayload;
      try {
        payload = JSON.parse(message.data) as LivePayload;
      } catch {
        return;
      }
      for (const inv of invalidationsFor(topic, payload)) {
        invalidate('queryKey' in inv ? { queryKey: [...inv.queryKey] } : { predicate: (q) => inv.predicate(q.queryKey) });
      }
      refreshSoon();
      const note = toastFor(payload);
      if (note) latest.current.toast.show({ title: note.title, description: note.description, tone: 'warning', durationMs: 8000 });
    };
    const onReload = (message: MessageEvent<string>) => {
      advance(message);
      refreshAll();
    };
    // The session no longer allows this stream (signed out elsewhere, deactivated, role or password changed): the
    // page is loaded again, which leads to the sign-in page or to the page the new role may see.
    const onEnded = () => {
      disposed = true;
      source?.close();
      window.location.reload();
    };
    const onHeartbeat = (message: MessageEvent<string>) => {
      lastMessageAt = Date.now();
      let position = 0;
      try {
        position = Number((JSON.parse(message.data) as { position?: number }).position ?? 0);
      } catch {
        return;
      }
      // The server sent changes this browser never received (a connection that broke without closing).
      if (position > lastSeen.current) reopen();
    };
    const handlers = LIVE_TOPICS.map((topic) => [topic, onChange(topic)] as const);
    // Presence frames carry no id: they say who else is on this tab's ticket, and are not part of the feed.
    const onPresenceFrame = (message: MessageEvent<string>) => {
      lastMessageAt = Date.now();
      let payload: PresenceMessage;
      try {
        payload = JSON.parse(message.data) as PresenceMessage;
      } catch {
        return;
      }
      for (const listener of presenceListeners.current) listener(payload);
    };

    const open = () => {
      if (disposed) return;
      source?.close();
      lastMessageAt = Date.now();
      const es = new EventSource(`/api/live?since=${lastSeen.current}&tab=${encodeURIComponent(tabId)}`);
      source = es;
      for (const [topic, handler] of handlers) es.addEventListener(topic, handler as EventListener);
      es.addEventListener('reload', onReload as EventListener);
      es.addEventListener('heartbeat', onHeartbeat as EventListener);
      es.addEventListener('ended', onEnded);
      es.addEventListener('presence', onPresenceFrame as EventListener);
      es.onopen = () => {
        failures = 0;
        lastMessageAt = Date.now();
        connected.current = true;
        setStatus('live');
        // Changes are replayed from our position; a refresh owed while we were cut off is made here.
        if (opens++ > 0 || refreshOwed.current) {
          refreshOwed.current = false;
          refreshAll();
        }
      };
      es.onerror = () => {
        connected.current = false;
        setStatus('reconnecting');
        // The browser retries a dropped connection by itself; one it has given up on is reopened here.
        if (es.readyState === EventSource.CLOSED) scheduleReopen();
      };
    };
    const reopen = () => {
      clearTimeout(retry);
      retry = undefined;
      connected.current = false;
      setStatus('reconnecting');
      open();
    };
    const scheduleReopen = () => {
      if (retry || disposed) return;
      const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!;
      failures++;
      retry = setTimeout(() => {
        retry = undefined;
        open();
      }, wait);
    };
    // A connection can look open after the network went away: the browser's online event, or a silence longer
    // than the server's heartbeat, reopens it from the last position received.
    const onOnline = () => reopen();
    const onOffline = () => {
      connected.current = false;
      setStatus('reconnecting');
    };
    const watchdog = setInterval(() => {
      if (source?.readyState === EventSource.OPEN && Date.now() - lastMessageAt > SILENCE_MS) reopen();
    }, 5000);

    open();
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      disposed = true;
      clearTimeout(retry);
      clearInterval(watchdog);
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      unsubscribeCache?.();
      source?.close();
    };
  }, [refreshSoon, queryClient, tabId]);

  const value = useMemo<LiveFeedContext>(
    () => ({ status, lastSeen: () => lastSeen.current, refreshSoon, tabId, onPresence }),
    [status, refreshSoon, tabId, onPresence],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

function newTabId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function useLiveFeed(): LiveFeedContext | null {
  return useContext(Context);
}

/**
 * Placed on every server-rendered page with the change-feed position its data was read at: if this browser already
 * knows of a later change (it arrived while the page was being built or sent), the page is rendered again.
 */
export function FeedMark({ seq }: { seq: number }) {
  const live = useLiveFeed();
  useEffect(() => {
    if (live && live.lastSeen() > seq) live.refreshSoon();
  }, [live, seq]);
  return <span hidden data-feed-position={seq} />;
}

/** Top-bar indicator: live, or visibly not (the screen may be out of date until the stream is back). */
export function LiveIndicator() {
  const live = useLiveFeed();
  const status = live?.status ?? 'connecting';
  const label = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting — updates paused';
  const title =
    status === 'live'
      ? 'Changes from Sellers appear as they happen.'
      : 'The live connection is down: what you see may be out of date. Every change made meanwhile appears when it is back.';
  return (
    <span role="status" aria-live="polite" title={title} data-live-status={status} className="flex items-center gap-1.5 rounded-md px-2 py-1 text-xs text-fg-subtle">
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${status === 'live' ? 'bg-success-fg' : status === 'connecting' ? 'bg-fg-subtle' : 'animate-pulse bg-warning-fg'}`} />
      <span className={status === 'reconnecting' ? 'font-medium text-warning-fg' : undefined}>{label}</span>
    </span>
  );
}
