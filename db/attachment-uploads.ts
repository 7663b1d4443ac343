import { and, eq, gte, inArray, lt, sum } from 'drizzle-orm';
import { getDb, type Db } from './index';
import { ticketAttachmentUploads, type TicketAttachmentUpload } from './schema';
import { transaction, write } from './transaction';

/**
 * Files staged by the browser before a ticket form is sent: they expire after a while, and one user's staged
 * files together may not exceed a quota.
 */
export interface StagingPolicy {
  /** Staged files older than this are gone: not found by the form, deleted by the next sweep or upload. */
  ttlMs: number;
  /** Bytes one user may hold staged at once. */
  userQuotaBytes: number;
}

/** The policy from the settings ATTACHMENT_STAGING_HOURS and ATTACHMENT_USER_QUOTA_BYTES (lib/env.ts). */
export function stagingPolicyFrom(settings: { ATTACHMENT_STAGING_HOURS: number; ATTACHMENT_USER_QUOTA_BYTES: number }): StagingPolicy {
  return { ttlMs: settings.ATTACHMENT_STAGING_HOURS * 3_600_000, userQuotaBytes: settings.ATTACHMENT_USER_QUOTA_BYTES };
}

export type StageOutcome = { ok: true; id: string } | { ok: false; reason: 'quotaExceeded'; stagedBytes: number };

function cutoff(policy: Pick<StagingPolicy, 'ttlMs'>, now: Date): string {
  return new Date(now.getTime() - policy.ttlMs).toISOString();
}

/** Deletes every expired staged file; returns how many. */
export async function pruneExpiredUploads(policy: Pick<StagingPolicy, 'ttlMs'>, now = new Date(), db: Db = getDb()): Promise<number> {
  return (await write(() => db.delete(ticketAttachmentUploads).where(lt(ticketAttachmentUploads.createdAt, cutoff(policy, now))), db)).changes;
}

/**
 * Stores one staged file unless it would take the user past the quota: the expired files go first, and the check
 * and the insert are one transaction, so parallel uploads cannot overshoot it together.
 */
export async function stageUpload(
  upload: Omit<TicketAttachmentUpload, 'createdAt'>,
  policy: StagingPolicy,
  now = new Date(),
  db: Db = getDb(),
): Promise<StageOutcome> {
  return transaction(async (tx): Promise<StageOutcome> => {
    await tx.delete(ticketAttachmentUploads).where(lt(ticketAttachmentUploads.createdAt, cutoff(policy, now)));
    const row = (await tx
      .select({ bytes: sum(ticketAttachmentUploads.size) })
      .from(ticketAttachmentUploads)
      .where(eq(ticketAttachmentUploads.userId, upload.userId))
      .limit(1))[0];
    const stagedBytes = Number(row?.bytes ?? 0);
    if (stagedBytes + upload.size > policy.userQuotaBytes) return { ok: false, reason: 'quotaExceeded', stagedBytes };
    await tx.insert(ticketAttachmentUploads).values({ ...upload, createdAt: now.toISOString() });
    return { ok: true, id: upload.id };
  }, db);
}

/** The user's own staged files among `ids` that have not expired. */
export async function stagedUploadsOf(
  userId: number,
  ids: readonly string[],
  policy: Pick<StagingPolicy, 'ttlMs'>,
  now = new Date(),
  db: Db = getDb(),
): Promise<TicketAttachmentUpload[]> {
  if (ids.length === 0) return [];
  return await db
    .select()
    .from(ticketAttachmentUploads)
    .where(
      and(
        eq(ticketAttachmentUploads.userId, userId),
        inArray(ticketAttachmentUploads.id, [...ids]),
        gte(ticketAttachmentUploads.createdAt, cutoff(policy, now)),
      ),
    );
}
