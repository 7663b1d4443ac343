import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { troubleTicketClient, workOrderClient } from '@/lib/sonata/client';
import { DEFAULT_TOLERATED_DEVIATIONS, NO_TOLERATED_DEVIATIONS, parseToleratedDeviations, type ToleratedDeviations } from '@/lib/sonata/deviations';
import { SonataSchemaError } from '@/lib/sonata/errors';
import { TokenCache } from '@/lib/sonata/token-cache';
import { json, startFakeSeller, type FakeSeller } from './fake-seller';
import { sellerTicketBody } from '../../support/ticket-body';

let seller: FakeSeller;
let tokenCache: TokenCache;
beforeEach(async () => {
  seller = await startFakeSeller();
  tokenCache = new TokenCache();
});
afterEach(async () => {
  await seller.close();
});

const ticket = sellerTicketBody;
const listItem = (id: string) => {
  const { relatedContactInformation: _c, ...rest } = ticket(id, { externalId: `NOC-${id}` });
  return rest;
};
const wo = (id: string) => ({ id, state: 'open', appointmentRequired: true, place: [{ '@type': 'GeographicSiteRef', role: 'workPlace', id: 's' }], relatedEntity: [{ '@referredType': 'TroubleTicket', id: 't', role: 'ticket' }] });

function tt(tolerance?: ToleratedDeviations) {
  return troubleTicketClient({ ...seller.connection(), ...(tolerance ? { toleratedDeviations: tolerance } : {}) }, { tokenCache });
}

async function schemaError(p: Promise<unknown>): Promise<SonataSchemaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SonataSchemaError);
  return err as SonataSchemaError;
}

describe('every Seller answer is checked against the operation schema', () => {
  it('refuses a document that breaks the schema, with each violation’s path and message', async () => {
    seller.setHandler((_req, res) => json(res, 200, { ...ticket('tt-1', { status: 'fixedMaybe' }), description: undefined }));
    const err = await schemaError(tt().retrieveTroubleTicket('tt-1'));
    expect(err).toMatchObject({ kind: 'protocol', retryable: false, api: 'troubleTicket', operationId: 'retrieveTroubleTicket', resourceId: 'tt-1', sellerSlug: 'acme' });
    expect(err.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/status', keyword: 'enum' }),
        expect.objectContaining({ path: '/description', keyword: 'required', message: 'is required' }),
      ]),
    );
  });

  it('a conforming answer passes untouched', async () => {
    seller.setHandler((_req, res) => json(res, 200, ticket('tt-1')));
    expect(await tt(NO_TOLERATED_DEVIATIONS).retrieveTroubleTicket('tt-1')).toEqual(ticket('tt-1'));
  });

  it('refuses a body that is not application/json whatever is tolerated', async () => {
    seller.setHandler((_req, res) => json(res, 200, ticket('tt-1'), { 'Content-Type': 'text/html' }));
    const err = await schemaError(tt().retrieveTroubleTicket('tt-1'));
    expect(err.violations).toEqual([expect.objectContaining({ path: '', keyword: 'mediaType' })]);
  });
});

describe('tolerated deviations, per Seller', () => {
  it('the known defects are accepted when listed and refused when not', async () => {
    seller.setHandler((_req, res) => json(res, 200, { ...ticket('tt-1'), lastUpdate: '2026-01-02T00:00:00Z' }, { 'Content-Type': 'application/json' }));
    expect((await tt(DEFAULT_TOLERATED_DEVIATIONS).retrieveTroubleTicket('tt-1')).id).toBe('tt-1');
    const err = await schemaError(tt(NO_TOLERATED_DEVIATIONS).retrieveTroubleTicket('tt-1'));
    expect(err.violations.map((v) => [v.path, v.keyword])).toEqual([
      ['', 'mediaType'],
      ['/lastUpdate', 'unexpectedProperty'],
    ]);
    const onlyCharset = await schemaError(tt({ known: ['mediaTypeWithoutCharset'], allowed: [] }).retrieveTroubleTicket('tt-1'));
    expect(onlyCharset.violations.map((v) => v.path)).toEqual(['/lastUpdate']);
  });

  it('list items without required members are accepted only under listItemsMissingRequired', async () => {
    const items = [listItem('a'), listItem('b')].map(({ sellerPriority: _p, ...rest }) => rest);
    seller.setHandler((_req, res) => json(res, 200, items, { 'X-Total-Count': '2' }));
    expect((await tt().listTroubleTicket()).items.map((t) => t.id)).toEqual(['a', 'b']);
    const err = await schemaError(tt(NO_TOLERATED_DEVIATIONS).listTroubleTicket());
    expect(err.violations.map((v) => v.path)).toEqual(['/0/sellerPriority', '/1/sellerPriority']);
    expect(err.resourceId).toBeUndefined();
  });

  it('a bare GET /workorder array is read as the whole list (one request); refused when not tolerated', async () => {
    seller.setHandler((_req, res) => json(res, 200, [wo('w1'), wo('w2')]));
    const client = workOrderClient(seller.connection(), { tokenCache });
    const all = await client.listAllWorkOrder({}, { pageSize: 2 });
    expect(all).toMatchObject({ complete: true, totalCount: 2 });
    expect(all.items.map((w) => w.id)).toEqual(['w1', 'w2']);
    expect(seller.requests).toHaveLength(1);
    const strict = workOrderClient({ ...seller.connection(), toleratedDeviations: NO_TOLERATED_DEVIATIONS }, { tokenCache });
    const err = await schemaError(strict.listWorkOrder());
    expect(err.violations).toEqual([expect.objectContaining({ keyword: 'bareList' })]);
  });

  it('an administrator’s allowance accepts exactly the named violation', async () => {
    const body = ticket('tt-1', { relatedEntity: [{ '@referredType': 'Product', id: 'p-1' }] });
    seller.setHandler((_req, res) => json(res, 200, body));
    await schemaError(tt().retrieveTroubleTicket('tt-1'));
    const allowing = parseToleratedDeviations({ known: [], allowed: [{ operationId: 'retrieveTroubleTicket', path: '/relatedEntity/*/role', keyword: 'required' }] });
    expect((await tt(allowing).retrieveTroubleTicket('tt-1')).id).toBe('tt-1');
    const otherOperation = parseToleratedDeviations({ known: [], allowed: [{ operationId: 'patchTroubleTicket', path: '/relatedEntity/*/role' }] });
    await schemaError(tt(otherOperation).retrieveTroubleTicket('tt-1'));
  });

  it('reads stored lists leniently: unknown switches and malformed allowances are dropped', () => {
    expect(parseToleratedDeviations('{"known":["unknownMembers","nonsense"],"allowed":[{"path":"x"},{"path":"/a/*"}]}')).toEqual({
      known: ['unknownMembers'],
      allowed: [{ path: '/a/*' }],
    });
    expect(parseToleratedDeviations(undefined)).toEqual(DEFAULT_TOLERATED_DEVIATIONS);
  });
});
