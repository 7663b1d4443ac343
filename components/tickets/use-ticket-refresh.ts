'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { TICKETS_KEY, ticketKey } from './query-keys';

/** After a change: re-render this page from the cache and mark every queue view stale. */
export function useTicketRefresh(seller: string, id: string) {
  const router = useRouter();
  const queryClient = useQueryClient();
  return (nextPath?: string) => {
    void queryClient.invalidateQueries({ queryKey: TICKETS_KEY });
    void queryClient.invalidateQueries({ queryKey: ticketKey(seller, id) });
    if (nextPath) router.replace(nextPath);
    else router.refresh();
  };
}
