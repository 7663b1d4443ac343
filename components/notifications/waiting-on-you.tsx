import 'server-only';
import { can } from '@/lib/auth/permissions';
import { getCurrentUser } from '@/lib/auth/session';
import { listOpenWaitingItems } from '@/lib/data/notifications';
import { WaitingOnYouMenu } from './waiting-on-you-menu';

/** Top-bar centre of what Sellers are waiting for; re-rendered by router.refresh() when a live event arrives. */
export async function WaitingOnYou() {
  const user = await getCurrentUser();
  if (!user || !can(user.role, 'tickets.view')) return null;
  return <WaitingOnYouMenu items={await listOpenWaitingItems()} />;
}
