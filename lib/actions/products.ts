'use server';

import { and, eq, ne } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { products, sellers } from '@/db/schema';
import { transaction, write } from '@/db/transaction';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { audit } from '@/lib/data/audit';
import { getProductById } from '@/lib/data/products';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { markImportModes, productKey, validateProductCsv, type ProductImportReport } from '@/lib/domain/product-csv';
import { productFields, slugSchema } from '@/lib/domain/seller-registry';

const productIdInput = z.coerce.number({ error: 'Unknown product' }).int().positive('Unknown product');

const createInput = z.object({ seller: slugSchema, ...productFields });
const updateInput = z.object({ id: productIdInput, ...productFields });
const deleteInput = z.object({ id: productIdInput });
/** Server actions accept about 1 MB by default; the CSV travels as text. */
const importInput = z.object({
  csv: z.string({ error: 'Choose a CSV file' }).min(1, 'Choose a CSV file').max(1_000_000, 'The file is larger than 1 MB'),
});

const duplicateProductId = (productId: string, sellerName: string): ActionState<never> => ({
  ok: false,
  status: 409,
  message: 'Some fields need your attention.',
  errors: { productId: [`${sellerName} already has a product with id "${productId}"`] },
});

function refreshProductPages() {
  revalidatePath('/settings/products');
  revalidatePath('/settings/sellers');
}

export const createProduct = authorizedAction('products.manage', createInput, async (input, user) => {
  const seller = await getSellerBySlug(input.seller);
  if (!seller) return { ok: false, status: 400, message: 'Some fields need your attention.', errors: { seller: ['Choose a Seller'] } };
  const { seller: _slug, ...fields } = input;
  const clash = (await getDb()
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.sellerId, seller.id), eq(products.productId, fields.productId)))
    .limit(1))[0];
  if (clash) return duplicateProductId(fields.productId, seller.name);
  const [row] = await write((db) => db.insert(products).values({ ...fields, sellerId: seller.id }).returning({ id: products.id }));
  await audit(user, 'product.create', 'product', row!.id, { seller: seller.slug, ...fields });
  refreshProductPages();
  return { ok: true, message: `Product ${fields.label} added to ${seller.name}.`, data: { id: row!.id, seller: seller.slug } };
});

export const updateProduct = authorizedAction('products.manage', updateInput, async (input, user) => {
  const current = await getProductById(input.id);
  if (!current) return { ok: false, status: 404, message: 'This product no longer exists.' };
  const { id, ...fields } = input;
  const clash = (await getDb()
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.sellerId, current.sellerId), eq(products.productId, fields.productId), ne(products.id, id)))
    .limit(1))[0];
  if (clash) return duplicateProductId(fields.productId, current.sellerName);
  await write(() =>
    getDb()
      .update(products)
      .set({ ...fields, updatedAt: new Date().toISOString() })
      .where(eq(products.id, id)),
  );
  const changed = Object.fromEntries(
    Object.entries(fields)
      .filter(([k, v]) => current[k as keyof typeof fields] !== v)
      .map(([k, v]) => [k, { from: current[k as keyof typeof fields], to: v }]),
  );
  await audit(user, 'product.update', 'product', id, { seller: current.sellerSlug, changed });
  refreshProductPages();
  return { ok: true, message: `Product ${fields.label} saved.`, data: { id, seller: current.sellerSlug } };
});

export const deleteProduct = authorizedAction('products.manage', deleteInput, async ({ id }, user) => {
  const current = await getProductById(id);
  if (!current) return { ok: false, status: 404, message: 'This product no longer exists.' };
  await write(() => getDb().delete(products).where(eq(products.id, id)));
  await audit(user, 'product.delete', 'product', id, {
    seller: current.sellerSlug,
    productId: current.productId,
    label: current.label,
  });
  refreshProductPages();
  return { ok: true, message: `Product ${current.label} deleted.` };
});

async function checkImport(csv: string): Promise<{ report: ProductImportReport; sellerIds: Map<string, number> }> {
  const db = getDb();
  const sellerRows = await db.select({ id: sellers.id, slug: sellers.slug }).from(sellers);
  const sellerIds = new Map(sellerRows.map((s) => [s.slug, s.id]));
  const existingRows = await db
    .select({ slug: sellers.slug, productId: products.productId })
    .from(products)
    .innerJoin(sellers, eq(products.sellerId, sellers.id));
  const existing = new Set(existingRows.map((r) => productKey(r.slug, r.productId)));
  const report = markImportModes(validateProductCsv(csv, new Set(sellerIds.keys())), existing);
  return { report, sellerIds };
}

/** Step one of a CSV import: validates every row and reports; writes nothing. */
export const previewProductImport = authorizedAction('products.manage', importInput, async ({ csv }) => {
  const { report } = await checkImport(csv);
  const ok = report.fileErrors.length === 0;
  return {
    ok,
    status: ok ? undefined : 422,
    message: ok
      ? `${report.goodCount} row(s) can be imported, ${report.badCount} have errors.`
      : 'The file cannot be imported.',
    data: report,
  };
});

/**
 * Step two: validates the same CSV again (nothing from the preview is trusted) and saves only the good rows,
 * all in one transaction. A row whose productId exists for its Seller replaces that product's label and site.
 */
export const confirmProductImport = authorizedAction('products.manage', importInput, async ({ csv }, user) => {
  const { report, sellerIds } = await checkImport(csv);
  if (report.fileErrors.length > 0) {
    return { ok: false, status: 422, message: 'The file cannot be imported.', data: report };
  }
  const good = report.rows.filter((r) => r.product);
  const now = new Date().toISOString();
  await transaction(async (tx) => {
    for (const row of good) {
      const { seller, ...fields } = row.product!;
      await tx.insert(products)
        .values({ ...fields, sellerId: sellerIds.get(seller)! })
        .onConflictDoUpdate({
          target: [products.sellerId, products.productId],
          set: { label: fields.label, siteId: fields.siteId, siteName: fields.siteName, siteAddress: fields.siteAddress, siteTimeZone: fields.siteTimeZone, updatedAt: now },
        });
    }
  });
  const created = good.filter((r) => r.mode === 'create').length;
  const updated = good.length - created;
  await audit(user, 'product.import', 'product', 'csv', {
    created,
    updated,
    skipped: report.badCount,
    lines: good.map((r) => r.line),
  });
  refreshProductPages();
  return {
    ok: true,
    message: `Imported ${good.length} product(s): ${created} added, ${updated} updated; ${report.badCount} row(s) skipped.`,
    data: report,
  };
});
