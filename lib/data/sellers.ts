import 'server-only';
import { count, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { products, type Seller } from '@/db/schema';
import { maskSecret } from '@/lib/crypto/secret-box';
import { getSellerBySlug, listSellers, openClientSecret } from '@/lib/sellers/registry';
import { parseToleratedDeviations, type ToleratedDeviations } from '@/lib/sonata/deviations';

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
  referencePoint: Seller['referencePoint'];
  origin: Seller['origin'];
  updatedAt: string;
  productCount: number;
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
    referencePoint: seller.referencePoint,
    origin: seller.origin,
    updatedAt: seller.updatedAt,
    productCount,
  };
}

async function productCounts(): Promise<Map<number, number>> {
  const rows = await getDb()
    .select({ sellerId: products.sellerId, n: count() })
    .from(products)
    .groupBy(products.sellerId);
  return new Map(rows.map((r) => [r.sellerId, r.n]));
}

export async function listSellerViews(): Promise<SellerView[]> {
  const [rows, counts] = await Promise.all([listSellers(), productCounts()]);
  return rows.map((s) => toView(s, counts.get(s.id) ?? 0));
}

export async function getSellerView(slug: string): Promise<SellerView | undefined> {
  const seller = await getSellerBySlug(slug);
  if (!seller) return undefined;
  const [row] = await getDb().select({ n: count() }).from(products).where(eq(products.sellerId, seller.id));
  return toView(seller, row?.n ?? 0);
}

/** Settings → Sellers → one Seller: its tolerated deviations as stored, read the way the wire reads them. */
export async function getSellerToleratedDeviations(slug: string): Promise<ToleratedDeviations | undefined> {
  const seller = await getSellerBySlug(slug);
  return seller ? parseToleratedDeviations(seller.toleratedDeviations) : undefined;
}
