import 'server-only';
import { recordAudit } from '@/db/audit-log';
import type { SessionUser } from '@/lib/auth/session';

export async function audit(
  user: Pick<SessionUser, 'id' | 'email'> | null,
  action: string,
  entityType: string,
  entityId: string | number,
  detail?: Record<string, unknown>,
): Promise<void> {
  await recordAudit({ userId: user?.id ?? null, actor: user?.email ?? 'system', action, entityType, entityId, detail });
}
