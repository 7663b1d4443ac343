import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { products, sellers } from '@/db/schema';
import { openSecret } from '@/lib/crypto/secret-box';
import { applySellersFile, SellersFileError } from '@/lib/sync/sellers-file';
import { TEST_SECRETS_KEY, usePortalTestEnv } from '../../support/portal-env';

const key = Buffer.from(TEST_SECRETS_KEY, 'hex');
let dir: string;

function entry(slug: string, over: Record<string, unknown> = {}) {
  const base = `http://127.0.0.1:4010/${slug}/mefApi/sonata`;
  return {
    slug,
    name: slug.toUpperCase(),
    troubleTicketBaseUrl: `${base}/troubleTicket/v4`,
    appointmentBaseUrl: `${base}/appointment/v2`,
    workOrderBaseUrl: `${base}/workOrderManagement/v2`,
    tokenUrl: `http://127.0.0.1:4010/${slug}/oauth2/token`,
    clientId: `client-${slug}`,
    clientSecret: `secret-${slug}`,
    scopeMode: 'operation',
    timeoutMs: 5000,
    products: [
      { productId: `${slug}-P1`, label: 'Paris HQ', siteId: 'S1', siteName: 'HQ', siteAddress: '1 rue X', siteTimeZone: 'Europe/Paris' },
    ],
    ...over,
  };
}

function writeFile(content: unknown, name = 'sellers.json'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

beforeEach(() => {
  ({ dir } = usePortalTestEnv());
});

describe('applySellersFile', () => {
  it('creates file Sellers with sealed secrets and their products', async () => {
    const result = await applySellersFile(writeFile([entry('acme'), entry('globex', { enabled: false, products: [] })]));
    expect(result).toMatchObject({ created: ['acme', 'globex'], updated: [], productsCreated: 1 });
    const acme = await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get();
    expect(acme).toMatchObject({ origin: 'file', enabled: true, timeoutMs: 5000, clientId: 'client-acme' });
    expect(acme!.clientSecretEnc).not.toContain('secret-acme');
    expect(openSecret(acme!.clientSecretEnc, key, 'seller:acme:clientSecret')).toBe('secret-acme');
    const globex = await getDb().select().from(sellers).where(eq(sellers.slug, 'globex')).get();
    expect(globex!.enabled).toBe(false);
    const rows = await getDb().select().from(products).all();
    expect(rows).toMatchObject([{ sellerId: acme!.id, productId: 'acme-P1', siteTimeZone: 'Europe/Paris' }]);
  });

  it('reads a secret from the environment variable the entry names', async () => {
    const { clientSecret: _drop, ...rest } = entry('acme');
    const file = writeFile([{ ...rest, clientSecretEnv: 'ACME_CLIENT_SECRET' }]);
    await applySellersFile(file, { environment: { ACME_CLIENT_SECRET: 'from-the-environment' } });
    const acme = await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get();
    expect(openSecret(acme!.clientSecretEnc, key, 'seller:acme:clientSecret')).toBe('from-the-environment');

    await expect(applySellersFile(file, { environment: {} })).rejects.toThrow(
      'entry 1 ("acme"), field clientSecretEnv: environment variable ACME_CLIENT_SECRET is not set or empty',
    );
  });

  it('fails with a message naming the entry and the field, writing nothing', async () => {
    const file = writeFile([entry('acme'), entry('globex', { workOrderBaseUrl: 'http://127.0.0.1:4010/globex/' })]);
    const error = await applySellersFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SellersFileError);
    expect((error as SellersFileError).problems).toEqual(['entry 2 ("globex"), field workOrderBaseUrl: Remove the trailing slash']);
    expect((error as Error).message).toContain(file);
    expect(await getDb().select().from(sellers).all()).toEqual([]);
  });

  it('names the product of an entry with a bad time zone, and refuses bad JSON', async () => {
    const bad = entry('acme', { products: [{ productId: 'X', label: 'X', siteTimeZone: 'Europe/Atlantis' }] });
    await expect(applySellersFile(writeFile([bad]))).rejects.toThrow(/entry 1 \("acme"\), field products\.0\.siteTimeZone: Not an IANA time zone/);
    await expect(applySellersFile(writeFile('[{"slug": '))).rejects.toThrow(/is not valid JSON/);
    await expect(applySellersFile(path.join(dir, 'missing.json'))).rejects.toThrow(/cannot be read/);
  });

  it('is idempotent: applying the same file again changes nothing', async () => {
    const file = writeFile([entry('acme'), entry('globex')]);
    await applySellersFile(file);
    const before = { sellers: await getDb().select().from(sellers).all(), products: await getDb().select().from(products).all() };
    const again = await applySellersFile(file);
    expect(again).toMatchObject({ created: [], updated: [], unchanged: ['acme', 'globex'], productsCreated: 0, productsUpdated: 0 });
    expect({ sellers: await getDb().select().from(sellers).all(), products: await getDb().select().from(products).all() }).toEqual(before);
  });

  it('refreshes changed entries and products and reports Sellers that left the file', async () => {
    await applySellersFile(writeFile([entry('acme'), entry('globex')]));
    const changed = entry('acme', {
      name: 'Acme Renamed',
      clientSecret: 'rotated',
      products: [
        { productId: 'acme-P1', label: 'Paris HQ (moved)', siteTimeZone: 'Europe/Paris' },
        { productId: 'acme-P2', label: 'Lyon', siteTimeZone: 'Europe/Paris' },
      ],
    });
    const result = await applySellersFile(writeFile([changed]));
    expect(result).toMatchObject({ updated: ['acme'], productsCreated: 1, productsUpdated: 1, notInFile: ['globex'] });
    const acme = await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get();
    expect(acme!.name).toBe('Acme Renamed');
    expect(openSecret(acme!.clientSecretEnc, key, 'seller:acme:clientSecret')).toBe('rotated');
    const labels = (await getDb().select().from(products).where(eq(products.sellerId, acme!.id)).all()).map((p) => p.label);
    expect(labels.sort()).toEqual(['Lyon', 'Paris HQ (moved)']);
  });
});
