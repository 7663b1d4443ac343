import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb, type Db } from '@/db';
import { auditLog, sellers } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { openLegacySecret, openSecret, sealSecret, sealedKeyId, secretKeyId, type SecretKeyring } from '@/lib/crypto/secret-box';
import { clientSecretContext, secretsKeyring } from '@/lib/sellers/registry';

export interface ResealResult {
  /** Sellers whose secret was sealed again with the current key. */
  resealed: string[];
  /** Sellers already sealed with the current key. */
  current: string[];
}

export class ResealError extends Error {
  constructor(readonly problems: Array<{ slug: string; error: string }>) {
    super(`Nothing was re-sealed; these secrets do not open:\n${problems.map((p) => `  - ${p.slug}: ${p.error}`).join('\n')}`);
    this.name = 'ResealError';
  }
}

/**
 * Seals every stored Seller secret with the current SECRETS_KEY, bound to its Seller: values sealed with a key of
 * SECRETS_KEY_PREVIOUS, or in the legacy format without a key id or context. All or nothing: when one value does not
 * open, nothing is written and the error names each such Seller.
 */
export async function resealSellerSecrets(options: { keyring?: SecretKeyring; db?: Db; actor?: string } = {}): Promise<ResealResult> {
  const keyring = options.keyring ?? secretsKeyring();
  const currentId = secretKeyId(keyring.current);
  return transaction(async (tx) => {
    const result: ResealResult = { resealed: [], current: [] };
    const problems: Array<{ slug: string; error: string }> = [];
    const updates: Array<{ id: number; slug: string; sealed: string }> = [];
    for (const row of (await tx.select({ id: sellers.id, slug: sellers.slug, sealed: sellers.clientSecretEnc }).from(sellers))) {
      const context = clientSecretContext(row.slug);
      try {
        const keyId = sealedKeyId(row.sealed);
        const plain = keyId === null ? openLegacySecret(row.sealed, keyring) : openSecret(row.sealed, keyring, context);
        if (keyId === currentId) {
          result.current.push(row.slug);
          continue;
        }
        updates.push({ id: row.id, slug: row.slug, sealed: sealSecret(plain, keyring.current, context) });
      } catch (err) {
        problems.push({ slug: row.slug, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (problems.length) throw new ResealError(problems);
    const now = new Date().toISOString();
    for (const u of updates) {
      await tx.update(sellers).set({ clientSecretEnc: u.sealed, updatedAt: now }).where(eq(sellers.id, u.id));
      result.resealed.push(u.slug);
    }
    if (updates.length) {
      await tx.insert(auditLog)
        .values({ actor: options.actor ?? 'secrets-rotate', action: 'secrets.reseal', entityType: 'seller', entityId: '*', detail: { keyId: currentId, sellers: result.resealed } });
    }
    return result;
  }, options.db ?? getDb());
}
