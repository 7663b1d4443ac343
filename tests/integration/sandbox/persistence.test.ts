import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, startHarness, ticketBody, type Harness } from './harness';

let dir: string | undefined;
let current: Harness | undefined;

afterAll(async () => {
  await current?.close();
  if (dir) removeDir(dir);
});

describe('restart', () => {
  it('keeps tickets, credentials, tokens, hubs, listener credentials and pending Seller work', async () => {
    const first = await startHarness();
    current = first;
    dir = first.dir;
    const created = await first.mef('acme', 'troubleTicket', 'POST', '/troubleTicket', ticketBody('acme-prod-wave-004'));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const hub = await first.mef('acme', 'troubleTicket', 'POST', '/hub', { callback: 'http://127.0.0.1:3000/sellers/acme' });
    await first.control('PUT', '/acme/buyer-auth', { tokenUrl: 'http://127.0.0.1:3000/oauth2/token', clientId: 'c', clientSecret: 's' });
    expect((await first.mef('acme', 'troubleTicket', 'POST', `/troubleTicket/${id}/cancel`)).status).toBe(204);
    const token = await first.token('acme');
    const credentials = first.sellers.acme;
    await first.close();

    const second = await startHarness({}, dir);
    current = second;
    expect(second.sellers.acme!.clientId).toBe(credentials!.clientId);
    expect(second.sellers.acme!.clientSecret).toBe(credentials!.clientSecret);
    const res = await fetch(`${second.sellers.acme!.baseUrls.troubleTicket}/troubleTicket/${id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const ticket = (await res.json()) as { status: string; description: string };
    expect(ticket).toMatchObject({ status: 'assessingCancellation', description: created.body.description });
    expect((await second.mef('acme', 'troubleTicket', 'GET', `/hub/${hub.body.id}`)).status).toBe(200);
    expect(second.sandbox.ctx.store.buyerAuth('acme')?.clientId).toBe('c');
    await second.control('POST', '/clock/advance', { ms: 60_000 });
    expect((await second.mef('acme', 'troubleTicket', 'GET', `/troubleTicket/${id}`)).body.status).toBe('cancelled');
  });
});
