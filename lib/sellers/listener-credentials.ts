import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { getDb } from '@/db';
import { listenerCredentials, type ListenerCredential, type Seller } from '@/db/schema';
import { transaction, write } from '@/db/transaction';
import { env } from '@/lib/env';
import { listenerAccessChanged } from './access-changes';

/**
 * Sellers are OAuth2 clients of ours when they call our listeners. Their credentials (issued, rotated, revoked) are
 * part of the Seller registry; the listener (lib/listener) checks them.
 */

/** Where Sellers reach us: PUBLIC_URL, else NEXTAUTH_URL. */
export function publicBaseUrl(): string {
  const e = env();
  return (e.PUBLIC_URL ?? e.NEXTAUTH_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

export interface IssuedCredential {
  credential: ListenerCredential;
  clientId: string;
  /** Shown once; only its hash is stored. */
  clientSecret: string;
}

/**
 * Issues a new credential for the Seller and, unless `keepOthers`, revokes the ones before it in the same transaction.
 * (`keepOthers` lets a caller hand the new secret over first and revoke the old ones once that worked.)
 */
export async function rotateListenerCredential(
  seller: Pick<Seller, 'id' | 'slug'>,
  deliveredVia: ListenerCredential['deliveredVia'] = 'onboarding',
  options: { keepOthers?: boolean } = {},
): Promise<IssuedCredential> {
  const clientId = `seller-${seller.slug}-${randomBytes(6).toString('hex')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  const credential = await transaction(async (tx) => {
    if (!options.keepOthers) {
      await tx.update(listenerCredentials)
        .set({ revokedAt: now })
        .where(and(eq(listenerCredentials.sellerId, seller.id), isNull(listenerCredentials.revokedAt)));
    }
    return (await tx
      .insert(listenerCredentials)
      .values({
        sellerId: seller.id,
        clientId,
        secretHash: hashSecret(clientSecret),
        secretHint: clientSecret.slice(-4),
        deliveredVia,
        createdAt: now,
      })
      .returning())[0]!;
  });
  listenerAccessChanged();
  return { credential, clientId, clientSecret };
}

/** Revokes the Seller's active credentials (all, or all but `exceptId`); their tokens stop working at once. */
export async function revokeListenerCredentials(sellerId: number, exceptId?: number): Promise<number> {
  const rows = await write(() =>
    getDb()
      .update(listenerCredentials)
      .set({ revokedAt: new Date().toISOString() })
      .where(
        and(
          eq(listenerCredentials.sellerId, sellerId),
          isNull(listenerCredentials.revokedAt),
          exceptId === undefined ? undefined : ne(listenerCredentials.id, exceptId),
        ),
      )
      .returning(),
  );
  listenerAccessChanged();
  return rows.length;
}
