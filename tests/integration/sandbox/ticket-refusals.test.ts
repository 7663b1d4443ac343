import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { troubleTicketSpec } from '@/lib/sonata/generated/trouble-ticket.spec';
import { validateResponse } from '@/lib/sonata/openapi-validator';
import { buyerNote, removeDir, startHarness, ticketBody, type Harness } from './harness';

let h: Harness;
const PRODUCT = 'acme-prod-dia-002';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const tt = (method: string, path: string, body?: unknown) => h.mef('acme', 'troubleTicket', method, path, body);

async function ticket(): Promise<string> {
  const res = await tt('POST', '/troubleTicket', ticketBody(PRODUCT));
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

const patchWithNote = (id: string, n: string) => tt('PATCH', `/troubleTicket/${id}`, { note: [buyerNote(n)] });

describe('control API: a Seller told to refuse an operation on one ticket', () => {
  it('refuses the next PATCH once with a conforming 422, then accepts; other tickets are untouched', async () => {
    const id = await ticket();
    const other = await ticket();
    const set = await h.control('PUT', `/acme/tickets/${id}/refusal`, { reason: 'Ticket under legal hold', propertyPath: '/note' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ ticketId: id, status: 422, code: 'otherIssue', mode: 'once', refused: 0 });

    expect((await patchWithNote(other, 'n-other')).status).toBe(200);
    const refused = await patchWithNote(id, 'n-1');
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual([{ code: 'otherIssue', reason: 'Ticket under legal hold', propertyPath: '/note' }]);
    expect(validateResponse(troubleTicketSpec, 'patchTroubleTicket', 422, refused.body)).toEqual([]);
    expect((await patchWithNote(id, 'n-2')).status).toBe(200);
    expect((await h.control('GET', '/acme/refusals')).body).toEqual([]);
  });

  it('a sticky 403 refuses every call of the chosen operations until deleted, and leaves reads and other operations alone', async () => {
    const id = await ticket();
    await h.control('PUT', `/acme/tickets/${id}/refusal`, { reason: 'Not your circuit', status: 403, operations: ['cancelTroubleTicket'], mode: 'sticky' });
    for (let i = 0; i < 2; i++) {
      const res = await tt('POST', `/troubleTicket/${id}/cancel`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: 'accessDenied', reason: 'Not your circuit' });
      expect(validateResponse(troubleTicketSpec, 'cancelTroubleTicket', 403, res.body)).toEqual([]);
    }
    expect((await tt('GET', `/troubleTicket/${id}`)).status).toBe(200);
    expect((await patchWithNote(id, 'n-3')).status).toBe(200);
    expect((await h.control('GET', '/acme/refusals')).body).toMatchObject([{ ticketId: id, refused: 2 }]);
    expect((await h.control('DELETE', `/acme/tickets/${id}/refusal`)).status).toBe(204);
    expect((await tt('POST', `/troubleTicket/${id}/cancel`)).status).toBe(204);
    expect((await h.control('DELETE', `/acme/tickets/${id}/refusal`)).status).toBe(404);
  });

  it('a 409 is a PATCH answer only, with the conflict code', async () => {
    const id = await ticket();
    expect((await h.control('PUT', `/acme/tickets/${id}/refusal`, { reason: 'x', status: 409, operations: ['closeTroubleTicket'] })).status).toBe(422);
    await h.control('PUT', `/acme/tickets/${id}/refusal`, { reason: 'Edited by our engineer at the same time', status: 409 });
    const res = await patchWithNote(id, 'n-4');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 'conflict', reason: 'Edited by our engineer at the same time' });
    expect(validateResponse(troubleTicketSpec, 'patchTroubleTicket', 409, res.body)).toEqual([]);
  });

  it('refuses a bad refusal: unknown ticket, code not of the status, unknown members', async () => {
    const id = await ticket();
    expect((await h.control('PUT', '/acme/tickets/NO-SUCH/refusal', { reason: 'x' })).status).toBe(404);
    const badCode = await h.control('PUT', `/acme/tickets/${id}/refusal`, { reason: 'x', status: 403, code: 'otherIssue' });
    expect(badCode.status).toBe(422);
    expect(JSON.stringify(badCode.body)).toContain('/code');
    expect((await h.control('PUT', `/acme/tickets/${id}/refusal`, { reason: 'x', colour: 'red' })).status).toBe(422);
    expect((await h.control('PUT', `/acme/tickets/${id}/refusal`, {})).status).toBe(422);
    expect((await h.control('GET', '/acme/refusals')).body).toEqual([]);
  });
});
