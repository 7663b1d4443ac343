import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, outbox, tickets } from '@/db/schema';
import { findOpenIncidentsForProduct, linkIncidentToTicket, refreshIncident, refreshIncidents } from '@/lib/actions/incidents';
import { createTicket } from '@/lib/actions/tickets';
import { getIncidentDetail, linkableTickets, linkedIncidentsOfTicketId, listIncidents, openIncidentsForProduct } from '@/lib/data/incidents';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { control, incidentSnapshot, raiseIncident, registerSellers, removeDir, startIncidentSandbox } from './incident-fixture';

let sandbox: RunningSandbox;
let dir: string;
let incidentId: string;
let otherIncidentId: string;
const PRODUCT = 'acme-prod-evpl-003';

const reporter = { name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example' };
const ticketInput = (over: Record<string, unknown> = {}) => ({
  seller: 'acme',
  productId: PRODUCT,
  description: 'No traffic on the Lyon EVPL',
  severity: 'significant',
  priority: 'high',
  observedImpact: 'down',
  ticketType: 'maintenance',
  reporter,
  ...over,
});

async function sellerTicket(id: string): Promise<TroubleTicket> {
  const all = await control<TroubleTicket[]>(sandbox, 'GET', '/acme/tickets');
  const found = all.find((t) => t.id === id);
  if (!found) throw new Error(`acme has no ticket ${id}`);
  return found;
}

async function localTicket(externalId: string) {
  return (await getDb().select().from(tickets).where(eq(tickets.externalId, externalId)).get())!;
}

beforeAll(async () => {
  usePortalTestEnv();
  const started = await startIncidentSandbox();
  sandbox = started.sandbox;
  dir = started.dir;
  await registerSellers(dir, started.sellers);
  incidentId = (await raiseIncident(sandbox, 'acme', { description: 'Fibre cut near Lyon', productIds: [PRODUCT], impact: 'down', incidentType: 'repair', priority: 'critical', severity: 'extensive' })).id;
  otherIncidentId = (await raiseIncident(sandbox, 'acme', { description: 'Lyon DC power work', productIds: [PRODUCT, 'acme-prod-wave-004'], impact: 'intermittent', incidentType: 'maintenance', priority: 'low', severity: 'minor' })).id;
  actAs((await createUser('noc')).id);
  expect(await refreshIncidents({})).toMatchObject({ ok: true });
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) removeDir(dir);
});

describe('tickets and incidents', () => {
  let fromIncident: string;
  let existing: string;

  it('tells the ticket form about open incidents on the product', async () => {
    const found = await findOpenIncidentsForProduct({ seller: 'acme', productId: PRODUCT });
    expect(found.ok).toBe(true);
    expect((found.data ?? []).map((i) => i.id).sort()).toEqual([incidentId, otherIncidentId].sort());
    expect((await openIncidentsForProduct('acme', 'acme-prod-dia-002')).map((i) => i.id)).toEqual([]);
    expect(await openIncidentsForProduct('globex', PRODUCT)).toEqual([]);
  });

  it('a ticket opened for the incident carries the relation to the Seller', async () => {
    const created = await createTicket(
      ticketInput({
        relatedIssues: [{ referredType: 'Incident', id: incidentId, relationshipType: 'isCausedBy', description: 'Our EVPL is down because of this cut' }],
      }),
    );
    expect(created).toMatchObject({ ok: true, data: { delivery: 'sent' } });
    fromIncident = (created.data as { externalId: string }).externalId;
    const row = await localTicket(fromIncident);
    const atSeller = await sellerTicket(row.sellerTicketId!);
    expect(atSeller.relatedIssue).toEqual([
      expect.objectContaining({ '@referredType': 'Incident', id: incidentId, relationshipType: 'isCausedBy', source: 'buyer', description: 'Our EVPL is down because of this cut' }),
    ]);
  });

  it('links an existing ticket with the required note, keeping its other related objects', async () => {
    const first = (await localTicket(fromIncident)).sellerTicketId!;
    const created = await createTicket(
      ticketInput({ description: 'Packet loss on the EVPL', relatedIssues: [{ referredType: 'TroubleTicket', id: first, relationshipType: 'follows', description: 'Same symptom on the other port' }] }),
    );
    expect(created, created.message).toMatchObject({ ok: true });
    existing = (created.data as { externalId: string }).externalId;
    const row = await localTicket(existing);
    expect((await linkableTickets('acme', incidentId)).map((t) => t.externalId)).toEqual([existing]);

    const linked = await linkIncidentToTicket({ seller: 'acme', incidentId, ticketId: row.id, note: 'Packet loss started with the fibre cut' });
    expect(linked).toMatchObject({ ok: true, data: { delivery: 'sent' } });

    const atSeller = await sellerTicket(row.sellerTicketId!);
    expect(atSeller.relatedIssue).toEqual([
      expect.objectContaining({ '@referredType': 'TroubleTicket', id: first, relationshipType: 'follows', source: 'buyer' }),
      expect.objectContaining({ '@referredType': 'Incident', id: incidentId, relationshipType: 'isCausedBy', description: 'Packet loss started with the fibre cut', source: 'buyer' }),
    ]);
    expect(atSeller.note?.at(-1)).toMatchObject({ source: 'buyer', text: expect.stringContaining('Packet loss started with the fibre cut') });
    const audit = await getDb().select().from(auditLog).where(eq(auditLog.action, 'incident.link')).all();
    expect(audit).toHaveLength(1);
  });

  it('counts and lists our tickets on the incident', async () => {
    const list = await listIncidents({ seller: 'acme' });
    expect(list.rows.find((r) => r.id === incidentId)?.linkedOpenTickets).toBe(2);
    expect(list.rows.find((r) => r.id === otherIncidentId)?.linkedOpenTickets).toBe(0);
    const detail = (await getIncidentDetail('acme', incidentId))!;
    expect(detail.linkedTickets.map((t) => t.externalId).sort()).toEqual([fromIncident, existing].sort());
    expect(detail.products).toEqual([expect.objectContaining({ id: PRODUCT, ours: expect.objectContaining({ label: expect.any(String) }) })]);
    expect(detail.products[0]!.openTickets.map((t) => t.externalId).sort()).toEqual([fromIncident, existing].sort());
    expect(await linkableTickets('acme', incidentId)).toEqual([]);
  });

  it('refuses a second link, a missing note, a ticket of another Seller and an unknown incident, sending nothing', async () => {
    const row = await localTicket(existing);
    const before = await incidentSnapshot();
    expect(await linkIncidentToTicket({ seller: 'acme', incidentId, ticketId: row.id, note: 'again' })).toMatchObject({ ok: false, status: 409 });
    const noNote = await linkIncidentToTicket({ seller: 'acme', incidentId: otherIncidentId, ticketId: row.id, note: '  ' });
    expect(noNote).toMatchObject({ ok: false, status: 400 });
    expect(noNote.errors?.note?.[0]).toMatch(/R42/);
    const globex = await createTicket(ticketInput({ seller: 'globex', productId: 'globex-prod-access-101' }));
    const globexRow = await localTicket((globex.data as { externalId: string }).externalId);
    const afterGlobex = await incidentSnapshot();
    expect(await linkIncidentToTicket({ seller: 'acme', incidentId, ticketId: globexRow.id, note: 'n' })).toMatchObject({ ok: false, status: 422, errors: { ticketId: [expect.any(String)] } });
    expect(await linkIncidentToTicket({ seller: 'acme', incidentId: 'no-such', ticketId: row.id, note: 'n' })).toMatchObject({ ok: false, status: 404 });
    expect(await incidentSnapshot()).toEqual(afterGlobex);
    expect(before.outbox.length + 1).toBe(afterGlobex.outbox.length);
  });

  it('shows the incident closed on both linked tickets once the Seller closes it', async () => {
    const rows = [await localTicket(fromIncident), await localTicket(existing)];
    for (const r of rows) expect((await linkedIncidentsOfTicketId(r.id)).map((l) => [l.id, l.status])).toEqual([[incidentId, 'created']]);
    await control(sandbox, 'POST', `/acme/incidents/${incidentId}/close`, { note: 'Fibre spliced' });
    expect(await refreshIncident({ seller: 'acme', id: incidentId })).toMatchObject({ ok: true });
    for (const r of rows) {
      const links = await linkedIncidentsOfTicketId(r.id);
      expect(links).toEqual([expect.objectContaining({ id: incidentId, status: 'closed', closedDate: expect.any(String), path: `/incidents/acme/${incidentId}` })]);
    }
    expect((await openIncidentsForProduct('acme', PRODUCT)).map((i) => i.id)).toEqual([otherIncidentId]);
    const list = await listIncidents({ seller: 'acme' });
    expect(list.rows.map((r) => r.id)).toEqual([otherIncidentId, incidentId]);
  });

  it('refuses to link a closed ticket', async () => {
    const row = await localTicket(existing);
    await getDb().update(tickets).set({ status: 'closed' }).where(eq(tickets.id, row.id)).run();
    const pending = (await getDb().select().from(outbox).all()).length;
    expect(await linkIncidentToTicket({ seller: 'acme', incidentId: otherIncidentId, ticketId: row.id, note: 'n' })).toMatchObject({ ok: false, status: 409 });
    expect((await getDb().select().from(outbox).all()).length).toBe(pending);
  });
});
