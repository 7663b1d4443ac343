import { describe, expect, it } from 'vitest';
import { appointmentSpec } from '@/lib/sonata/generated/appointment.spec';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { workOrderSpec } from '@/lib/sonata/generated/work-order.spec';
import {
  parseQuery,
  validateQuery,
  validateRequestBody,
  validateResponse,
  validateSchema,
  type OpenApiDocument,
} from '@/lib/sonata/openapi-validator';

const ticket = {
  description: 'Down',
  observedImpact: 'down',
  priority: 'high',
  severity: 'minor',
  ticketType: 'assistance',
  relatedContactInformation: [{ name: 'R', number: '1', emailAddress: 'r@x.example', role: 'reporterContact' }],
  relatedEntity: [{ '@referredType': 'Product', id: 'p1', role: 'affectedProduct' }],
};

const byPath = (violations: Array<{ path: string; keyword: string }>) => Object.fromEntries(violations.map((v) => [v.path, v.keyword]));

describe('request bodies', () => {
  it('accepts a valid ticket and reports each kind of violation with a JSON pointer', () => {
    expect(validateRequestBody(troubleTicketSpec, 'createTroubleTicket', ticket)).toEqual([]);
    const bad = {
      ...ticket,
      priority: 'urgent',
      issueStartDate: 'last tuesday',
      relatedEntity: [],
      relatedContactInformation: [{ name: 'R', number: '1', role: 'reporterContact' }],
      extra: true,
      '@type': 'TroubleTicket',
    };
    expect(byPath(validateRequestBody(troubleTicketSpec, 'createTroubleTicket', bad))).toEqual({
      '/priority': 'enum',
      '/issueStartDate': 'format',
      '/relatedEntity': 'minItems',
      '/relatedContactInformation/0/emailAddress': 'required',
      '/extra': 'unexpectedProperty',
    });
  });

  it('allows unknown members when asked to', () => {
    expect(validateRequestBody(troubleTicketSpec, 'createTroubleTicket', { ...ticket, extra: 1 }, { unknownProperties: 'allow' })).toEqual([]);
  });

  it('checks nested unknown members through allOf and arrays', () => {
    const body = { ...ticket, note: [{ id: 'n', author: 'a', date: '2026-01-01T00:00:00Z', source: 'buyer', text: 't', colour: 'red' }] };
    expect(validateRequestBody(troubleTicketSpec, 'createTroubleTicket', body)).toEqual([
      { path: '/note/0/colour', message: expect.any(String), keyword: 'unexpectedProperty' },
    ]);
  });

  it('reports a missing body and a body on an operation that takes none', () => {
    expect(validateRequestBody(troubleTicketSpec, 'reopenTroubleTicket', undefined)[0]?.keyword).toBe('required');
    expect(validateRequestBody(troubleTicketSpec, 'reopenTroubleTicket', {})).toEqual([{ path: '/reason', message: 'is required', keyword: 'required' }]);
    expect(validateRequestBody(troubleTicketSpec, 'cancelTroubleTicket', undefined)).toEqual([]);
    expect(validateRequestBody(troubleTicketSpec, 'cancelTroubleTicket', { x: 1 })[0]?.keyword).toBe('body');
  });

  it('throws on an unknown operation', () => {
    expect(() => validateRequestBody(troubleTicketSpec, 'launchTroubleTicket', {})).toThrow(/Unknown operationId/);
  });
});

describe('the RelatedPlaceRefOrValue discriminator', () => {
  const place = (value: unknown) => validateSchema(appointmentSpec, 'RelatedPlaceRefOrValue', value);

  it('dispatches on @type to the mapped subtype', () => {
    expect(place({ '@type': 'GeographicSiteRef', role: 'site', id: 's1' })).toEqual([]);
    expect(place({ '@type': 'FieldedAddress', role: 'site', streetName: 'Main', city: 'Paris', country: 'FR' })).toEqual([]);
    expect(place({ '@type': 'MEFGeographicPoint', role: 'site', spatialRef: 'WGS84', x: '1', y: '2' })).toEqual([]);
    expect(byPath(place({ '@type': 'GeographicSiteRef', role: 'site' }))).toEqual({ '/id': 'required' });
    expect(byPath(place({ '@type': 'FormattedAddress', role: 'site', city: 'Paris' }))).toEqual({ '/addrLine1': 'required', '/country': 'required' });
  });

  it('requires the base attributes inside every subtype without recursing forever', () => {
    expect(byPath(place({ '@type': 'GeographicAddressRef', id: 'a1' }))).toEqual({ '/role': 'required' });
  });

  it('rejects a missing or unmapped @type, and members of another subtype', () => {
    expect(byPath(place({ role: 'site', id: 's1' }))).toEqual({ '/@type': 'required' });
    expect(byPath(place({ '@type': 'Planet', role: 'site' }))).toEqual({ '/@type': 'enum' });
    expect(byPath(place({ '@type': 'GeographicSiteRef', role: 'site', id: 's1', city: 'Paris' }))).toEqual({ '/city': 'unexpectedProperty' });
  });

  it('applies inside operations: appointment patch relatedPlace', () => {
    expect(validateRequestBody(appointmentSpec, 'patchAppointment', { relatedPlace: { '@type': 'GeographicSiteRef', role: 'x', id: 's' } })).toEqual([]);
    expect(byPath(validateRequestBody(appointmentSpec, 'patchAppointment', { relatedPlace: { '@type': 'GeographicAddressLabel', role: 'x' } }))).toEqual({
      '/relatedPlace/externalReferenceId': 'required',
      '/relatedPlace/externalReferenceType': 'required',
    });
  });
});

describe('responses', () => {
  it('validates declared statuses, bodiless answers and the 422 array', () => {
    expect(validateResponse(troubleTicketSpec, 'cancelTroubleTicket', 204, undefined)).toEqual([]);
    expect(validateResponse(troubleTicketSpec, 'cancelTroubleTicket', 204, { a: 1 })[0]?.keyword).toBe('body');
    expect(validateResponse(troubleTicketSpec, 'cancelTroubleTicket', 418, undefined)[0]?.keyword).toBe('status');
    expect(validateResponse(troubleTicketSpec, 'createTroubleTicket', 422, [{ code: 'invalidValue', reason: 'bad', propertyPath: '/x' }])).toEqual([]);
    expect(validateResponse(troubleTicketSpec, 'createTroubleTicket', 422, { code: 'invalidValue', reason: 'bad' })[0]?.keyword).toBe('type');
    expect(byPath(validateResponse(troubleTicketSpec, 'listTroubleTicket', 401, { code: 'accessDenied', reason: 'x' }))).toEqual({ '/code': 'enum' });
    expect(byPath(validateResponse(troubleTicketSpec, 'listTroubleTicket', 400, { code: 'invalidQuery', reason: 'x'.repeat(256) }))).toEqual({ '/reason': 'maxLength' });
  });

  it('tolerates the documented list defects unless strict', () => {
    const find = { id: 'w', appointmentRequired: false, place: [{ '@type': 'GeographicSiteRef', role: 'r', id: 's' }], relatedEntity: [{ '@referredType': 'TroubleTicket', id: 't', role: 'r' }], state: 'open' };
    expect(validateResponse(workOrderSpec, 'listWorkOrder', 200, [find])).toEqual([]);
    expect(validateResponse(workOrderSpec, 'listWorkOrder', 200, find)).toEqual([]);
    expect(validateResponse(workOrderSpec, 'listWorkOrder', 200, [find], { strict: true })[0]?.keyword).toBe('type');
    expect(byPath(validateResponse(workOrderSpec, 'listWorkOrder', 200, [{ ...find, state: 'done' }]))).toEqual({ '/0/state': 'enum' });
    const item = { id: 't', description: 'd', relatedEntity: ticket.relatedEntity, observedImpact: 'down', priority: 'low', sellerPriority: 'low', severity: 'minor', sellerSeverity: 'minor', ticketType: 'assistance', status: 'acknowledged', creationDate: '2026-01-01T00:00:00Z' };
    expect(validateResponse(troubleTicketSpec, 'listTroubleTicket', 200, [item])).toEqual([]);
    expect(validateResponse(troubleTicketSpec, 'listTroubleTicket', 200, [item], { strict: true })).toHaveLength(3);
    expect(byPath(validateResponse(troubleTicketSpec, 'listTroubleTicket', 200, [{ ...item, id: undefined }]))).toEqual({ '/0/id': 'required' });
  });
});

describe('query strings', () => {
  it('coerces integers and booleans and accepts every declared filter', () => {
    const parsed = parseQuery(workOrderSpec, 'listWorkOrder', new URLSearchParams('offset=5&limit=10&appointmentRequired=true&state=open'));
    expect(parsed).toEqual({ values: { offset: 5, limit: 10, appointmentRequired: true, state: 'open' }, violations: [] });
    expect(validateQuery(troubleTicketSpec, 'listTroubleTicket', { 'creationDate.gt': '2026-01-01T00:00:00Z', relatedEntityType: 'Product' })).toEqual([]);
  });

  it('reports wrong types, enums, formats, repeats and unknown parameters', () => {
    expect(byPath(validateQuery(troubleTicketSpec, 'listTroubleTicket', new URLSearchParams('limit=ten&status=open&resolutionDate.lt=today&bogus=1&offset=1&offset=2')))).toEqual({
      '/limit': 'type',
      '/status': 'enum',
      '/resolutionDate.lt': 'format',
      '/bogus': 'unknownParameter',
      '/offset': 'type',
    });
    expect(byPath(validateQuery(troubleTicketSpec, 'listTroubleTicket', { limit: '3000000000' }))).toEqual({ '/limit': 'format' });
  });
});

describe('OpenAPI 3.0 nullable', () => {
  it('is read as a union with null', () => {
    const doc: OpenApiDocument = {
      paths: {},
      components: {
        schemas: {
          Thing: { type: 'object', properties: { when: { type: 'string', format: 'date-time', nullable: true }, kind: { type: 'string', enum: ['a'], nullable: true } } },
        },
      },
    };
    expect(validateSchema(doc, 'Thing', { when: null, kind: null })).toEqual([]);
    expect(byPath(validateSchema(doc, 'Thing', { when: 3 }))).toEqual({ '/when': 'type' });
  });
});
