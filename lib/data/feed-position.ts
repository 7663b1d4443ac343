import 'server-only';
import { feedPosition } from '@/lib/sync/change-feed';

/**
 * The change-feed position a page is built from. Read it before the page's data: the browser then replays every
 * change after it, so a change that lands while the page is rendered or sent is never lost.
 */
export async function pageFeedPosition(): Promise<number> {
  return feedPosition();
}
