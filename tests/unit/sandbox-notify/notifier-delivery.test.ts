import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { troubleTicketNotificationSpec } from '@/lib/sonata/generated/trouble-ticket-notification.spec';
import { appointmentNotificationSpec } from '@/lib/sonata/generated/appointment-notification.spec';
import { workOrderNotificationSpec } from '@/lib/sonata/generated/work-order-notification.spec';
import { bodyOf, createNotifyFixture, T0, type NotifyFixture } from './notify-fixture';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
function envelopeValidator(spec: { components: unknown }, schema: string) {
  return ajv.compile({ $ref: `#/components/schemas/${schema}`, components: spec.components });
}
const validTroubleTicketEvent = envelopeValidator(troubleTicketNotificationSpec, 'TroubleTicketEvent');
const validIncidentEvent = envelopeValidator(troubleTicketNotificationSpec, 'IncidentEvent');
const validAppointmentEvent = envelopeValidator(appointmentNotificationSpec, 'AppointmentEvent');
const validWorkOrderEvent = envelopeValidator(workOrderNotificationSpec, 'WorkOrderEvent');

let f: NotifyFixture;
beforeEach(async () => {
  f = await createNotifyFixture();
});
afterEach(async () => {
  await f.cleanup();
});

describe('delivery URL and envelope', () => {
  it('posts each API to its own notification base path, tickets on v4', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.addHub('acme', 'appointment', { id: 'hub-ap' });
    f.addHub('acme', 'workOrder', { id: 'hub-wo' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'incidentCreateEvent', resourceId: 'INC-1' });
    n.publish({ seller: 'acme', api: 'appointment', eventType: 'appointmentStatusChangeEvent', resourceId: 'AP-1' });
    n.publish({ seller: 'acme', api: 'workOrder', eventType: 'workOrderAppointmentRequiredEvent', resourceId: 'WO-1' });
    await n.drain();

    const paths = f.listener.received.map((r) => r.path).sort();
    expect(paths).toEqual(
      [
        '/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketResolvedEvent',
        '/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/incidentCreateEvent',
        '/sellers/acme/mefApi/sonata/appointmentNotification/v2/listener/appointmentStatusChangeEvent',
        '/sellers/acme/mefApi/sonata/workOrderNotification/v2/listener/workOrderAppointmentRequiredEvent',
      ].sort(),
    );
    for (const r of f.listener.received) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json;charset=utf-8');
    }
  });

  it('sends envelopes that satisfy the notification schemas, with unique event ids', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.addHub('acme', 'appointment', { id: 'hub-ap' });
    f.addHub('acme', 'workOrder', { id: 'hub-wo' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1' });
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1' });
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'incidentStatusChangeEvent', resourceId: 'INC-9' });
    n.publish({ seller: 'acme', api: 'appointment', eventType: 'appointmentAttributeValueChangeEvent', resourceId: 'AP-1' });
    n.publish({ seller: 'acme', api: 'workOrder', eventType: 'workOrderCreateEvent', resourceId: 'WO-1' });
    await n.drain();

    const bodies = f.listener.received.map(bodyOf);
    expect(bodies).toHaveLength(5);
    expect(new Set(bodies.map((b) => b.eventId)).size).toBe(5);
    for (const b of bodies) {
      expect(b.eventTime).toBe(new Date(T0).toISOString());
      const validate = b.eventType.startsWith('troubleTicket')
        ? validTroubleTicketEvent
        : b.eventType.startsWith('incident')
          ? validIncidentEvent
          : b.eventType.startsWith('appointment')
            ? validAppointmentEvent
            : validWorkOrderEvent;
      expect(validate(b), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(bodies.find((b) => b.eventType === 'incidentStatusChangeEvent')?.event).toEqual({ id: 'INC-9' });
  });

  it('the schema check rejects an envelope without event id, so the check above has teeth', () => {
    expect(validTroubleTicketEvent({ eventTime: new Date(T0).toISOString(), eventType: 'troubleTicketResolvedEvent', event: { id: 'x' } })).toBe(false);
  });

  it('copies href, buyerId and sellerId into the event only when given', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1', buyerId: 'B-7', sellerId: 'S-2' });
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-2' });
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-3', href: 'http://seller.test/troubleTicket/TT-3' });
    await n.drain();
    const events = f.listener.received.map((r) => bodyOf(r).event);
    expect(events).toEqual([
      { id: 'TT-1', buyerId: 'B-7', sellerId: 'S-2' },
      { id: 'TT-2' },
      { id: 'TT-3', href: 'http://seller.test/troubleTicket/TT-3' },
    ]);
  });

  it('treats the callback as a prefix and drops its trailing slashes', async () => {
    f.addHub('globex', 'troubleTicket', { id: 'hub-1', callback: `${f.listener.url}/sellers/globex//` });
    const n = f.notifier();
    n.publish({ seller: 'globex', api: 'troubleTicket', eventType: 'troubleTicketInformationRequiredEvent', resourceId: 'TT-3' });
    await n.drain();
    expect(f.listener.received.map((r) => r.path)).toEqual([
      '/sellers/globex/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketInformationRequiredEvent',
    ]);
  });

  it('refuses an event type the API has no listener for, and queues nothing', async () => {
    f.addHub('acme', 'appointment', { id: 'hub-ap' });
    const n = f.notifier();
    expect(() => n.publish({ seller: 'acme', api: 'appointment', eventType: 'incidentCreateEvent', resourceId: 'INC-1' })).toThrow(/not a appointment notification/);
    expect(() => n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStateChangeEvent', resourceId: 'TT-1' })).toThrow();
    await n.drain();
    expect(f.listener.received).toHaveLength(0);
    expect(f.db.prepare('SELECT COUNT(*) FROM notify_delivery').pluck().get()).toBe(0);
  });

  it('sends nothing when the Seller has no hub for that API', async () => {
    f.addHub('acme', 'appointment', { id: 'hub-ap' });
    f.addHub('globex', 'troubleTicket', { id: 'hub-other-seller' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();
    expect(f.listener.received).toHaveLength(0);
    expect(n.deliveries('acme')).toEqual([]);
  });
});

describe('hub query', () => {
  it('honours comma and repeated eventType forms; empty or absent query takes everything', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'comma', callback: `${f.listener.url}/comma`, query: 'eventType=troubleTicketResolvedEvent,troubleTicketStatusChangeEvent' });
    f.addHub('acme', 'troubleTicket', { id: 'repeated', callback: `${f.listener.url}/repeated`, query: 'eventType=troubleTicketInformationRequiredEvent&eventType=troubleTicketResolvedEvent' });
    f.addHub('acme', 'troubleTicket', { id: 'empty', callback: `${f.listener.url}/empty`, query: '' });
    f.addHub('acme', 'troubleTicket', { id: 'absent', callback: `${f.listener.url}/absent` });
    f.addHub('acme', 'troubleTicket', { id: 'incidents', callback: `${f.listener.url}/incidents`, query: 'eventType=incidentCreateEvent' });
    const n = f.notifier();
    for (const eventType of ['troubleTicketStatusChangeEvent', 'troubleTicketResolvedEvent', 'troubleTicketInformationRequiredEvent', 'troubleTicketAttributeValueChangeEvent']) {
      n.publish({ seller: 'acme', api: 'troubleTicket', eventType, resourceId: 'TT-1' });
    }
    await n.drain();

    const byHub = (prefix: string) =>
      f.listener.received
        .filter((r) => r.path.startsWith(`/${prefix}/`))
        .map((r) => r.path.split('/listener/')[1])
        .sort();
    expect(byHub('comma')).toEqual(['troubleTicketResolvedEvent', 'troubleTicketStatusChangeEvent']);
    expect(byHub('repeated')).toEqual(['troubleTicketInformationRequiredEvent', 'troubleTicketResolvedEvent']);
    expect(byHub('empty')).toHaveLength(4);
    expect(byHub('absent')).toHaveLength(4);
    expect(byHub('incidents')).toEqual([]);
  });
});

describe('Buyer authentication', () => {
  it('requests a client-credentials token with the listener scope and sends it as Bearer', async () => {
    f.auth.set('acme', { tokenUrl: f.tokens.tokenUrl, clientId: f.tokens.clientId, clientSecret: f.tokens.clientSecret });
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();

    const [form] = f.tokens.forms();
    expect(form?.get('grant_type')).toBe('client_credentials');
    expect(form?.get('client_id')).toBe(f.tokens.clientId);
    expect(form?.get('client_secret')).toBe(f.tokens.clientSecret);
    expect(form?.get('scope')).toBe('listenToTroubleTicketResolvedEvent');
    expect(f.tokens.received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(f.listener.received[0]?.headers.authorization).toBe('Bearer token-1');
    const [attempt] = n.deliveries('acme');
    expect(attempt).toMatchObject({ tokenSent: true, auth: 'bearer', httpStatus: 204, outcome: 'delivered' });
  });

  it('reuses a token per scope until shortly before it expires', async () => {
    f.auth.set('acme', { tokenUrl: f.tokens.tokenUrl, clientId: f.tokens.clientId, clientSecret: f.tokens.clientSecret });
    f.tokens.expiresIn = 300;
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    f.addHub('acme', 'appointment', { id: 'hub-ap' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1' });
    await n.drain();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-2' });
    n.publish({ seller: 'acme', api: 'appointment', eventType: 'appointmentStatusChangeEvent', resourceId: 'AP-1' });
    await n.drain();
    expect(f.tokens.forms().map((p) => p.get('scope'))).toEqual(['listenToTroubleTicketStatusChangeEvent', 'listenToAppointmentStatusChangeEvent']);

    f.clock.now = T0 + 280_000; // inside the renewal margin of a 300 s token
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-3' });
    await n.drain();
    expect(f.tokens.issued).toHaveLength(3);
    expect(f.listener.received.at(-1)?.headers.authorization).toBe('Bearer token-3');
  });

  it('on 401 fetches a fresh token once and retries at once', async () => {
    f.auth.set('acme', { tokenUrl: f.tokens.tokenUrl, clientId: f.tokens.clientId, clientSecret: f.tokens.clientSecret });
    f.listener.acceptedTokens = new Set(['token-2']);
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();
    expect(f.listener.received.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(n.deliveries('acme').map((a) => [a.attempt, a.httpStatus, a.outcome])).toEqual([
      [2, 204, 'delivered'],
      [1, 401, 'retrying'],
    ]);
  });

  it('a second 401 after the refresh is retried later with backoff, not at once', async () => {
    f.auth.set('acme', { tokenUrl: f.tokens.tokenUrl, clientId: f.tokens.clientId, clientSecret: f.tokens.clientSecret });
    f.listener.acceptedTokens = new Set(['token-3']);
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();
    expect(f.listener.received).toHaveLength(2);
    expect(n.deliveries('acme').map((a) => a.outcome)).toEqual(['retrying', 'retrying']);

    f.clock.now = T0 + 60_000;
    await n.drain();
    // the cached token-2 is refused again, so this round refreshes once more before succeeding
    expect(f.listener.received.slice(2).map((r) => r.headers.authorization)).toEqual(['Bearer token-2', 'Bearer token-3']);
    expect(n.deliveries('acme').slice(0, 2).map((a) => [a.attempt, a.httpStatus, a.outcome])).toEqual([
      [4, 204, 'delivered'],
      [3, 401, 'retrying'],
    ]);
  });

  it('delivers without a token when the Buyer has given no credentials, and records that', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();
    expect(f.listener.received[0]?.headers.authorization).toBeUndefined();
    expect(f.tokens.received).toHaveLength(0);
    expect(n.deliveries('acme')[0]).toMatchObject({ tokenSent: false, auth: 'noCredentials', outcome: 'delivered' });
  });

  it('records a failed token request as a failed attempt, retries later, and does not call the listener', async () => {
    f.auth.set('acme', { tokenUrl: f.tokens.tokenUrl, clientId: f.tokens.clientId, clientSecret: f.tokens.clientSecret });
    f.tokens.failWith = 503;
    f.addHub('acme', 'troubleTicket', { id: 'hub-tt' });
    const n = f.notifier();
    n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();
    expect(f.listener.received).toHaveLength(0);
    expect(n.deliveries('acme')).toEqual([
      expect.objectContaining({ auth: 'tokenFailed', tokenSent: false, outcome: 'retrying', error: 'token endpoint answered 503' }),
    ]);

    delete f.tokens.failWith;
    f.clock.now = T0 + 60_000;
    await n.drain();
    expect(f.listener.received[0]?.headers.authorization).toBe('Bearer token-1');
  });
});

describe('attempt log', () => {
  it('lists attempts newest first, per Seller, with url, status, duration and time', async () => {
    f.addHub('acme', 'troubleTicket', { id: 'hub-a' });
    f.addHub('globex', 'troubleTicket', { id: 'hub-g' });
    const n = f.notifier();
    for (const id of ['TT-1', 'TT-2', 'TT-3']) {
      n.publish({ seller: 'acme', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: id });
    }
    n.publish({ seller: 'globex', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-G' });
    await n.drain();

    const acme = n.deliveries('acme');
    expect(acme.map((a) => a.resourceId)).toEqual(['TT-3', 'TT-2', 'TT-1']);
    expect(n.deliveries('acme', 2).map((a) => a.resourceId)).toEqual(['TT-3', 'TT-2']);
    expect(n.deliveries('globex').map((a) => a.resourceId)).toEqual(['TT-G']);
    const [latest] = acme;
    expect(latest).toMatchObject({
      seller: 'acme',
      api: 'troubleTicket',
      hubId: 'hub-a',
      eventType: 'troubleTicketStatusChangeEvent',
      url: `${f.listener.url}/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent`,
      httpStatus: 204,
      attemptedAt: new Date(T0).toISOString(),
      attempt: 1,
    });
    expect(latest?.durationMs).toBeGreaterThanOrEqual(0);
    const acmeRequests = f.listener.received.filter((r) => r.path.startsWith('/sellers/acme/'));
    expect(latest?.eventId).toBe(bodyOf(acmeRequests[2]!).eventId);
  });
});

describe('an imperfect Seller\'s delivery quirks', () => {
  it('repeats an event with the same eventId, right behind the first', async () => {
    f.addHub('vandelay', 'troubleTicket', { id: 'hub-v' });
    const n = f.notifier();
    n.publish({ seller: 'vandelay', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1', quirks: { repeat: true } });
    n.publish({ seller: 'vandelay', api: 'troubleTicket', eventType: 'troubleTicketResolvedEvent', resourceId: 'TT-1' });
    await n.drain();
    const bodies = f.listener.received.map(bodyOf);
    expect(bodies.map((b) => b.eventType)).toEqual(['troubleTicketStatusChangeEvent', 'troubleTicketStatusChangeEvent', 'troubleTicketResolvedEvent']);
    expect(bodies[1]?.eventId).toBe(bodies[0]?.eventId);
    expect(n.deliveries('vandelay').every((a) => a.outcome === 'delivered')).toBe(true);
  });

  it('sends a late event only once its delay has passed, and stamps a shifted eventTime', async () => {
    f.addHub('vandelay', 'troubleTicket', { id: 'hub-v' });
    const n = f.notifier();
    n.publish({ seller: 'vandelay', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-1', quirks: { delayMs: 1_500 } });
    n.publish({ seller: 'vandelay', api: 'troubleTicket', eventType: 'troubleTicketStatusChangeEvent', resourceId: 'TT-2', quirks: { eventTimeOffsetMs: -90_000 } });
    await n.drain();
    expect(f.listener.received.map((r) => bodyOf(r).event.id)).toEqual(['TT-2']);
    expect(bodyOf(f.listener.received[0]!).eventTime).toBe(new Date(T0 - 90_000).toISOString());

    f.clock.now = T0 + 1_500;
    await f.listener.waitForRequests(2);
    await n.drain();
    expect(bodyOf(f.listener.received[1]!)).toMatchObject({ eventTime: new Date(T0).toISOString(), event: { id: 'TT-1' } });
  });
});
