import type { LivePayload, LiveTopic } from '@/lib/domain/live-changes';

/** One react-query invalidation: an exact key prefix, or a predicate over the key. */
export type Invalidation = { queryKey: readonly unknown[] } | { predicate: (queryKey: readonly unknown[]) => boolean };

/**
 * Which cached queries a live event makes stale. Ticket pages use ['tickets', …] for queues and
 * ['ticket', seller, id] for one ticket (any id form: the Seller's, ours or the row id).
 */
export function invalidationsFor(topic: LiveTopic, payload: LivePayload): Invalidation[] {
  const sameSeller = (kind: string) => (key: readonly unknown[]) => key[0] === kind && key[1] === payload.seller;
  switch (topic) {
    case 'ticket':
      return [{ queryKey: ['tickets'] }, { predicate: sameSeller('ticket') }, { queryKey: ['dashboard'] }];
    case 'incident':
      return [{ queryKey: ['incidents'] }, { predicate: sameSeller('incident') }, { queryKey: ['dashboard'] }];
    case 'workOrder':
      return [{ queryKey: ['workOrders'] }, { predicate: sameSeller('workOrder') }, { queryKey: ['tickets'] }];
    case 'appointment':
      return [{ queryKey: ['appointments'] }, { predicate: sameSeller('appointment') }, { queryKey: ['calendar'] }];
    case 'waiting':
      return [{ queryKey: ['waiting'] }];
    case 'sellerSync':
      return [{ queryKey: ['notifications'] }];
  }
}

/** Whether a live event deserves a toast: it asks something of the operator. */
export function toastFor(payload: LivePayload): { title: string; description: string } | null {
  if (!payload.actionable) return null;
  return { title: payload.actionable.title, description: 'See “Waiting on you” in the top bar.' };
}
