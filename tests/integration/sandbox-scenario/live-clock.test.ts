import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '@/sandbox/server';
import { startListenerStub, type ListenerStub } from '../../unit/sandbox-notify/buyer-stub';
import { buyerFor } from './buyer-client';
import { startHarness, statusPath, type ScenarioHarness } from './scenario-harness';

let h: ScenarioHarness | undefined;
let sandbox: RunningSandbox | undefined;
let listener: ListenerStub | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  await sandbox?.close();
  await listener?.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  h = undefined;
  sandbox = undefined;
  listener = undefined;
});

it('on a fast clock a ticket goes from acknowledged to closed on its own, and the Buyer hears every status change', async () => {
  listener = await startListenerStub();
  h = await startHarness({
    seed: 'live',
    clockSpeed: 3600, // one Seller hour per real second
    tickMs: 20,
    profiles: { acme: { askInformation: 0, technicianVisit: 0, confirmationTimeoutMinutes: 60, incidentEveryMinutes: undefined } },
  });
  const buyer = await h.buyer('acme');
  await buyer.registerHub('troubleTicket', `${listener.url}/sellers/acme`);
  const { id } = await buyer.createTicket();

  await vi.waitFor(() => expect(h!.ticket('acme', id).status).toBe('closed'), { timeout: 20_000, interval: 50 });
  expect(statusPath(h.ticket('acme', id))).toEqual(['acknowledged', 'inProgress', 'resolved', 'closed']);

  await (h.sandbox.ctx.notifier as unknown as { drain(): Promise<void> }).drain();
  const heard = listener.received
    .map((r) => ({ path: r.path, body: JSON.parse(r.body) as { eventType: string; event: { id: string } } }))
    .filter((r) => r.body.event.id === id);
  const statusChanges = heard.filter((r) => r.body.eventType === 'troubleTicketStatusChangeEvent');
  expect(statusChanges).toHaveLength(3);
  expect(statusChanges[0]?.path).toBe('/sellers/acme/mefApi/sonata/troubleTicketNotification/v4/listener/troubleTicketStatusChangeEvent');
  expect(heard.map((r) => r.body.eventType)).toContain('troubleTicketResolvedEvent');
});

it('SANDBOX_MODE=scenario starts the Sellers acting on their own', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-scenario-mode-'));
  dirs.push(dir);
  sandbox = await startSandbox({ dbPath: path.join(dir, 'sandbox.db'), mode: 'scenario', clockSpeed: 3600, latency: false, port: 0 });
  const buyer = await buyerFor(sandbox.url, 'acme');
  const { id } = await buyer.createTicket();
  await vi.waitFor(async () => expect((await buyer.getTicket(id)).status).not.toBe('acknowledged'), { timeout: 20_000, interval: 50 });
  expect(['inProgress', 'pending', 'resolved']).toContain((await buyer.getTicket(id)).status);
});
