import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { inbox } from '@/db/schema';
import { POST as appointmentListener } from '@/app/sellers/[slug]/mefApi/sonata/appointmentNotification/[version]/listener/[eventType]/route';
import { signListenerToken } from '@/lib/listener/listener-auth';
import { rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { LISTENER_BODY_MAX_BYTES } from '@/lib/listener/receive';
import { LISTENER_SCOPES } from '@/lib/sync/listener-catalog';
import { usePortalTestEnv } from '../../support/portal-env';
import { event, insertSeller } from './support';

let token: string;
const TYPE = 'appointmentStatusChangeEvent';

function post(body: BodyInit, headers: Record<string, string> = {}, eventType = TYPE) {
  const request = new Request(`http://127.0.0.1:3000/sellers/acme/mefApi/sonata/appointmentNotification/v2/listener/${eventType}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8', authorization: `Bearer ${token}`, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return appointmentListener(request, { params: Promise.resolve({ slug: 'acme', version: 'v2', eventType }) });
}

async function rows() {
  return getDb().select().from(inbox).all();
}

beforeEach(async () => {
  usePortalTestEnv();
  const acme = await insertSeller('acme');
  const c = await rotateListenerCredential(acme);
  token = signListenerToken({ sellerSlug: 'acme', credentialId: c.credential.id, scopes: [...LISTENER_SCOPES] }).token;
});

describe('listener body checks', () => {
  it('refuses a body over the cap, declared or streamed in chunks without a length', async () => {
    const big = JSON.stringify({ ...event(TYPE, 'AP-1'), padding: 'x'.repeat(LISTENER_BODY_MAX_BYTES) });
    const declared = await post(big);
    expect(declared.status).toBe(400);
    expect(await declared.json()).toMatchObject({ code: 'invalidBody' });

    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 10) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const chunked = await post(stream);
    expect(chunked.status).toBe(400);
    expect(sent).toBeLessThan(10);
    expect(await rows()).toHaveLength(0);
  });

  it('refuses malformed JSON, bodies that break the event schema, a mismatched eventType and unusable ids', async () => {
    const cases: unknown[] = [
      '{"eventId": "e1", ',
      { eventTime: new Date().toISOString(), eventType: TYPE, event: { id: 'AP-1' } },
      { ...event(TYPE, 'AP-1'), eventTime: 'yesterday' },
      { ...event(TYPE, 'AP-1'), eventType: 'appointmentCreatedEvent' },
      { ...event(TYPE, 'AP-1'), event: {} },
      event('appointmentAttributeValueChangeEvent', 'AP-1'),
      event(TYPE, ''),
      event(TYPE, '..'),
      event(TYPE, 'AP\n1'),
      { ...event(TYPE, 'AP-1'), eventId: '' },
      [event(TYPE, 'AP-1')],
    ];
    for (const body of cases) {
      const res = await post(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalidBody' });
    }
    const form = await post('a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(await rows()).toHaveLength(0);
  });

  it('keeps event.id opaque: a URL or path-like id is stored as given, never followed', async () => {
    const res = await post(JSON.stringify(event(TYPE, 'https://evil.example/x?y#z', 'e-url')));
    expect(res.status).toBe(204);
    const [row] = await rows();
    expect(row?.resourceId).toBe('https://evil.example/x?y#z');
  });
});

describe('idempotent delivery', () => {
  it('stores the same event sent three times in a row once, acknowledging each', async () => {
    const body = JSON.stringify(event(TYPE, 'AP-1', 'same-1'));
    for (let i = 0; i < 3; i++) expect((await post(body)).status).toBe(204);
    expect(await rows()).toHaveLength(1);
  });

  it('stores the same event sent ten times in parallel once', async () => {
    const body = JSON.stringify(event(TYPE, 'AP-1', 'same-10'));
    const statuses = await Promise.all(Array.from({ length: 10 }, () => post(body).then((r) => r.status)));
    expect(statuses).toEqual(Array(10).fill(204));
    expect(await rows()).toHaveLength(1);
  });

  it('answers 500 with Retry-After when the database refuses the write, so the Seller sends it again', async () => {
    getDb().run(sql`CREATE TRIGGER inbox_refuse BEFORE INSERT ON inbox BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const res = await post(JSON.stringify(event(TYPE, 'AP-1', 'e-500')));
    expect(res.status).toBe(500);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'internalError' });
    getDb().run(sql`DROP TRIGGER inbox_refuse`);
    expect((await post(JSON.stringify(event(TYPE, 'AP-1', 'e-500')))).status).toBe(204);
    expect(await rows()).toHaveLength(1);
  });
});
