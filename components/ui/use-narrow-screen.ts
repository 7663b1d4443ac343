'use client';

import { useSyncExternalStore } from 'react';

/** Below Tailwind's `md` breakpoint (48rem): phones, where the sidebar becomes a menu and calendars show one day. */
const NARROW = '(max-width: 47.99rem)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(NARROW);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Whether the screen is phone-narrow; false on the server, whose render then follows the wide layout. */
export function useNarrowScreen(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(NARROW).matches,
    () => false,
  );
}
