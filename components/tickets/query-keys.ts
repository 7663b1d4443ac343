/**
 * React Query keys of the ticket pages. Invalidate them (queryClient.invalidateQueries) to make the pages re-read
 * the cache: ['tickets'] refreshes every queue view, ['ticket', seller, id] one ticket's page.
 */
export const TICKETS_KEY = ['tickets'] as const;
export const ticketQueueKey = (search: string) => ['tickets', search] as const;
export const ticketKey = (seller: string, id: string) => ['ticket', seller, id] as const;
