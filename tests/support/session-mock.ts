import { vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { getServerSession } from 'next-auth';
import { getDb } from '@/db';
import { users } from '@/db/schema';

/**
 * Sets who the next server action or route call runs as: a session signed in just now, under the user's current
 * session version. Test files must first declare
 *   vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
 * so that only the session lookup is replaced; the permission checks and database reads stay real.
 */
export function actAs(userId: number | null): void {
  if (userId === null) {
    vi.mocked(getServerSession).mockResolvedValue(null);
    return;
  }
  vi.mocked(getServerSession).mockImplementation((async () => {
    const row = getDb().select({ sv: users.sessionVersion }).from(users).where(eq(users.id, userId)).get();
    return { uid: userId, sv: row?.sv ?? 0 };
  }) as never);
}

/** A session signed in earlier, under a given session version (as a browser's cookie would carry it). */
export function actAsSession(userId: number, sessionVersion: number): void {
  vi.mocked(getServerSession).mockResolvedValue({ uid: userId, sv: sessionVersion } as never);
}
