import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox } from '@/db/schema';
import { stopInboxWriter } from '@/db/inbox-writer';
import { POST as cantataAppointmentListener } from '@/app/sellers/[slug]/mefApi/cantata/appointmentNotification/[version]/listener/[eventType]/route';
import { POST as cantataTicketListener } from '@/app/sellers/[slug]/mefApi/cantata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { POST as cantataWorkOrderListener } from '@/app/sellers/[slug]/mefApi/cantata/workOrderNotification/[version]/listener/[eventType]/route';
import { POST as sonataTicketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { signListenerToken } from '@/lib/listener/listener-auth';
import { rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { usePortalTestEnv } from '../../support/portal-env';
import { event, insertSeller } from './support';

/** Each Seller is heard on its own reference point only: the other listener tree answers as if it did not exist. */

type Listener = typeof sonataTicketListener;
const tokens: Record<string, string> = {};

function post(listener: Listener, referencePoint: string, slug: string, body: unknown, opts: { token?: string | null; api?: string; version?: string; eventType?: string } = {}) {
  const { api = 'troubleTicket', version = 'v4', eventType = body && typeof body === 'object' && 'eventType' in body ? String(body.eventType) : '' } = opts;
  const token = opts.token === undefined ? tokens[slug] : opts.token;
  const request = new Request(`http://127.0.0.1:3000/sellers/${slug}/mefApi/${referencePoint}/${api}Notification/${version}/listener/${eventType}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return listener(request, { params: Promise.resolve({ slug, version, eventType }) });
}

beforeEach(async () => {
  usePortalTestEnv();
  const acme = await insertSeller('acme');
  const umbrella = await insertSeller('umbrella', 'http://127.0.0.1:9', {
    referencePoint: 'cantata',
    troubleTicketBaseUrl: 'http://127.0.0.1:9/umbrella/mefApi/cantata/troubleTicket/v4',
    appointmentBaseUrl: 'http://127.0.0.1:9/umbrella/mefApi/cantata/appointment/v2',
    workOrderBaseUrl: 'http://127.0.0.1:9/umbrella/mefApi/cantata/workOrderManagement/v2',
  });
  for (const seller of [acme, umbrella]) {
    const { credential } = await rotateListenerCredential(seller);
    tokens[seller.slug] = signListenerToken({ sellerSlug: seller.slug, credentialId: credential.id, scopes: [...LISTENER_SCOPES] }).token;
  }
});

afterEach(async () => {
  await stopInboxWriter();
});

describe('listeners on the Sonata and Cantata reference points', () => {
  it('a Cantata provider is heard under /mefApi/cantata on all three notification APIs', async () => {
    expect((await post(cantataTicketListener, 'cantata', 'umbrella', event('troubleTicketStatusChangeEvent', 'TT-1', 'c-1'))).status).toBe(204);
    const appointment = await post(cantataAppointmentListener, 'cantata', 'umbrella', event('appointmentStatusChangeEvent', 'AP-1', 'c-2'), { api: 'appointment', version: 'v2' });
    expect(appointment.status).toBe(204);
    const workOrder = await post(cantataWorkOrderListener, 'cantata', 'umbrella', event('workOrderStateChangeEvent', 'WO-1', 'c-3'), { api: 'workOrder', version: 'v2' });
    expect(workOrder.status).toBe(204);
    expect((await getDb().select().from(inbox).all()).map((r) => r.eventId).sort()).toEqual(['c-1', 'c-2', 'c-3']);
  });

  it('refuses a call on the reference point the Seller does not use like an unknown listener (404 MEF error), storing nothing', async () => {
    const onSonata = await post(sonataTicketListener, 'sonata', 'umbrella', event('troubleTicketStatusChangeEvent', 'TT-1', 'wrong-1'));
    expect(onSonata.status).toBe(404);
    expect(onSonata.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await onSonata.json()).toMatchObject({ code: 'notFound', reason: expect.stringContaining('/mefApi/sonata') });

    const onCantata = await post(cantataTicketListener, 'cantata', 'acme', event('troubleTicketStatusChangeEvent', 'TT-1', 'wrong-2'));
    expect(onCantata.status).toBe(404);
    expect(await onCantata.json()).toMatchObject({ code: 'notFound' });

    // The same shape as a listener that does not exist at all.
    const unknown = await post(cantataTicketListener, 'cantata', 'umbrella', event('troubleTicketStatusChangeEvent', 'TT-1', 'wrong-3'), { eventType: 'troubleTicketTeleportEvent' });
    expect(unknown.status).toBe(404);
    expect(Object.keys(await unknown.json()).sort()).toEqual(['code', 'reason']);
    expect(await getDb().select().from(inbox).all()).toEqual([]);

    // The Sonata Seller is still heard on its own tree.
    expect((await post(sonataTicketListener, 'sonata', 'acme', event('troubleTicketStatusChangeEvent', 'TT-1', 'right-1'))).status).toBe(204);
  });

  it('asks for credentials first: without a token the other reference point answers 401, so it tells nothing about the Seller', async () => {
    const anonymous = await post(sonataTicketListener, 'sonata', 'umbrella', event('troubleTicketStatusChangeEvent', 'TT-1', 'anon-1'), { token: null });
    expect(anonymous.status).toBe(401);
    const forged = await post(cantataTicketListener, 'cantata', 'umbrella', event('troubleTicketStatusChangeEvent', 'TT-1', 'anon-2'), { token: tokens.acme });
    expect(forged.status).toBe(403);
    expect(await getDb().select().from(inbox).all()).toEqual([]);
  });
});
