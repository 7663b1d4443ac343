import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { products, sellers, type Product } from '@/db/schema';

export type { Product };

/** A product with the Seller it belongs to, as the settings list and the ticket form show it. */
export interface ProductView {
  id: number;
  sellerId: number;
  sellerSlug: string;
  sellerName: string;
  productId: string;
  label: string;
  siteId: string;
  siteName: string;
  siteAddress: string;
  siteTimeZone: string;
  updatedAt: string;
}

const productView = {
  id: products.id,
  sellerId: products.sellerId,
  sellerSlug: sellers.slug,
  sellerName: sellers.name,
  productId: products.productId,
  label: products.label,
  siteId: products.siteId,
  siteName: products.siteName,
  siteAddress: products.siteAddress,
  siteTimeZone: products.siteTimeZone,
  updatedAt: products.updatedAt,
};

/** The inventory, optionally of one Seller (by slug), ordered by Seller then label. */
export async function listProducts(filter: { sellerSlug?: string } = {}): Promise<ProductView[]> {
  return await getDb()
    .select(productView)
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id))
    .where(filter.sellerSlug ? eq(sellers.slug, filter.sellerSlug) : undefined)
    .orderBy(asc(sellers.name), asc(products.label), asc(products.productId));
}

export async function getProductById(id: number): Promise<ProductView | undefined> {
  return (await getDb()
    .select(productView)
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id))
    .where(eq(products.id, id))
    .limit(1))[0];
}

/** The product `productId` of the Seller `sellerSlug` (the pair a ticket names). */
export async function findProduct(sellerSlug: string, productId: string): Promise<ProductView | undefined> {
  return (await getDb()
    .select(productView)
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id))
    .where(and(eq(sellers.slug, sellerSlug), eq(products.productId, productId)))
    .limit(1))[0];
}
