import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import {
  confirmProductImport,
  createProduct,
  deleteProduct,
  previewProductImport,
  updateProduct,
} from '@/lib/actions/products';
import { createSeller } from '@/lib/actions/sellers';
import { listProducts } from '@/lib/data/products';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { sellerForm, snapshot, toFormData } from './settings-fixture';

const HEADER = 'seller,productId,label,siteId,siteName,siteAddress,siteTimeZone';
const product = { seller: 'acme', productId: 'ETH-100', label: 'Paris HQ 1G', siteId: 'S-1', siteName: 'HQ', siteAddress: '1 rue X', siteTimeZone: 'Europe/Paris' };

beforeEach(async () => {
  usePortalTestEnv();
  actAs((await createUser('admin')).id);
  await createSeller(sellerForm());
  await createSeller(sellerForm({ slug: 'globex', name: 'Globex' }));
});

describe('one product at a time', () => {
  it('adds, edits and deletes, auditing each change', async () => {
    const created = await createProduct(null, toFormData(product));
    expect(created).toMatchObject({ ok: true });
    const id = (created.data as { id: number }).id;
    expect(await listProducts({ sellerSlug: 'acme' })).toMatchObject([{ productId: 'ETH-100', sellerName: 'Acme Networks' }]);
    expect(await listProducts({ sellerSlug: 'globex' })).toEqual([]);

    expect(await updateProduct({ ...product, id: String(id), label: 'Paris HQ 10G' })).toMatchObject({ ok: true });
    expect((await listProducts())[0]!.label).toBe('Paris HQ 10G');

    expect(await deleteProduct(toFormData({ id: String(id) }))).toMatchObject({ ok: true });
    expect(await listProducts()).toEqual([]);
    const actions = (await getDb().select().from(auditLog).where(eq(auditLog.entityType, 'product')).all()).map((a) => a.action);
    expect(actions).toEqual(['product.create', 'product.update', 'product.delete']);
  });

  it('keeps productId unique per Seller but allows it at another Seller', async () => {
    await createProduct(product);
    const before = await snapshot();
    expect(await createProduct({ ...product, label: 'Again' })).toMatchObject({
      ok: false,
      status: 409,
      errors: { productId: ['Acme Networks already has a product with id "ETH-100"'] },
    });
    expect(await snapshot()).toEqual(before);
    expect(await createProduct({ ...product, seller: 'globex' })).toMatchObject({ ok: true });
  });

  it('refuses an edit onto another product id of the same Seller', async () => {
    await createProduct(product);
    const second = await createProduct({ ...product, productId: 'ETH-200' });
    const result = await updateProduct({ ...product, id: String((second.data as { id: number }).id) });
    expect(result.status).toBe(409);
  });

  it('refuses an unknown time zone and an unknown Seller under their fields', async () => {
    const before = await snapshot();
    expect((await createProduct({ ...product, siteTimeZone: 'Paris' })).errors?.siteTimeZone).toBeDefined();
    expect((await createProduct({ ...product, seller: 'umbrella' })).errors?.seller).toEqual(['Choose a Seller']);
    expect(await snapshot()).toEqual(before);
  });
});

describe('CSV import', () => {
  const csv = [
    HEADER,
    'acme,ETH-1,"Paris, HQ",S1,HQ,"1 rue X, Paris",Europe/Paris',
    'acme,ETH-2,,S2,,,Europe/Paris',
    'globex,"ETH-1","Globex ""main"" site",,,,America/New_York',
    'umbrella,U-1,Nope,,,,UTC',
  ].join('\r\n');

  it('previews a per-row report and writes nothing', async () => {
    await createProduct({ ...product, seller: 'globex', productId: 'ETH-1' });
    const before = await snapshot();
    const preview = await previewProductImport(null, toFormData({ csv }));
    expect(preview.ok).toBe(true);
    const report = preview.data as { rows: Array<{ line: number; errors: string[]; mode?: string }>; goodCount: number; badCount: number };
    expect(report.goodCount).toBe(2);
    expect(report.badCount).toBe(2);
    expect(report.rows.map((r) => [r.line, r.mode ?? r.errors])).toEqual([
      [2, 'create'],
      [3, ['label: Enter a label']],
      [4, 'update'],
      [5, ['seller: no Seller with slug "umbrella"']],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('writes only the good rows when confirmed', async () => {
    const result = await confirmProductImport({ csv });
    expect(result).toMatchObject({ ok: true, message: 'Imported 2 product(s): 2 added, 0 updated; 2 row(s) skipped.' });
    const rows = await listProducts();
    expect(rows.map((r) => [r.sellerSlug, r.productId, r.label, r.siteAddress])).toEqual([
      ['acme', 'ETH-1', 'Paris, HQ', '1 rue X, Paris'],
      ['globex', 'ETH-1', 'Globex "main" site', ''],
    ]);
    const entry = await getDb().select().from(auditLog).where(eq(auditLog.action, 'product.import')).get();
    expect(entry!.detail).toMatchObject({ created: 2, updated: 0, skipped: 2, lines: [2, 4] });
  });

  it('updates a product that already exists instead of duplicating it', async () => {
    await createProduct({ ...product, productId: 'ETH-1', label: 'Old label' });
    await confirmProductImport({ csv });
    const acme = await listProducts({ sellerSlug: 'acme' });
    expect(acme.map((p) => [p.productId, p.label])).toEqual([['ETH-1', 'Paris, HQ']]);
  });

  it('refuses a file with a bad header at both steps, writing nothing', async () => {
    const before = await snapshot();
    const bad = 'seller,id,label\nacme,1,x\n';
    expect(await previewProductImport({ csv: bad })).toMatchObject({ ok: false, status: 422 });
    expect(await confirmProductImport({ csv: bad })).toMatchObject({ ok: false, status: 422 });
    expect((await confirmProductImport({ csv: '' })).errors?.csv).toEqual(['Choose a CSV file']);
    expect(await snapshot()).toEqual(before);
  });
});
