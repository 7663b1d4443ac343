import 'server-only';

interface OpenStream {
  userId: number;
  end: () => void;
}

/** The live streams open in this process, per user. Kept on globalThis so every route bundle sees the same set. */
class StreamRegistry {
  private readonly byUser = new Map<number, Set<OpenStream>>();

  count(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Registers a stream unless the user already has `max` open; returns its release, or null when refused. */
  tryOpen(userId: number, max: number, end: OpenStream['end']): (() => void) | null {
    const set = this.byUser.get(userId) ?? new Set<OpenStream>();
    if (set.size >= max) return null;
    const stream: OpenStream = { userId, end };
    set.add(stream);
    this.byUser.set(userId, set);
    return () => {
      set.delete(stream);
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    };
  }

  /** Ends every stream of a user whose access changed (password reset, role change, deactivation). */
  endAllOf(userId: number): number {
    const set = this.byUser.get(userId);
    if (!set) return 0;
    const open = [...set];
    for (const stream of open) stream.end();
    return open.length;
  }
}

const KEY = Symbol.for('sonata-portal.live-streams');
const holder = globalThis as unknown as { [KEY]?: StreamRegistry };

export function liveStreams(): StreamRegistry {
  holder[KEY] ??= new StreamRegistry();
  return holder[KEY];
}
