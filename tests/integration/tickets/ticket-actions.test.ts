import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, products, sellers, ticketAttachmentUploads, tickets } from '@/db/schema';
import { createContact } from '@/lib/actions/contacts';
import { cancelTicket, closeTicket, createTicket, patchTicket, reopenTicket } from '@/lib/actions/tickets';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { control, discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox } from './ticket-desk-fixture';

let sandbox: RunningSandbox;
let userId: number;

const base = {
  description: 'Port 3 flapping since 09:00',
  severity: 'significant',
  priority: 'high',
  observedImpact: 'intermittent',
  ticketType: 'maintenance',
  reporter,
} as const;

async function ticketByExternalId(externalId: string) {
  return getDb().select().from(tickets).where(eq(tickets.externalId, externalId)).get();
}

async function counts() {
  const db = getDb();
  return { tickets: (await db.select().from(tickets).all()).length, outbox: (await db.select().from(outbox).all()).length };
}

let acmeProduct: string;
let globexProduct: string;

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  const user = await createUser('noc');
  userId = user.id;
  actAs(userId);
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  const found = await discover(sandbox.url);
  await registerSandboxSellers(dir, found);
  acmeProduct = found.find((s) => s.slug === 'acme')!.products[0]!.id;
  globexProduct = found.find((s) => s.slug === 'globex')!.products[0]!.id;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('create (UC1)', () => {
  it('sends the ticket with our NOC id and caches the Seller answer', async () => {
    const result = await createTicket({
      ...base,
      seller: 'acme',
      productId: acmeProduct,
      note: 'Customer reports drops every few minutes',
      attachments: [{ name: 'trace.txt', url: 'https://files.example/trace.txt' }],
      relatedIssues: [],
      technicalContactIds: [],
    });
    expect(result.ok, result.message).toBe(true);
    expect(result.data?.delivery).toBe('sent');
    expect(result.data?.externalId).toMatch(new RegExp(`^NOC-${new Date().getUTCFullYear()}-\\d{6}$`));
    const row = await ticketByExternalId(result.data!.externalId);
    expect(row?.sellerTicketId).toBeTruthy();
    expect(row?.status).toBe('acknowledged');
    expect(row?.syncState).toBe('synced');
    expect(result.data?.path).toBe(`/tickets/acme/${row!.sellerTicketId}`);
    const atSeller = (await sellerTickets(sandbox.url, 'acme')).filter((t) => t.externalId === result.data!.externalId);
    expect(atSeller).toHaveLength(1);
    expect(atSeller[0]!.note?.[0]?.text).toBe('Customer reports drops every few minutes');
    expect(atSeller[0]!.relatedContactInformation.find((c) => c.role === 'reporterContact')?.emailAddress).toBe(reporter.emailAddress);
  });

  it('numbers our tickets from one sequence', async () => {
    const a = await createTicket({ ...base, seller: 'globex', productId: globexProduct });
    const b = await createTicket({ ...base, seller: 'acme', productId: acmeProduct });
    const n = (id: string) => Number(id.split('-')[2]);
    expect(n(b.data!.externalId)).toBe(n(a.data!.externalId) + 1);
  });

  it('refuses missing mandatory attributes (R19) with field errors and writes nothing', async () => {
    const before = await counts();
    const result = await createTicket({ seller: 'acme', productId: '', description: '', reporter: { name: '', number: '', emailAddress: 'x' } });
    expect(result.ok).toBe(false);
    expect(Object.keys(result.errors ?? {})).toEqual(
      expect.arrayContaining(['productId', 'description', 'severity', 'priority', 'observedImpact', 'ticketType', 'reporter.name', 'reporter.number', 'reporter.emailAddress']),
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses an attachment with neither URL nor content (R20)', async () => {
    const before = await counts();
    const result = await createTicket({ ...base, seller: 'acme', productId: acmeProduct, attachments: [{ name: 'empty' }] });
    expect(result.errors?.['attachments.0.url']?.[0]).toMatch(/URL or a file/);
    expect(await counts()).toEqual(before);
  });

  it('refuses a staged file larger than ATTACHMENT_MAX_BYTES', async () => {
    process.env.ATTACHMENT_MAX_BYTES = '2048';
    const { resetEnv } = await import('@/lib/env');
    resetEnv();
    await getDb()
      .insert(ticketAttachmentUploads)
      .values({ id: 'big-file', userId, name: 'big.bin', mimeType: 'application/octet-stream', size: 4096, content: Buffer.alloc(4096) })
      .run();
    const before = await counts();
    const result = await createTicket({ ...base, seller: 'acme', productId: acmeProduct, attachments: [{ name: 'big.bin', uploadId: 'big-file' }] });
    expect(result.errors?.['attachments.0.url']?.[0]).toMatch(/larger than the limit of 2048 bytes/);
    expect(await counts()).toEqual(before);
    delete process.env.ATTACHMENT_MAX_BYTES;
    resetEnv();
  });

  it('refuses a staged file older than ATTACHMENT_STAGING_HOURS as no longer available, and writes nothing', async () => {
    const longAgo = new Date(Date.now() - 25 * 3_600_000).toISOString();
    await getDb()
      .insert(ticketAttachmentUploads)
      .values({ id: 'stale-file', userId, name: 'old.txt', mimeType: 'text/plain', size: 5, content: Buffer.from('hello'), createdAt: longAgo })
      .run();
    const before = await counts();
    const result = await createTicket({ ...base, seller: 'acme', productId: acmeProduct, attachments: [{ name: 'old.txt', uploadId: 'stale-file' }] });
    expect(result.ok).toBe(false);
    expect(result.errors?.['attachments.0.url']?.[0]).toBe('This file upload is no longer available; attach the file again');
    expect(await counts()).toEqual(before);
  });

  it('sends an uploaded file as base64 content with its mime type and size, and consumes the upload', async () => {
    await getDb()
      .insert(ticketAttachmentUploads)
      .values({ id: 'small-file', userId, name: 'ping.txt', mimeType: 'text/plain', size: 5, content: Buffer.from('hello') })
      .run();
    const result = await createTicket({ ...base, seller: 'acme', productId: acmeProduct, attachments: [{ name: 'ping.txt', uploadId: 'small-file' }] });
    expect(result.ok, result.message).toBe(true);
    const atSeller = (await sellerTickets(sandbox.url, 'acme')).find((t) => t.externalId === result.data!.externalId)!;
    expect(atSeller.attachment?.[0]).toMatchObject({ name: 'ping.txt', content: Buffer.from('hello').toString('base64'), mimeType: 'text/plain', source: 'buyer' });
    expect(await getDb().select().from(ticketAttachmentUploads).where(eq(ticketAttachmentUploads.id, 'small-file')).get()).toBeUndefined();
  });

  it('stores HTML as typed', async () => {
    const text = '<script>alert("x")</script><b>bold</b>';
    const result = await createTicket({ ...base, description: text, seller: 'acme', productId: acmeProduct });
    expect((await ticketByExternalId(result.data!.externalId))?.description).toBe(text);
  });

  it('maps the Seller 4xx onto the form and lets the operator fix and resend the draft under the same id', async () => {
    const acme = (await getDb().select().from(sellers).where(eq(sellers.slug, 'acme')).get())!;
    await getDb().insert(products).values({ sellerId: acme.id, productId: 'NOT-SOLD-1', label: 'Unknown to the Seller' }).run();
    const refused = await createTicket({ ...base, seller: 'acme', productId: 'NOT-SOLD-1' });
    expect(refused.ok).toBe(false);
    expect(refused.status).toBe(422);
    expect(refused.data?.delivery).toBe('rejected');
    expect(refused.errors?.productId?.[0]).toMatch(/NOT-SOLD-1/);
    const draft = (await ticketByExternalId(refused.data!.externalId))!;
    expect(draft.syncState).toBe('rejected');
    expect(draft.sellerTicketId).toBeNull();

    const resent = await createTicket({ ...base, seller: 'acme', productId: acmeProduct, draftTicketId: draft.id });
    expect(resent.ok, resent.message).toBe(true);
    expect(resent.data?.externalId).toBe(refused.data!.externalId);
    const row = (await ticketByExternalId(refused.data!.externalId))!;
    expect(row.syncState).toBe('synced');
    expect(row.sellerTicketId).toBeTruthy();
  });
});

describe('patch, cancel, close and reopen (UC4–UC6)', () => {
  async function newTicket(seller = 'acme') {
    const r = await createTicket({ ...base, seller, productId: seller === 'acme' ? acmeProduct : globexProduct });
    expect(r.ok, r.message).toBe(true);
    return (await ticketByExternalId(r.data!.externalId))!;
  }

  it('requires a note with a severity change (R42) and sends nothing without it', async () => {
    const t = await newTicket();
    const before = await counts();
    const result = await patchTicket({ ticketId: t.id, severity: 'extensive' });
    expect(result.ok).toBe(false);
    expect(result.errors?.note?.[0]).toMatch(/R42/);
    expect(await counts()).toEqual(before);
  });

  it('refuses an empty patch (R41)', async () => {
    const t = await newTicket();
    const result = await patchTicket({ ticketId: t.id, severity: t.severity as 'significant' });
    expect(result.ok).toBe(false);
    expect(result.errors?._form?.[0]).toMatch(/R41/);
  });

  it('sends a note, an attachment, a severity change and Buyer technical contacts, keeping the Seller items', async () => {
    const t = await newTicket();
    await control(sandbox.url, 'POST', `/acme/tickets/${t.sellerTicketId}/notes`, { text: 'Seller looking into it' });
    const contact = await createContact({ name: 'Tech Tom', number: '+44 20 0000 0000', emailAddress: 'tom@noc.example' });
    expect(contact.ok, contact.message).toBe(true);
    const result = await patchTicket({
      ticketId: t.id,
      note: 'Escalating: customer site down',
      severity: 'extensive',
      attachments: [{ name: 'graph.png', url: 'https://files.example/graph.png' }],
      technicalContactIds: [(contact.data as { id: number }).id],
    });
    expect(result.ok, result.message).toBe(true);
    expect(result.data?.delivery).toBe('sent');
    const atSeller = (await sellerTickets(sandbox.url, 'acme')).find((x) => x.id === t.sellerTicketId)!;
    expect(atSeller.severity).toBe('extensive');
    expect(atSeller.note?.map((n) => n.text)).toEqual(['Seller looking into it', 'Escalating: customer site down']);
    expect(atSeller.attachment?.map((a) => a.name)).toEqual(['graph.png']);
    expect(atSeller.relatedContactInformation.map((c) => c.role).sort()).toEqual(['buyerTechnicalContact', 'reporterContact', 'sellerTicketContact']);
    const cached = (await ticketByExternalId(t.externalId))!;
    expect(cached.severity).toBe('extensive');
  });

  it('cancels (UC5): the ticket shows assessingCancellation, and a second cancel is refused with the reason', async () => {
    const t = await newTicket();
    const result = await cancelTicket({ ticketId: t.id });
    expect(result.ok, result.message).toBe(true);
    expect((await ticketByExternalId(t.externalId))?.status).toBe('assessingCancellation');
    const before = await counts();
    const again = await cancelTicket({ ticketId: t.id });
    expect(again.ok).toBe(false);
    expect(again.message).toMatch(/assessingCancellation/);
    expect(await counts()).toEqual(before);
  });

  it('refuses close on a ticket that is not resolved, explaining why', async () => {
    const t = await newTicket();
    const before = await counts();
    const result = await closeTicket({ ticketId: t.id });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/allowed only in: resolved/);
    expect(await counts()).toEqual(before);
  });

  it('rejects a resolution with a reason (reopen), then accepts the next one (close)', async () => {
    const t = await newTicket('globex');
    expect((await control(sandbox.url, 'POST', `/globex/tickets/${t.sellerTicketId}/resolve`, { text: 'Replaced the SFP' })).status).toBe(200);
    const missing = await reopenTicket({ ticketId: t.id, reason: '' });
    expect(missing.errors?.reason).toBeDefined();
    // The cache has not seen the resolution yet: the form is refused until it does.
    const { refreshTicketFromSeller } = await import('@/lib/actions/tickets');
    expect((await refreshTicketFromSeller({ ticketId: t.id })).ok).toBe(true);
    const reopened = await reopenTicket({ ticketId: t.id, reason: 'Still dropping packets', alsoAsNote: true });
    expect(reopened.ok, reopened.message).toBe(true);
    let atSeller = (await sellerTickets(sandbox.url, 'globex')).find((x) => x.id === t.sellerTicketId)!;
    expect(atSeller.status).toBe('reopened');
    expect(atSeller.note?.some((n) => n.text === 'Resolution rejected: Still dropping packets' && n.source === 'buyer')).toBe(true);
    expect((await control(sandbox.url, 'POST', `/globex/tickets/${t.sellerTicketId}/resolve`, { text: 'Replaced the patch cable too' })).status).toBe(200);
    expect((await refreshTicketFromSeller({ ticketId: t.id })).ok).toBe(true);
    const closed = await closeTicket({ ticketId: t.id });
    expect(closed.ok, closed.message).toBe(true);
    atSeller = (await sellerTickets(sandbox.url, 'globex')).find((x) => x.id === t.sellerTicketId)!;
    expect(atSeller.status).toBe('closed');
    expect((await ticketByExternalId(t.externalId))?.status).toBe('closed');
  });

  it('reports the Seller refusal when the ticket changed underneath (resolved at the Seller, cancel sent from a stale cache)', async () => {
    const t = await newTicket();
    await control(sandbox.url, 'POST', `/acme/tickets/${t.sellerTicketId}/resolve`, { text: 'Fixed' });
    const result = await cancelTicket({ ticketId: t.id });
    expect(result.ok).toBe(false);
    expect(result.status).toBe(422);
    expect(result.message).toMatch(/resolved/);
    const row = (await ticketByExternalId(t.externalId))!;
    expect(row.syncState).toBe('rejected');
  });
});
