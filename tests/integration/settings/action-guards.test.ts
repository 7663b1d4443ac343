import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { ROLES } from '@/db/schema';
import * as productActions from '@/lib/actions/products';
import * as sellerActions from '@/lib/actions/sellers';
import * as userActions from '@/lib/actions/users';
import { actionPermission } from '@/lib/actions/authorized-action';
import { can, type Permission } from '@/lib/auth/permissions';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { sellerForm, snapshot } from './settings-fixture';

type Fixture = { adminId: number; otherUserId: number; productId: number };
type Action = (input: Record<string, unknown>) => Promise<{ ok: boolean; status?: number }>;

const csv = 'seller,productId,label,siteId,siteName,siteAddress,siteTimeZone\r\nacme,NEW-1,New,,,,UTC\r\n';
const product = { productId: 'P-1', label: 'One', siteId: '', siteName: '', siteAddress: '', siteTimeZone: 'UTC' };

/** A valid input for each action, so a refusal can only come from the permission check. */
const VALID_INPUT: Record<string, (f: Fixture) => Record<string, unknown>> = {
  createSeller: () => sellerForm({ slug: 'globex', name: 'Globex' }),
  updateSeller: () => sellerForm({ name: 'Renamed', clientSecret: 'changed-secret' }),
  setSellerEnabled: () => ({ slug: 'acme', enabled: 'false' }),
  createProduct: () => ({ seller: 'acme', ...product, productId: 'P-2' }),
  updateProduct: (f) => ({ id: f.productId, ...product, label: 'Changed' }),
  deleteProduct: (f) => ({ id: f.productId }),
  previewProductImport: () => ({ csv }),
  confirmProductImport: () => ({ csv }),
  createUser: () => ({ email: 'new@example.test', name: 'New', role: 'noc', password: 'long-enough-password' }),
  changeUserRole: (f) => ({ id: f.otherUserId, role: 'admin' }),
  setUserActive: (f) => ({ id: f.otherUserId, active: 'false' }),
  resetUserPassword: (f) => ({ id: f.otherUserId, password: 'another-long-password' }),
  unlinkUserSso: (f) => ({ id: f.otherUserId }),
};

const MODULES: Array<[string, Record<string, unknown>, Permission]> = [
  ['lib/actions/sellers', sellerActions, 'sellers.manage'],
  ['lib/actions/products', productActions, 'products.manage'],
  ['lib/actions/users', userActions, 'users.manage'],
];

let fixture: Fixture;

beforeEach(async () => {
  usePortalTestEnv();
  const admin = await createUser('admin');
  const other = await createUser('noc', 'victim@example.test');
  actAs(admin.id);
  await sellerActions.createSeller(sellerForm());
  const created = await productActions.createProduct({ seller: 'acme', ...product });
  fixture = { adminId: admin.id, otherUserId: other.id, productId: (created.data as { id: number }).id };
});

describe.each(MODULES)('every action of %s', (_name, module, permission) => {
  const entries = Object.entries(module).filter(([, v]) => typeof v === 'function') as Array<[string, Action]>;

  it('is declared with its permission and has a test input', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, action] of entries) {
      expect(actionPermission(action), name).toBe(permission);
      expect(VALID_INPUT[name], `no test input for ${name}`).toBeDefined();
    }
  });

  it('refuses a caller without a session (401) and changes nothing', async () => {
    for (const [name, action] of entries) {
      const before = await snapshot();
      actAs(null);
      const state = await action(VALID_INPUT[name]!(fixture));
      expect(state, name).toMatchObject({ ok: false, status: 401 });
      expect(await snapshot(), name).toEqual(before);
    }
  });

  const lacking = ROLES.filter((role) => !can(role, permission));
  it.each(lacking)('refuses the %s role (403) and changes nothing', async (role) => {
    const user = await createUser(role, `${role}-caller@example.test`);
    for (const [name, action] of entries) {
      const before = await snapshot();
      actAs(user.id);
      const state = await action(VALID_INPUT[name]!(fixture));
      expect(state, name).toMatchObject({ ok: false, status: 403 });
      expect(await snapshot(), name).toEqual(before);
    }
  });

  it('lets an administrator through with the same input (the refusals above are not about the input)', async () => {
    for (const [name, action] of entries) {
      actAs(fixture.adminId);
      const state = await action(VALID_INPUT[name]!(fixture));
      expect(state.status, `${name}: ${JSON.stringify(state)}`).toBeUndefined();
      expect(state.ok, name).toBe(true);
    }
  });
});
