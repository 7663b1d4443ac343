import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { stageUpload, stagingPolicyFrom } from '@/db/attachment-uploads';
import { outbox, sellers, tickets, workOrders } from '@/db/schema';
import { addWorkOrderTicketNote, createTicket, patchTicket } from '@/lib/actions/tickets';
import { env } from '@/lib/env';
import { documentHash } from '@/lib/sync/document-order';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox } from './ticket-desk-fixture';

let sandbox: RunningSandbox;
const users: Record<'noc' | 'coordinator' | 'manager', number> = { noc: 0, coordinator: 0, manager: 0 };
let sellerTicketId: string;
let externalId: string;

async function addWorkOrder(id: string, ticketId: string | null): Promise<void> {
  const db = getDb();
  const acme = (await db.select().from(sellers).where(eq(sellers.slug, 'acme')).get())!;
  const now = new Date().toISOString();
  const document = { id, state: 'open', ...(ticketId ? { relatedEntity: [{ '@referredType': 'TroubleTicket', id: ticketId, role: 'troubleTicket' }] } : {}) };
  await db
    .insert(workOrders)
    .values({ sellerId: acme.id, sellerResourceId: id, status: 'open', ticketId, document, documentHash: documentHash(document), fetchedAt: now, updatedAt: now })
    .run();
}

async function stagePhoto(userId: number, name: string): Promise<string> {
  const id = randomUUID();
  const content = Buffer.from('\x89PNG\r\n\x1a\n field photo');
  const staged = await stageUpload({ id, userId, name, mimeType: 'image/png', size: content.length, content }, stagingPolicyFrom(env()));
  expect(staged.ok).toBe(true);
  return id;
}

const outboxCount = async () => (await getDb().select().from(outbox).all()).length;

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  for (const role of ['noc', 'coordinator', 'manager'] as const) users[role] = (await createUser(role, `${role}@field.test`)).id;
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  const found = await discover(sandbox.url);
  await registerSandboxSellers(dir, found);
  actAs(users.noc);
  const created = await createTicket({
    seller: 'acme',
    productId: found.find((s) => s.slug === 'acme')!.products[0]!.id,
    description: 'Access circuit down at the depot',
    severity: 'significant',
    priority: 'high',
    observedImpact: 'down',
    ticketType: 'assistance',
    reporter,
  });
  expect(created.ok, created.message).toBe(true);
  externalId = created.data!.externalId;
  sellerTicketId = (await getDb().select().from(tickets).where(eq(tickets.externalId, externalId)).get())!.sellerTicketId!;
  await addWorkOrder('WO-FIELD', sellerTicketId);
  await addWorkOrder('WO-ELSEWHERE', 'TT-NOT-CACHED');
  await addWorkOrder('WO-NO-TICKET', null);
});

afterAll(async () => {
  await sandbox?.close();
});

describe('a field coordinator adds a note and a photo to the ticket of a work order', () => {
  it('sends both to the Seller on the work order’s ticket, as the coordinator', async () => {
    actAs(users.coordinator);
    const uploadId = await stagePhoto(users.coordinator, 'ntu.png');
    const result = await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-FIELD', note: 'NTU has no power on arrival', attachments: [{ name: 'ntu.png', uploadId }] });
    expect(result.ok, result.message).toBe(true);
    expect(result.data?.delivery).toBe('sent');
    expect(result.data?.externalId).toBe(externalId);
    const atSeller = (await sellerTickets(sandbox.url, 'acme')).find((t) => t.id === sellerTicketId)!;
    expect(atSeller.note?.map((n) => [n.text, n.source])).toContainEqual(['NTU has no power on arrival', 'buyer']);
    const photo = atSeller.attachment?.find((a) => a.name === 'ntu.png');
    expect(photo?.mimeType).toBe('image/png');
    expect(Buffer.from(photo!.content!, 'base64').toString()).toContain('field photo');
  });

  it('refuses the manager, who reads only, and changes nothing', async () => {
    actAs(users.manager);
    const before = await outboxCount();
    const result = await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-FIELD', note: 'from the office' });
    expect(result).toMatchObject({ ok: false, status: 403 });
    expect(await outboxCount()).toBe(before);
  });

  it('gives the coordinator nothing else on tickets: a direct patch is still refused', async () => {
    actAs(users.coordinator);
    const row = (await getDb().select().from(tickets).where(eq(tickets.externalId, externalId)).get())!;
    const before = await outboxCount();
    expect(await patchTicket({ ticketId: row.id, note: 'through the back door' })).toMatchObject({ ok: false, status: 403 });
    expect(await outboxCount()).toBe(before);
  });

  it('says why when there is nothing to send, no such work order, or no ticket in the portal', async () => {
    actAs(users.coordinator);
    const before = await outboxCount();
    const empty = await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-FIELD', note: '   ' });
    expect(empty).toMatchObject({ ok: false, status: 400 });
    expect(empty.errors?.note).toEqual(['Add a note or a photo']);
    expect(await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-MISSING', note: 'x' })).toMatchObject({ ok: false, status: 422, message: 'This work order does not exist' });
    expect(await addWorkOrderTicketNote({ seller: 'globex', workOrderId: 'WO-FIELD', note: 'x' })).toMatchObject({ ok: false, status: 422 });
    const notCached = await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-ELSEWHERE', note: 'x' });
    expect(notCached).toMatchObject({ ok: false, status: 422 });
    expect(notCached.message).toContain('Ticket TT-NOT-CACHED of this work order is not in the portal yet');
    expect(await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-NO-TICKET', note: 'x' })).toMatchObject({ ok: false, status: 422, message: 'This work order names no ticket' });
    expect(await outboxCount()).toBe(before);
  });

  it('cannot send a file another user staged', async () => {
    const theirs = await stagePhoto(users.noc, 'theirs.png');
    actAs(users.coordinator);
    const before = await outboxCount();
    const result = await addWorkOrderTicketNote({ seller: 'acme', workOrderId: 'WO-FIELD', attachments: [{ name: 'theirs.png', uploadId: theirs }] });
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(result.errors?.['attachments.0.url']).toEqual(['This file upload is no longer available; attach the file again']);
    expect(await outboxCount()).toBe(before);
  });
});
