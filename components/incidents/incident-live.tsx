'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { LivePayload, LiveTopic } from '@/lib/live/topics';

const REFRESH_AFTER_MS = 200;
const FALLBACK_POLL_MS = 10_000;

export interface IncidentLiveProps {
  /** Topics that re-read the page; `incident` by default. */
  topics?: readonly LiveTopic[];
  /** Only events about these incidents (by the Seller's id) at this Seller count; all when omitted. */
  seller?: string;
  ids?: readonly string[];
}

/**
 * Re-reads the server-rendered page when the live channel reports a change it shows (one refresh per burst).
 * Without the live stream (not reachable, or closed for good) it falls back to re-reading every few seconds.
 */
export function IncidentLive({ topics = ['incident'], seller, ids }: IncidentLiveProps) {
  const router = useRouter();
  const filter = useRef({ seller, ids });
  filter.current = { seller, ids };
  const topicKey = topics.join(',');

  useEffect(() => {
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    const refreshSoon = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = undefined;
        router.refresh();
      }, REFRESH_AFTER_MS);
    };
    const startPolling = () => {
      poll ??= setInterval(() => {
        if (document.visibilityState === 'visible') router.refresh();
      }, FALLBACK_POLL_MS);
    };
    if (typeof EventSource === 'undefined') {
      startPolling();
      return () => clearInterval(poll);
    }
    const source = new EventSource('/api/live');
    let opened = false;
    source.onopen = () => {
      if (poll) {
        clearInterval(poll);
        poll = undefined;
      }
      // Events may have been missed while disconnected.
      if (opened) refreshSoon();
      opened = true;
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED || !opened) startPolling();
    };
    const onEvent = (topic: LiveTopic) => (message: MessageEvent<string>) => {
      let payload: LivePayload;
      try {
        payload = JSON.parse(message.data) as LivePayload;
      } catch {
        return;
      }
      const { seller: onlySeller, ids: onlyIds } = filter.current;
      if (topic === 'incident') {
        if (onlySeller && payload.seller !== onlySeller) return;
        if (onlyIds && (!payload.id || !onlyIds.includes(payload.id))) return;
      }
      refreshSoon();
    };
    const handlers = topicKey.split(',').map((t) => [t, onEvent(t as LiveTopic)] as const);
    for (const [topic, handler] of handlers) source.addEventListener(topic, handler as EventListener);
    return () => {
      if (refreshTimer) clearTimeout(refreshTimer);
      if (poll) clearInterval(poll);
      for (const [topic, handler] of handlers) source.removeEventListener(topic, handler as EventListener);
      source.close();
    };
  }, [router, topicKey]);

  return null;
}
