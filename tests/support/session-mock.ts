import { vi } from 'vitest';
import { getServerSession } from 'next-auth';

/**
 * Sets who the next server action or route call runs as. Test files must first declare
 *   vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
 * so that only the session lookup is replaced; the permission checks and database reads stay real.
 */
export function actAs(userId: number | null): void {
  vi.mocked(getServerSession).mockResolvedValue(userId === null ? null : ({ uid: userId } as never));
}
