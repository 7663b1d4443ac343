import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { outbox, sellerDocumentRejections, tickets, type Ticket } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { createContact } from '@/lib/actions/contacts';
import { createTicket, patchTicket, refreshTicketFromSeller, reopenTicket } from '@/lib/actions/tickets';
import { deliverTicket, enqueueTx, type OutboxPayload } from '@/lib/sync/outbox';
import type { RunningSandbox } from '@/sandbox/server';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { control, discover, registerSandboxSellers, reporter, sellerTickets, startTestSandbox } from './ticket-desk-fixture';

let sandbox: RunningSandbox;
let product: string;

beforeAll(async () => {
  const { dir } = usePortalTestEnv();
  actAs((await createUser('noc')).id);
  sandbox = await startTestSandbox(path.join(dir, 'sandbox.db'));
  const found = await discover(sandbox.url);
  await registerSandboxSellers(dir, found);
  product = found.find((s) => s.slug === 'acme')!.products[0]!.id;
});

afterAll(async () => {
  await sandbox?.close();
});

async function newTicket(): Promise<Ticket> {
  const r = await createTicket({ description: 'Loss on port 2', severity: 'minor', priority: 'low', observedImpact: 'degraded', ticketType: 'assistance', reporter, seller: 'acme', productId: product });
  expect(r.ok, r.message).toBe(true);
  return (await getDb().select().from(tickets).where(eq(tickets.id, r.data!.ticketId)).get())!;
}

async function outboxRows(ticketId: number) {
  return getDb().select().from(outbox).where(eq(outbox.ticketId, ticketId)).all();
}

async function atSeller(id: string) {
  return (await sellerTickets(sandbox.url, 'acme')).find((t) => t.id === id)!;
}

async function queue(ticket: Ticket, operation: 'patch' | 'reopen', payload: OutboxPayload) {
  await transaction(async (tx) => await enqueueTx(tx, { sellerId: ticket.sellerId, ticketId: ticket.id, operation, payload }));
  return deliverTicket(ticket.id);
}

describe('a ticket patch replaces the Buyer Technical Contacts, never the Reporter Contact (MEF 113 R41, O14, R52)', () => {
  it('the patch action refuses a Reporter Contact with a field error and queues nothing', async () => {
    const t = await newTicket();
    const before = await outboxRows(t.id);
    const viaReporter = await patchTicket({ ticketId: t.id, note: 'New reporter', reporter: { name: 'Mallory', number: '1', emailAddress: 'mallory@evil.example' } });
    expect(viaReporter.ok).toBe(false);
    expect(viaReporter.errors?.reporter?.[0]).toMatch(/Reporter Contact cannot be changed/);
    const viaList = await patchTicket({
      ticketId: t.id,
      note: 'New contacts',
      relatedContactInformation: [{ name: 'Mallory', number: '1', emailAddress: 'mallory@evil.example', role: 'reporterContact' }],
    });
    expect(viaList.ok).toBe(false);
    expect(viaList.errors?.relatedContactInformation?.[0]).toMatch(/Reporter Contact cannot be changed/);
    expect(await outboxRows(t.id)).toEqual(before);
    expect((await atSeller(t.sellerTicketId!)).relatedContactInformation.find((c) => c.role === 'reporterContact')?.emailAddress).toBe(reporter.emailAddress);
  });

  it('replacing the technical contacts sends the Reporter Contact back as the Seller holds it', async () => {
    const t = await newTicket();
    const contact = await createContact({ name: 'Tech Tina', number: '+44 20 0000 0001', emailAddress: 'tina@noc.example' });
    const result = await patchTicket({ ticketId: t.id, technicalContactIds: [(contact.data as { id: number }).id] });
    expect(result.ok, result.message).toBe(true);
    const contacts = (await atSeller(t.sellerTicketId!)).relatedContactInformation;
    expect(contacts.filter((c) => c.role === 'reporterContact')).toEqual([expect.objectContaining({ name: reporter.name, emailAddress: reporter.emailAddress })]);
    expect(contacts.filter((c) => c.role === 'buyerTechnicalContact').map((c) => c.name)).toEqual(['Tech Tina']);
  });

  it('the outbox refuses a queued patch that would replace the Reporter Contact, and sends nothing', async () => {
    const t = await newTicket();
    const forgedContact = { name: 'Mallory', number: '1', emailAddress: 'mallory@evil.example', role: 'reporterContact' };
    const viaContacts = await queue(t, 'patch', { patch: { buyerTechnicalContacts: [forgedContact] } });
    expect(viaContacts.at(-1)?.outcome).toBe('rejected');
    expect(viaContacts.at(-1)?.item?.lastError).toMatch(/R52/);

    const note = { id: crypto.randomUUID(), author: 'noc', date: new Date().toISOString(), source: 'buyer' as const, text: 'forged reporter' };
    const viaExtra = await queue(t, 'patch', { patch: { notes: [note], relatedContactInformation: [forgedContact] } } as OutboxPayload);
    expect(viaExtra.at(-1)?.outcome).toBe('rejected');
    expect(viaExtra.at(-1)?.item?.lastError).toMatch(/relatedContactInformation cannot be replaced/);

    const seller = await atSeller(t.sellerTicketId!);
    expect(seller.relatedContactInformation.map((c) => c.name)).not.toContain('Mallory');
    expect(seller.relatedContactInformation.find((c) => c.role === 'reporterContact')?.emailAddress).toBe(reporter.emailAddress);
    expect(seller.note ?? []).toEqual([]);
  });
});

describe('a reopen never goes out without a Closure Rejection Reason (MEF 113 R61)', () => {
  async function resolvedTicket() {
    const t = await newTicket();
    expect((await control(sandbox.url, 'POST', `/acme/tickets/${t.sellerTicketId}/resolve`, { text: 'Fixed the optics' })).status).toBe(200);
    expect((await refreshTicketFromSeller({ ticketId: t.id })).ok).toBe(true);
    return t;
  }

  it('the reopen action refuses an empty or blank reason with a field error and queues nothing', async () => {
    const t = await resolvedTicket();
    const before = await outboxRows(t.id);
    for (const reason of ['', '   \n  ']) {
      const result = await reopenTicket({ ticketId: t.id, reason });
      expect(result.ok).toBe(false);
      expect(result.errors?.reason?.[0]).toMatch(/Closure Rejection Reason/);
    }
    expect(await outboxRows(t.id)).toEqual(before);
    expect((await atSeller(t.sellerTicketId!)).status).toBe('resolved');
  });

  it('the outbox refuses a queued reopen with an empty reason; the Seller keeps the ticket resolved', async () => {
    const t = await resolvedTicket();
    for (const reason of ['', '   ']) {
      const reports = await queue(t, 'reopen', { reopen: { reason } });
      expect(reports.at(-1)?.outcome).toBe('rejected');
      expect(reports.at(-1)?.item?.lastError).toMatch(/R61/);
      expect(reports.at(-1)?.item?.lastErrorDetail).toMatchObject({ fieldErrors: { reason: [expect.stringMatching(/Closure Rejection Reason/)] } });
    }
    const seller = await atSeller(t.sellerTicketId!);
    expect(seller.status).toBe('resolved');
    expect((seller.note ?? []).filter((n) => n.author === 'closureRejection')).toEqual([]);
    const row = (await getDb().select().from(tickets).where(eq(tickets.id, t.id)).get())!;
    expect(row.syncState).toBe('rejected');
  });

  it('a reopen with a reason is sent trimmed', async () => {
    const t = await resolvedTicket();
    const result = await reopenTicket({ ticketId: t.id, reason: '  Still losing packets  ' });
    expect(result.ok, result.message).toBe(true);
    const seller = await atSeller(t.sellerTicketId!);
    expect(seller.status).toBe('reopened');
    expect(seller.note?.find((n) => n.author === 'closureRejection')?.text).toBe('Still losing packets');
  });
});

describe('the strict sandbox Sellers', () => {
  it('sent no document that had to be refused', async () => {
    expect(await getDb().select().from(sellerDocumentRejections).all()).toEqual([]);
  });
});
