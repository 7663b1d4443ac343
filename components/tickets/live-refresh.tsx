'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';

/**
 * Binds a server-rendered page to a React Query key: when anyone invalidates the key (a notification arrived, an
 * action finished elsewhere) the page's server components are rendered again from the cache.
 */
export function LiveRefresh({ queryKey }: { queryKey: readonly unknown[] }) {
  const router = useRouter();
  useQuery({
    queryKey,
    queryFn: async () => {
      router.refresh();
      return Date.now();
    },
    initialData: 0,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  return null;
}
