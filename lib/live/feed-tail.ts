import 'server-only';
import type { LiveEvent } from '@/lib/domain/live-changes';
import { setFeedReader } from '@/lib/observability/metrics';
import { changesAfter, feedPosition, onFeedAdvanced } from '@/lib/sync/change-feed';

/**
 * One reader of the change feed per process, shared by every open stream: it reads each new entry once, keeps the
 * latest ones in memory for streams that are a little behind, and wakes the streams. It reads when a writer in this
 * process signals, and polls while streams are open, so writers in other processes are seen within FEED_POLL_MS.
 */

export const FEED_POLL_MS = 500;
const KEEP_IN_MEMORY = 2000;
const READ_BATCH = 500;

type Reader = () => void;

class FeedTail {
  private recent: LiveEvent[] = [];
  private last: number | undefined;
  private readonly readers = new Set<Reader>();
  private reading: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  subscribe(reader: Reader): () => void {
    this.readers.add(reader);
    if (!this.timer) {
      this.timer = setInterval(() => this.advance(), FEED_POLL_MS);
      this.timer.unref();
      this.unsubscribe = onFeedAdvanced(() => this.advance());
      this.advance();
    }
    return () => {
      this.readers.delete(reader);
      if (this.readers.size === 0) this.stop();
    };
  }

  /** The last position read, or undefined while no stream is open. */
  readPosition(): number | undefined {
    return this.last;
  }

  /** Entries after `seq` when memory still holds all of them; undefined when they must be read from the feed. */
  fromMemory(seq: number): LiveEvent[] | undefined {
    if (this.last === undefined) return undefined;
    if (seq >= this.last) return [];
    const first = this.recent[0];
    if (!first || first.seq > seq + 1) return undefined;
    return this.recent.filter((e) => e.seq > seq);
  }

  advance(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read()
      .catch((err: unknown) => console.error('[live] reading the change feed failed', err))
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.advance();
        }
      });
  }

  private async read(): Promise<void> {
    // Learning the position counts as news: a stream that read the feed just before must look again.
    let grew = this.last === undefined;
    if (this.last === undefined) this.last = await feedPosition();
    for (;;) {
      const batch = await changesAfter(this.last, READ_BATCH);
      if (batch.length === 0) break;
      this.recent.push(...batch);
      this.last = batch[batch.length - 1]!.seq;
      grew = true;
      if (batch.length < READ_BATCH) break;
    }
    if (this.recent.length > KEEP_IN_MEMORY) this.recent.splice(0, this.recent.length - KEEP_IN_MEMORY);
    if (!grew) return;
    for (const reader of this.readers) {
      try {
        reader();
      } catch (err) {
        console.error('[live] a stream failed to wake', err);
      }
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.recent = [];
    this.last = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

const KEY = Symbol.for('sonata-portal.feed-tail');
const holder = globalThis as unknown as { [KEY]?: FeedTail };

export function feedTail(): FeedTail {
  if (!holder[KEY]) {
    const tail = new FeedTail();
    holder[KEY] = tail;
    setFeedReader(() => tail.readPosition());
  }
  return holder[KEY];
}
