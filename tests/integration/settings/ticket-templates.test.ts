import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { asc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, noteSnippets, outbox, ticketTemplates } from '@/db/schema';
import { createProduct } from '@/lib/actions/products';
import { createSeller } from '@/lib/actions/sellers';
import {
  createNoteSnippet,
  createTicketTemplate,
  deleteNoteSnippet,
  deleteTicketTemplate,
  updateNoteSnippet,
  updateTicketTemplate,
} from '@/lib/actions/ticket-templates';
import { createTicket } from '@/lib/actions/tickets';
import { listNoteSnippets, listTicketTemplates } from '@/lib/data/ticket-templates';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { sellerForm } from './settings-fixture';

const contact = { name: 'Tess Tech', number: '+33 1 00 00 00 01', emailAddress: 'tess@noc.example', organization: 'NOC' };
const fibreCut = {
  name: 'Fibre cut',
  seller: 'acme',
  productId: 'ETH-1',
  description: 'Fibre cut suspected on the access circuit',
  ticketType: 'maintenance',
  severity: 'extensive',
  priority: 'critical',
  observedImpact: 'down',
  note: 'Customer site reports total loss of service.',
  contacts: [contact],
};

let ids: { admin: number; noc: number; manager: number; coordinator: number };

/** A Seller whose addresses answer nothing (port 9, discard), so a created ticket waits in the outbox. */
function silentSeller(slug: string, name: string) {
  const base = `http://127.0.0.1:9/${slug}/mefApi/sonata`;
  return sellerForm({
    slug,
    name,
    troubleTicketBaseUrl: `${base}/troubleTicket/v4`,
    appointmentBaseUrl: `${base}/appointment/v2`,
    workOrderBaseUrl: `${base}/workOrderManagement/v2`,
    tokenUrl: `http://127.0.0.1:9/${slug}/oauth2/token`,
  });
}

async function stored() {
  const db = getDb();
  return {
    templates: await db.select().from(ticketTemplates).all(),
    snippets: await db.select().from(noteSnippets).all(),
    audit: await db.select().from(auditLog).where(inArray(auditLog.entityType, ['template', 'snippet'])).all(),
  };
}

async function auditOf(entityType: string) {
  return getDb().select().from(auditLog).where(eq(auditLog.entityType, entityType)).orderBy(asc(auditLog.id)).all();
}

beforeEach(async () => {
  usePortalTestEnv();
  const admin = await createUser('admin');
  ids = {
    admin: admin.id,
    noc: (await createUser('noc')).id,
    manager: (await createUser('manager')).id,
    coordinator: (await createUser('coordinator')).id,
  };
  actAs(admin.id);
  expect(await createSeller(silentSeller('acme', 'Acme Networks'))).toMatchObject({ ok: true });
  expect(await createSeller(silentSeller('globex', 'Globex'))).toMatchObject({ ok: true });
  expect(await createProduct({ seller: 'acme', productId: 'ETH-1', label: 'Paris 1G', siteId: '', siteName: '', siteAddress: '', siteTimeZone: 'UTC' })).toMatchObject({ ok: true });
});

describe('ticket templates', () => {
  it('a NOC operator adds, edits and deletes a template; each change is audited with who and what', async () => {
    actAs(ids.noc);
    const created = await createTicketTemplate(fibreCut);
    expect(created).toMatchObject({ ok: true, message: 'Template Fibre cut saved.' });
    const id = (created.data as { id: number }).id;
    expect(await listTicketTemplates()).toEqual([
      expect.objectContaining({
        id,
        name: 'Fibre cut',
        seller: 'acme',
        sellerName: 'Acme Networks',
        productId: 'ETH-1',
        values: {
          description: fibreCut.description,
          ticketType: 'maintenance',
          severity: 'extensive',
          priority: 'critical',
          observedImpact: 'down',
          note: fibreCut.note,
          contacts: [contact],
        },
      }),
    ]);

    expect(await updateTicketTemplate({ ...fibreCut, id, priority: 'high', seller: '', productId: '' })).toMatchObject({ ok: true });
    const [updated] = await listTicketTemplates();
    expect(updated).toMatchObject({ seller: null, productId: null, values: { priority: 'high' } });

    expect(await deleteTicketTemplate({ id })).toMatchObject({ ok: true, message: 'Template Fibre cut deleted.' });
    expect(await listTicketTemplates()).toEqual([]);

    const entries = await auditOf('template');
    expect(entries.map((e) => [e.action, e.actor, e.entityId])).toEqual([
      ['template.create', 'noc@example.test', String(id)],
      ['template.update', 'noc@example.test', String(id)],
      ['template.delete', 'noc@example.test', String(id)],
    ]);
    expect(entries[0]!.detail).toMatchObject({ name: 'Fibre cut', seller: 'acme', severity: 'extensive', contacts: ['tess@noc.example'] });
    expect(entries[1]!.detail).toEqual({
      name: 'Fibre cut',
      changed: {
        seller: { from: 'acme', to: null },
        productId: { from: 'ETH-1', to: null },
        priority: { from: 'critical', to: 'high' },
      },
    });
  });

  it('refuses values outside the MEF enums under their fields and writes nothing', async () => {
    const before = await stored();
    const result = await createTicketTemplate({ ...fibreCut, severity: 'catastrophic', priority: 'P1', observedImpact: 'broken', ticketType: 'repair' });
    expect(result).toMatchObject({ ok: false, status: 400, message: 'Some fields need your attention.' });
    expect(result.errors).toMatchObject({
      severity: ['Choose one of the MEF 113 Severity values'],
      priority: ['Choose one of the MEF 113 Priority values'],
      observedImpact: ['Choose one of the MEF 113 Observed Impact values'],
      ticketType: ['Choose one of the MEF 113 Type values'],
    });
    expect(await stored()).toEqual(before);
  });

  it('refuses an unknown Seller, a product not held at the Seller, a bad contact and an empty template', async () => {
    const before = await stored();
    expect((await createTicketTemplate({ ...fibreCut, seller: 'umbrella' })).errors).toEqual({ seller: ['Choose one of the configured Sellers'] });
    expect((await createTicketTemplate({ ...fibreCut, seller: 'globex' })).errors).toEqual({ productId: ['Choose one of our products at Globex'] });
    expect((await createTicketTemplate({ ...fibreCut, seller: '' })).errors).toEqual({ seller: ['A product belongs to one Seller: choose the Seller too'] });
    expect((await createTicketTemplate({ ...fibreCut, contacts: [{ ...contact, number: '' }] })).errors).toEqual({
      'contacts.0.number': ['Enter the Contact Phone Number'],
    });
    expect((await createTicketTemplate({ name: 'Nothing' })).errors).toEqual({ _form: ['A template needs at least one value to fill'] });
    expect(await stored()).toEqual(before);
  });

  it('keeps names unique, whatever their case, on create and on edit', async () => {
    await createTicketTemplate(fibreCut);
    const second = await createTicketTemplate({ ...fibreCut, name: 'Slow line', severity: 'minor' });
    const before = await stored();
    expect(await createTicketTemplate({ ...fibreCut, name: 'FIBRE CUT' })).toMatchObject({
      ok: false,
      status: 409,
      errors: { name: ['A template named "FIBRE CUT" already exists'] },
    });
    expect(await updateTicketTemplate({ ...fibreCut, id: (second.data as { id: number }).id })).toMatchObject({ ok: false, status: 409 });
    expect(await stored()).toEqual(before);
  });

  it('managers and field coordinators cannot keep templates or snippets; nothing is written', async () => {
    await createTicketTemplate(fibreCut);
    await createNoteSnippet({ name: 'Dispatch', text: 'Please dispatch a technician.' });
    const [template] = await listTicketTemplates();
    const [snippet] = await listNoteSnippets();
    const before = await stored();
    for (const role of ['manager', 'coordinator'] as const) {
      actAs(ids[role]);
      const calls = [
        createTicketTemplate({ ...fibreCut, name: 'Other' }),
        updateTicketTemplate({ ...fibreCut, id: template!.id, priority: 'low' }),
        deleteTicketTemplate({ id: template!.id }),
        createNoteSnippet({ name: 'Other', text: 'x' }),
        updateNoteSnippet({ id: snippet!.id, name: 'Dispatch', text: 'changed' }),
        deleteNoteSnippet({ id: snippet!.id }),
      ];
      for (const result of await Promise.all(calls)) {
        expect(result, role).toMatchObject({ ok: false, status: 403, message: 'Only NOC operators and administrators keep ticket templates and note snippets.' });
      }
    }
    actAs(null);
    expect(await deleteTicketTemplate({ id: template!.id })).toMatchObject({ ok: false, status: 401 });
    expect(await stored()).toEqual(before);
  });

  it('drops fields the form does not offer: a posted id, Seller row id or timestamp is not stored', async () => {
    const result = await createTicketTemplate({ ...fibreCut, seller: '', productId: '', id: 77, sellerId: 2, createdAt: '2000-01-01T00:00:00Z' });
    expect(result.ok).toBe(true);
    const [row] = await getDb().select().from(ticketTemplates).all();
    expect(row).toMatchObject({ id: (result.data as { id: number }).id, sellerId: null, productId: null });
    expect(row!.id).not.toBe(77);
    expect(row!.createdAt).not.toBe('2000-01-01T00:00:00Z');
  });

  it('answers 404 for a template or snippet deleted in the meantime', async () => {
    expect(await updateTicketTemplate({ ...fibreCut, id: 999 })).toMatchObject({ ok: false, status: 404 });
    expect(await deleteTicketTemplate({ id: 999 })).toMatchObject({ ok: false, status: 404 });
    expect(await deleteNoteSnippet({ id: 999 })).toMatchObject({ ok: false, status: 404 });
  });
});

describe('note snippets', () => {
  it('adds, edits and deletes, unique by name, audited', async () => {
    const created = await createNoteSnippet({ name: 'Dispatch', text: 'Please dispatch a technician.' });
    const id = (created.data as { id: number }).id;
    expect(await createNoteSnippet({ name: 'dispatch', text: 'again' })).toMatchObject({
      ok: false,
      status: 409,
      errors: { name: ['A snippet named "dispatch" already exists'] },
    });
    expect((await createNoteSnippet({ name: '', text: '' })).errors).toEqual({ name: ['Enter the snippet name'], text: ['Enter the snippet text'] });
    expect(await updateNoteSnippet({ id, name: 'Dispatch', text: 'Please dispatch a technician today.' })).toMatchObject({ ok: true });
    expect(await listNoteSnippets()).toMatchObject([{ id, name: 'Dispatch', text: 'Please dispatch a technician today.' }]);
    expect(await deleteNoteSnippet({ id })).toMatchObject({ ok: true });
    expect(await listNoteSnippets()).toEqual([]);
    const entries = await auditOf('snippet');
    expect(entries.map((e) => e.action)).toEqual(['snippet.create', 'snippet.update', 'snippet.delete']);
    expect(entries[1]!.detail).toEqual({
      name: 'Dispatch',
      from: { name: 'Dispatch', text: 'Please dispatch a technician.' },
      to: { name: 'Dispatch', text: 'Please dispatch a technician today.' },
    });
  });
});

describe('a ticket opened with a template’s contacts', () => {
  it('sends them to the Seller as Buyer Technical Contacts beside the Reporter', async () => {
    actAs(ids.noc);
    const result = await createTicket({
      seller: 'acme',
      productId: 'ETH-1',
      description: 'Fibre cut suspected',
      severity: 'extensive',
      priority: 'critical',
      observedImpact: 'down',
      ticketType: 'maintenance',
      reporter: { name: 'Nora', number: '1', emailAddress: 'nora@noc.example' },
      technicalContacts: [contact],
    });
    expect(result.ok, result.message).toBe(true);
    const { ticketId } = result.data as { ticketId: number };
    const item = (await getDb().select().from(outbox).where(eq(outbox.ticketId, ticketId)).get())!;
    const body = (item.payload as { create: { relatedContactInformation: Array<Record<string, string>> } }).create;
    expect(body.relatedContactInformation).toEqual([
      { name: 'Nora', number: '1', emailAddress: 'nora@noc.example', role: 'reporterContact' },
      { ...contact, role: 'buyerTechnicalContact' },
    ]);
  });

  it('refuses an incomplete template contact under its field and queues nothing', async () => {
    actAs(ids.noc);
    const result = await createTicket({
      seller: 'acme',
      productId: 'ETH-1',
      description: 'Fibre cut suspected',
      severity: 'extensive',
      priority: 'critical',
      observedImpact: 'down',
      ticketType: 'maintenance',
      reporter: { name: 'Nora', number: '1', emailAddress: 'nora@noc.example' },
      technicalContacts: [{ ...contact, emailAddress: 'nowhere' }],
    });
    expect(result).toMatchObject({ ok: false, status: 400, errors: { 'technicalContacts.0.emailAddress': ['Enter a valid Contact Email Address'] } });
    expect(await getDb().select().from(outbox).all()).toEqual([]);
  });
});
