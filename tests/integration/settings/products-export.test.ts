import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { GET } from '@/app/(portal)/settings/products/export/route';
import { createProduct } from '@/lib/actions/products';
import { createSeller } from '@/lib/actions/sellers';
import { validateProductCsv } from '@/lib/domain/product-csv';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { sellerForm } from './settings-fixture';

const site = { siteId: 'S-1', siteName: 'HQ', siteAddress: '1 rue X, Paris', siteTimeZone: 'Europe/Paris' };
let adminId: number;

beforeEach(async () => {
  usePortalTestEnv();
  adminId = (await createUser('admin')).id;
  actAs(adminId);
  await createSeller(sellerForm());
  await createSeller(sellerForm({ slug: 'globex', name: 'Globex' }));
  await createProduct({ seller: 'acme', productId: 'A-1', label: 'Acme "one"', ...site });
  await createProduct({ seller: 'globex', productId: 'G-1', label: 'Globex one', ...site });
});

const get = (query = '') => GET(new Request(`http://127.0.0.1:3000/settings/products/export${query}`), {});

describe('product CSV export', () => {
  it('exports the filtered list as a CSV the import reads back', async () => {
    const response = await get('?seller=acme');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="products-acme-\d{4}-\d{2}-\d{2}\.csv"$/);
    const report = validateProductCsv(await response.text(), new Set(['acme', 'globex']));
    expect(report.rows.map((r) => r.product)).toEqual([{ seller: 'acme', productId: 'A-1', label: 'Acme "one"', ...site }]);
  });

  it('exports every Seller without a filter', async () => {
    const text = await (await get()).text();
    expect(text.trimEnd().split('\r\n')).toHaveLength(3);
  });

  it('refuses without a session and without the permission', async () => {
    actAs(null);
    expect((await get()).status).toBe(401);
    actAs((await createUser('manager')).id);
    expect((await get()).status).toBe(403);
  });
});
