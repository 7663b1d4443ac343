import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, sellers } from '@/db/schema';
import { fieldErrors } from '@/lib/actions/authorized-action';
import { createSeller, updateSeller } from '@/lib/actions/sellers';
import { getSellerView } from '@/lib/data/sellers';
import { sellerCreateSchema } from '@/lib/domain/seller-registry';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { sellersFileEntries } from '@/lib/sync/sandbox-discovery';
import { applySellersFile, SellersFileError } from '@/lib/sync/sellers-file';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { sellerForm, snapshot } from './settings-fixture';

/** A Seller names its reference point (Sonata or Cantata); base URLs that name one must name the Seller's. */

let dir: string;

function cantataUrls(slug = 'acme') {
  const base = `http://127.0.0.1:4010/${slug}/mefApi/cantata`;
  return {
    troubleTicketBaseUrl: `${base}/troubleTicket/v4`,
    appointmentBaseUrl: `${base}/appointment/v2`,
    workOrderBaseUrl: `${base}/workOrderManagement/v2`,
  };
}

beforeEach(async () => {
  ({ dir } = usePortalTestEnv());
  actAs((await createUser('admin')).id);
});

describe('the reference point in the Seller form', () => {
  it('defaults to sonata, and a Cantata provider is saved with its /mefApi/cantata/ URLs', async () => {
    expect(sellerCreateSchema.parse(sellerForm()).referencePoint).toBe('sonata');
    const state = await createSeller(sellerForm({ slug: 'umbrella', referencePoint: 'cantata', ...cantataUrls('umbrella') }));
    expect(state).toMatchObject({ ok: true });
    expect(await getSellerBySlug('umbrella')).toMatchObject({ referencePoint: 'cantata', troubleTicketBaseUrl: cantataUrls('umbrella').troubleTicketBaseUrl });
    expect((await getSellerView('umbrella'))!.referencePoint).toBe('cantata');
  });

  it('refuses base URLs on the other reference point, with an error under each such field, saving nothing', async () => {
    const before = await snapshot();
    const state = await createSeller(sellerForm({ ...cantataUrls(), appointmentBaseUrl: 'http://127.0.0.1:4010/acme/mefApi/sonata/appointment/v2' }));
    expect(state).toMatchObject({ ok: false });
    expect(Object.keys(state.errors ?? {}).sort()).toEqual(['troubleTicketBaseUrl', 'workOrderBaseUrl']);
    expect(state.errors!.troubleTicketBaseUrl![0]).toBe(
      "This URL is on /mefApi/cantata/ but the Seller's reference point is sonata: use …/mefApi/sonata/… or choose cantata as the reference point",
    );
    const sonataOnCantata = await createSeller(sellerForm({ referencePoint: 'cantata' }));
    expect(Object.keys(sonataOnCantata.errors ?? {}).sort()).toEqual(['appointmentBaseUrl', 'troubleTicketBaseUrl', 'workOrderBaseUrl']);
    expect(sonataOnCantata.errors!.workOrderBaseUrl![0]).toContain('on /mefApi/sonata/ but the Seller\'s reference point is cantata');
    expect(await snapshot()).toEqual(before);
  });

  it('accepts URLs without /mefApi/ on either reference point, and refuses an unknown one', () => {
    const bare = { troubleTicketBaseUrl: 'https://tt.example/api/v4', appointmentBaseUrl: 'https://ap.example/v2', workOrderBaseUrl: 'https://wo.example/v2' };
    for (const referencePoint of ['sonata', 'cantata']) {
      expect(sellerCreateSchema.safeParse(sellerForm({ ...bare, referencePoint })).success, referencePoint).toBe(true);
    }
    const odd = sellerCreateSchema.safeParse(sellerForm({ referencePoint: 'legato' }));
    expect(odd.success).toBe(false);
    expect(fieldErrors(odd.error!).referencePoint).toEqual(['Choose sonata or cantata']);
  });

  it('switching an existing Seller to Cantata saves and audits the change', async () => {
    await createSeller(sellerForm());
    const state = await updateSeller(sellerForm({ referencePoint: 'cantata', ...cantataUrls(), clientSecret: '' }));
    expect(state).toMatchObject({ ok: true });
    expect((await getSellerBySlug('acme'))!.referencePoint).toBe('cantata');
    const entry = await getDb().select().from(auditLog).where(eq(auditLog.action, 'seller.update')).get();
    expect((entry!.detail as { changed: Record<string, unknown> }).changed.referencePoint).toEqual({ from: 'sonata', to: 'cantata' });

    const refused = await updateSeller(sellerForm({ referencePoint: 'sonata', ...cantataUrls(), clientSecret: '' }));
    expect(refused.errors?.troubleTicketBaseUrl).toBeDefined();
    expect((await getSellerBySlug('acme'))!.referencePoint).toBe('cantata');
  });
});

describe('the reference point in the sellers file', () => {
  function writeFile(content: unknown): string {
    const file = path.join(dir, 'sellers.json');
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  }
  const discovered = (slug: string, referencePoint?: 'sonata' | 'cantata') => ({
    slug,
    name: slug,
    ...(referencePoint ? { referencePoint } : {}),
    baseUrls: {
      troubleTicket: `http://127.0.0.1:4010/${slug}/mefApi/${referencePoint ?? 'sonata'}/troubleTicket/v4`,
      appointment: `http://127.0.0.1:4010/${slug}/mefApi/${referencePoint ?? 'sonata'}/appointment/v2`,
      workOrder: `http://127.0.0.1:4010/${slug}/mefApi/${referencePoint ?? 'sonata'}/workOrderManagement/v2`,
    },
    tokenUrl: `http://127.0.0.1:4010/${slug}/oauth2/token`,
    clientId: `client-${slug}`,
    clientSecret: `secret-${slug}`,
    products: [],
  });

  it('sets it from an entry (sandbox discovery included), sonata when the entry says nothing', async () => {
    const entries = sellersFileEntries([discovered('acme'), discovered('umbrella', 'cantata')]);
    expect(entries.map((e) => e.referencePoint)).toEqual(['sonata', 'cantata']);
    const { referencePoint: _omitted, ...acmeWithout } = entries[0]!;
    await applySellersFile(writeFile([acmeWithout, entries[1]]));
    const rows = await getDb().select({ slug: sellers.slug, referencePoint: sellers.referencePoint }).from(sellers).orderBy(sellers.slug).all();
    expect(rows).toEqual([
      { slug: 'acme', referencePoint: 'sonata' },
      { slug: 'umbrella', referencePoint: 'cantata' },
    ]);
  });

  it('refuses an entry whose URLs are on the other reference point, naming entry and field', async () => {
    const [entry] = sellersFileEntries([discovered('umbrella', 'cantata')]);
    const error = await applySellersFile(writeFile([{ ...entry, referencePoint: 'sonata' }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SellersFileError);
    expect((error as SellersFileError).problems[0]).toBe(
      'entry 1 ("umbrella"), field troubleTicketBaseUrl: This URL is on /mefApi/cantata/ but the Seller\'s reference point is sonata: use …/mefApi/sonata/… or choose cantata as the reference point',
    );
    expect(await getDb().select().from(sellers).all()).toEqual([]);
  });
});
