import fs from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { closeDb, getDb } from '@/db';
import { auditLog, sellers } from '@/db/schema';
import { createSeller, setSellerEnabled, updateSeller } from '@/lib/actions/sellers';
import { getSellerView, listSellerViews } from '@/lib/data/sellers';
import { enabledSellerConnections, getSellerBySlug, sellerConnection } from '@/lib/sellers/registry';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { SELLER_SECRET, sellerForm, snapshot, toFormData } from './settings-fixture';

let dbPath: string;

beforeEach(async () => {
  ({ dbPath } = usePortalTestEnv());
  const admin = await createUser('admin');
  actAs(admin.id);
});

function rawDatabaseBytes(): string {
  closeDb(); // checkpoints the WAL into the main file
  const parts = [dbPath, `${dbPath}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1'));
  return parts.join('');
}

describe('creating a Seller', () => {
  it('saves it from the form, with the secret sealed in the database file', async () => {
    const state = await createSeller(null, toFormData(sellerForm()));
    expect(state).toMatchObject({ ok: true, data: { slug: 'acme' } });

    const bytes = rawDatabaseBytes();
    expect(bytes).toContain('buyer-client-id-acme');
    expect(bytes).not.toContain(SELLER_SECRET);

    const row = await getSellerBySlug('acme');
    expect(row).toMatchObject({ name: 'Acme Networks', timeoutMs: 8000, origin: 'ui', enabled: true, buyerId: null });
    expect(row!.clientSecretEnc).not.toContain(SELLER_SECRET);
  });

  it('shows only a masked secret to the settings screens', async () => {
    await createSeller(sellerForm());
    const view = await getSellerView('acme');
    expect(view!.clientSecretMasked).toBe(`••••${SELLER_SECRET.slice(-4)}`);
    expect(JSON.stringify(await listSellerViews())).not.toContain(SELLER_SECRET);
    expect(view).not.toHaveProperty('clientSecretEnc');
  });

  it('gives the wire a connection with the secret opened', async () => {
    await createSeller(sellerForm({ scopeMode: 'fixed', fixedScope: 'sonata-all', buyerId: 'buyer-7' }));
    const connection = sellerConnection((await getSellerBySlug('acme'))!);
    expect(connection).toEqual({
      slug: 'acme',
      baseUrls: {
        troubleTicket: 'http://127.0.0.1:4010/acme/mefApi/sonata/troubleTicket/v4',
        appointment: 'http://127.0.0.1:4010/acme/mefApi/sonata/appointment/v2',
        workOrder: 'http://127.0.0.1:4010/acme/mefApi/sonata/workOrderManagement/v2',
      },
      oauth: {
        tokenUrl: 'http://127.0.0.1:4010/acme/oauth2/token',
        clientId: 'buyer-client-id-acme',
        clientSecret: SELLER_SECRET,
        scopeMode: 'fixed',
        fixedScope: 'sonata-all',
      },
      buyerId: 'buyer-7',
      timeoutMs: 8000,
      toleratedDeviations: { known: ['listItemsMissingRequired', 'mediaTypeWithoutCharset', 'unknownMembers', 'bareWorkOrderList'], allowed: [] },
    });
  });

  it('refuses a duplicate slug, a malformed URL and a missing credential without saving', async () => {
    await createSeller(sellerForm());
    const before = await snapshot();

    const duplicate = await createSeller(sellerForm({ name: 'Another' }));
    expect(duplicate).toMatchObject({ ok: false, status: 409, errors: { slug: ['The slug "acme" is already used by another Seller'] } });

    const malformed = await createSeller(sellerForm({ slug: 'globex', appointmentBaseUrl: 'globex.example/v2' }));
    expect(malformed.ok).toBe(false);
    expect(malformed.errors?.appointmentBaseUrl).toEqual(['Enter a full URL starting with http:// or https://']);

    const missing = await createSeller(sellerForm({ slug: 'initech', clientSecret: '' }));
    expect(missing.errors?.clientSecret).toEqual(['Enter the client secret']);

    expect(await snapshot()).toEqual(before);
  });

  it('records an audit entry without the secret', async () => {
    await createSeller(sellerForm());
    const entries = await getDb().select().from(auditLog).where(eq(auditLog.action, 'seller.create')).all();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.entityId).toBe('acme');
    expect(JSON.stringify(entries[0])).not.toContain(SELLER_SECRET);
  });

  it('survives closing and reopening the database', async () => {
    await createSeller(sellerForm());
    closeDb();
    const reopened = await getSellerBySlug('acme');
    expect(reopened?.name).toBe('Acme Networks');
    expect(sellerConnection(reopened!).oauth.clientSecret).toBe(SELLER_SECRET);
  });
});

describe('editing a Seller', () => {
  beforeEach(async () => {
    await createSeller(sellerForm());
  });

  it('keeps the stored secret when the form leaves it blank', async () => {
    const sealedBefore = (await getSellerBySlug('acme'))!.clientSecretEnc;
    const state = await updateSeller(null, toFormData(sellerForm({ name: 'Acme Renamed', clientSecret: '' })));
    expect(state.ok).toBe(true);
    const after = (await getSellerBySlug('acme'))!;
    expect(after.name).toBe('Acme Renamed');
    expect(after.clientSecretEnc).toBe(sealedBefore);
    expect(sellerConnection(after).oauth.clientSecret).toBe(SELLER_SECRET);
  });

  it('replaces the secret when a new one is given, and audits that it changed but not its value', async () => {
    await updateSeller(sellerForm({ clientSecret: 'rotated-secret-0001', timeoutMs: '20000' }));
    const after = (await getSellerBySlug('acme'))!;
    expect(sellerConnection(after).oauth.clientSecret).toBe('rotated-secret-0001');
    const entry = await getDb().select().from(auditLog).where(eq(auditLog.action, 'seller.update')).get();
    expect(entry!.detail).toEqual({ changed: { timeoutMs: { from: 8000, to: 20000 } }, secretChanged: true });
    expect(JSON.stringify(entry)).not.toContain('rotated-secret-0001');
  });

  it('clears the fixed scope when the mode is no longer fixed', async () => {
    await updateSeller(sellerForm({ scopeMode: 'fixed', fixedScope: 'all' }));
    await updateSeller(sellerForm({ scopeMode: 'none', fixedScope: 'all' }));
    expect((await getSellerBySlug('acme'))!.fixedScope).toBeNull();
  });

  it('answers 404 for an unknown slug and field errors for a bad URL, saving nothing', async () => {
    const before = await snapshot();
    expect(await updateSeller(sellerForm({ slug: 'nobody' }))).toMatchObject({ ok: false, status: 404 });
    const bad = await updateSeller(sellerForm({ tokenUrl: 'mailto:x@example.com' }));
    expect(bad.errors?.tokenUrl).toBeDefined();
    expect(await snapshot()).toEqual(before);
  });

  it('disables and enables; only enabled Sellers get a connection', async () => {
    await createSeller(sellerForm({ slug: 'globex', name: 'Globex' }));
    expect(await setSellerEnabled(toFormData({ slug: 'acme', enabled: 'false' }))).toMatchObject({ ok: true });
    expect((await enabledSellerConnections()).map((c) => c.slug)).toEqual(['globex']);
    await setSellerEnabled({ slug: 'acme', enabled: true });
    expect((await enabledSellerConnections()).map((c) => c.slug)).toEqual(['acme', 'globex']);
    const actions = (await getDb().select().from(auditLog).where(eq(auditLog.entityId, 'acme')).all()).map((a) => a.action);
    expect(actions).toEqual(['seller.create', 'seller.disable', 'seller.enable']);
    expect((await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get())!.enabled).toBe(true);
  });
});
