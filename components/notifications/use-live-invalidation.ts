'use client';

import { QueryClientContext } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useContext, useEffect, useRef } from 'react';
import { useToast } from '@/components/ui/toast';
import { LIVE_TOPICS, type LivePayload, type LiveTopic } from '@/lib/domain/live-changes';
import { invalidationsFor, toastFor } from './live-invalidation';

const REFRESH_AFTER_MS = 150;

/**
 * Follows /api/live: each event makes the matching react-query caches stale and refreshes server-rendered pages
 * (one refresh per burst), and shows a toast when a Seller asks something of the operator. The browser's
 * EventSource reconnects by itself; after a reconnect the page is refreshed, since events may have been missed.
 */
export function useLiveInvalidation(options: { toasts?: boolean } = {}): void {
  const queryClient = useContext(QueryClientContext);
  const router = useRouter();
  const toast = useToast();
  const showToasts = options.toasts ?? true;
  const latest = useRef({ queryClient, router, toast, showToasts });
  latest.current = { queryClient, router, toast, showToasts };

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = undefined;
        latest.current.router.refresh();
      }, REFRESH_AFTER_MS);
    };
    const source = new EventSource('/api/live');
    let opened = false;
    source.onopen = () => {
      if (opened) refreshSoon();
      opened = true;
    };
    const onEvent = (topic: LiveTopic) => (message: MessageEvent<string>) => {
      let payload: LivePayload;
      try {
        payload = JSON.parse(message.data) as LivePayload;
      } catch {
        return;
      }
      const { queryClient: qc, toast: t, showToasts: toasts } = latest.current;
      if (qc) {
        for (const inv of invalidationsFor(topic, payload)) {
          if ('queryKey' in inv) void qc.invalidateQueries({ queryKey: [...inv.queryKey] });
          else void qc.invalidateQueries({ predicate: (q) => inv.predicate(q.queryKey) });
        }
      }
      if (topic !== 'sellerSync') refreshSoon();
      const note = toasts ? toastFor(payload) : null;
      if (note) t.show({ title: note.title, description: note.description, tone: 'warning', durationMs: 8000 });
    };
    const handlers = LIVE_TOPICS.map((topic) => [topic, onEvent(topic)] as const);
    for (const [topic, handler] of handlers) source.addEventListener(topic, handler as EventListener);
    return () => {
      if (refreshTimer) clearTimeout(refreshTimer);
      for (const [topic, handler] of handlers) source.removeEventListener(topic, handler as EventListener);
      source.close();
    };
  }, []);
}
