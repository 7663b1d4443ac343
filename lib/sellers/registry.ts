import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers, type Seller } from '@/db/schema';
import { openSecret, sealSecret, type SecretKeyring } from '@/lib/crypto/secret-box';
import { decodeKey, env } from '@/lib/env';
import type { SellerConnection } from '@/lib/sonata/seller-connection';
import { parseToleratedDeviations } from '@/lib/sonata/deviations';
import { noteKnownSellers } from '@/lib/observability/metrics';

/**
 * The Seller registry: who our Sellers are, how the wire reaches each of them (with the client secret opened only
 * here), and lookups by slug. Sync, the listener and the settings screens all read Sellers through it.
 */

export type { Seller };

function secretsKey(): Buffer {
  const key = decodeKey(env().SECRETS_KEY);
  if (!key) throw new Error('SECRETS_KEY is not a 32-byte key');
  return key;
}

/** SECRETS_KEY seals; it and the keys of SECRETS_KEY_PREVIOUS open (until `npm run secrets:rotate` re-sealed all). */
export function secretsKeyring(): SecretKeyring {
  const previous = env()
    .SECRETS_KEY_PREVIOUS.split(',')
    .map((k) => decodeKey(k.trim()))
    .filter((k): k is Buffer => k !== undefined);
  return { current: secretsKey(), previous };
}

/** What a Seller's client secret is bound to: the Seller (its slug never changes) and the field. */
export function clientSecretContext(slug: string): string {
  return `seller:${slug}:clientSecret`;
}

export function sealClientSecret(plain: string, slug: string): string {
  return sealSecret(plain, secretsKey(), clientSecretContext(slug));
}

export function openClientSecret(seller: Pick<Seller, 'slug' | 'clientSecretEnc'>): string {
  return openSecret(seller.clientSecretEnc, secretsKeyring(), clientSecretContext(seller.slug));
}

/** All Sellers of the registry (rows with the secret still sealed), by name. */
export async function listSellers(): Promise<Seller[]> {
  return await getDb().select().from(sellers).orderBy(asc(sellers.name), asc(sellers.slug));
}

export async function getSellerBySlug(slug: string): Promise<Seller | undefined> {
  return (await getDb().select().from(sellers).where(eq(sellers.slug, slug)).limit(1))[0];
}

export async function getSellerById(id: number): Promise<Seller | undefined> {
  return (await getDb().select().from(sellers).where(eq(sellers.id, id)).limit(1))[0];
}

/** How the wire reaches `seller`, with the client secret opened. Server-side only; never hand it to a page. */
export function sellerConnection(seller: Seller): SellerConnection {
  noteKnownSellers([seller.slug]);
  return {
    slug: seller.slug,
    baseUrls: {
      troubleTicket: seller.troubleTicketBaseUrl,
      appointment: seller.appointmentBaseUrl,
      workOrder: seller.workOrderBaseUrl,
    },
    oauth: {
      tokenUrl: seller.tokenUrl,
      clientId: seller.clientId,
      clientSecret: openClientSecret(seller),
      scopeMode: seller.scopeMode,
      ...(seller.scopeMode === 'fixed' && seller.fixedScope ? { fixedScope: seller.fixedScope } : {}),
    },
    ...(seller.buyerId ? { buyerId: seller.buyerId } : {}),
    ...(seller.sellerId ? { sellerId: seller.sellerId } : {}),
    timeoutMs: seller.timeoutMs,
    toleratedDeviations: parseToleratedDeviations(seller.toleratedDeviations),
  };
}

export async function sellerConnectionBySlug(slug: string): Promise<SellerConnection | undefined> {
  const seller = await getSellerBySlug(slug);
  return seller ? sellerConnection(seller) : undefined;
}

/** Connections of every enabled Seller, for workers that poll or register with all of them. */
export async function enabledSellerConnections(): Promise<SellerConnection[]> {
  const rows = await getDb().select().from(sellers).where(eq(sellers.enabled, true)).orderBy(asc(sellers.slug));
  return rows.map(sellerConnection);
}

