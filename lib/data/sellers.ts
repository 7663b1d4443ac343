import 'server-only';
import { asc, count, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { products, sellers, type Seller } from '@/db/schema';
import { maskSecret, openSecret, sealSecret } from '@/lib/crypto/secret-box';
import { decodeKey, env } from '@/lib/env';
import type { SellerConnection } from '@/lib/sonata/seller-connection';

export type { Seller };

/** What the settings screens may see of a Seller: everything but the secret, which is masked. */
export interface SellerView {
  id: number;
  slug: string;
  name: string;
  enabled: boolean;
  troubleTicketBaseUrl: string;
  appointmentBaseUrl: string;
  workOrderBaseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecretMasked: string;
  scopeMode: Seller['scopeMode'];
  fixedScope: string | null;
  buyerId: string | null;
  sellerId: string | null;
  timeoutMs: number;
  origin: Seller['origin'];
  updatedAt: string;
  productCount: number;
}

function secretsKey(): Buffer {
  const key = decodeKey(env().SECRETS_KEY);
  if (!key) throw new Error('SECRETS_KEY is not a 32-byte key');
  return key;
}

export function sealClientSecret(plain: string): string {
  return sealSecret(plain, secretsKey());
}

export function openClientSecret(seller: Pick<Seller, 'clientSecretEnc'>): string {
  return openSecret(seller.clientSecretEnc, secretsKey());
}

/** All Sellers of the registry (rows with the secret still sealed), by name. */
export async function listSellers(): Promise<Seller[]> {
  return getDb().select().from(sellers).orderBy(asc(sellers.name), asc(sellers.slug)).all();
}

export async function getSellerBySlug(slug: string): Promise<Seller | undefined> {
  return getDb().select().from(sellers).where(eq(sellers.slug, slug)).get();
}

/** How the wire reaches `seller`, with the client secret opened. Server-side only; never hand it to a page. */
export function sellerConnection(seller: Seller): SellerConnection {
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
  };
}

export async function sellerConnectionBySlug(slug: string): Promise<SellerConnection | undefined> {
  const seller = await getSellerBySlug(slug);
  return seller ? sellerConnection(seller) : undefined;
}

/** Connections of every enabled Seller, for workers that poll or register with all of them. */
export async function enabledSellerConnections(): Promise<SellerConnection[]> {
  const rows = await getDb().select().from(sellers).where(eq(sellers.enabled, true)).orderBy(asc(sellers.slug)).all();
  return rows.map(sellerConnection);
}

function maskedSecretOf(seller: Seller): string {
  try {
    return maskSecret(openClientSecret(seller));
  } catch {
    return 'unreadable with the current SECRETS_KEY: enter it again';
  }
}

function toView(seller: Seller, productCount: number): SellerView {
  return {
    id: seller.id,
    slug: seller.slug,
    name: seller.name,
    enabled: seller.enabled,
    troubleTicketBaseUrl: seller.troubleTicketBaseUrl,
    appointmentBaseUrl: seller.appointmentBaseUrl,
    workOrderBaseUrl: seller.workOrderBaseUrl,
    tokenUrl: seller.tokenUrl,
    clientId: seller.clientId,
    clientSecretMasked: maskedSecretOf(seller),
    scopeMode: seller.scopeMode,
    fixedScope: seller.fixedScope,
    buyerId: seller.buyerId,
    sellerId: seller.sellerId,
    timeoutMs: seller.timeoutMs,
    origin: seller.origin,
    updatedAt: seller.updatedAt,
    productCount,
  };
}

async function productCounts(): Promise<Map<number, number>> {
  const rows = await getDb()
    .select({ sellerId: products.sellerId, n: count() })
    .from(products)
    .groupBy(products.sellerId)
    .all();
  return new Map(rows.map((r) => [r.sellerId, r.n]));
}

export async function listSellerViews(): Promise<SellerView[]> {
  const [rows, counts] = await Promise.all([listSellers(), productCounts()]);
  return rows.map((s) => toView(s, counts.get(s.id) ?? 0));
}

export async function getSellerView(slug: string): Promise<SellerView | undefined> {
  const seller = await getSellerBySlug(slug);
  if (!seller) return undefined;
  const [row] = await getDb().select({ n: count() }).from(products).where(eq(products.sellerId, seller.id)).all();
  return toView(seller, row?.n ?? 0);
}
