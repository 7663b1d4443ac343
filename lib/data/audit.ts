import 'server-only';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session';

export async function audit(
  user: Pick<SessionUser, 'id' | 'email'> | null,
  action: string,
  entityType: string,
  entityId: string | number,
  detail?: Record<string, unknown>,
): Promise<void> {
  await getDb()
    .insert(auditLog)
    .values({ userId: user?.id ?? null, actor: user?.email ?? 'system', action, entityType, entityId: String(entityId), detail })
    .run();
}
