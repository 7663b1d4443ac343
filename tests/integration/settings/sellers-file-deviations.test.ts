import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { sellers } from '@/db/schema';
import { sellerConnection } from '@/lib/sellers/registry';
import { applySellersFile } from '@/lib/sync/sellers-file';
import { usePortalTestEnv } from '../../support/portal-env';

let dir: string;
beforeEach(() => {
  ({ dir } = usePortalTestEnv());
});

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
    ...over,
  };
}

function write(content: unknown): string {
  const file = path.join(dir, `sellers-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('tolerated deviations in the sellers file', () => {
  it('an entry names the known deviations and allowances of its Seller; without them the Seller tolerates the known defects', async () => {
    const allowed = [{ operationId: 'retrieveTroubleTicket', path: '/relatedEntity/*/role', keyword: 'required' }];
    const file = write([entry('acme', { toleratedDeviations: { known: ['mediaTypeWithoutCharset'], allowed } }), entry('globex')]);
    await applySellersFile(file);
    const acme = (await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get())!;
    expect(acme.toleratedDeviations).toEqual({ known: ['mediaTypeWithoutCharset'], allowed });
    expect(sellerConnection(acme).toleratedDeviations).toEqual({ known: ['mediaTypeWithoutCharset'], allowed });
    const globex = (await getDb().select().from(sellers).where(eq(sellers.slug, 'globex')).get())!;
    expect(globex.toleratedDeviations.known).toEqual(['listItemsMissingRequired', 'mediaTypeWithoutCharset', 'unknownMembers', 'bareWorkOrderList']);
    expect(await applySellersFile(file)).toMatchObject({ unchanged: ['acme', 'globex'], updated: [] });
  });

  it('refuses an unknown deviation name or an allowance that is not a JSON Pointer, naming the entry', async () => {
    await expect(applySellersFile(write([entry('acme', { toleratedDeviations: { known: ['anythingGoes'] } })]))).rejects.toThrow(/entry 1 \("acme"\).*unknown deviation anythingGoes/);
    await expect(applySellersFile(write([entry('acme', { toleratedDeviations: { allowed: [{ path: 'status' }] } })]))).rejects.toThrow(/JSON Pointer/);
    expect(await getDb().select().from(sellers).all()).toEqual([]);
  });
});
