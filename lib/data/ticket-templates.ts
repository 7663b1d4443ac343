import 'server-only';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { recordAuditTx } from '@/db/audit-log';
import { noteSnippets, sellers, ticketTemplates, type NoteSnippetRow } from '@/db/schema';
import { transaction } from '@/db/transaction';
import type { SessionUser } from '@/lib/auth/session';
import { listSellers } from '@/lib/sellers/registry';
import { listProducts } from './products';
import type { TemplateContactValue, TemplateValues } from '@/lib/domain/ticket-templates';

/** A template as Settings lists it and the create form offers it. */
export interface TicketTemplateView {
  id: number;
  name: string;
  /** Seller slug and name, or null for every Seller. */
  seller: string | null;
  sellerName: string | null;
  productId: string | null;
  values: TemplateValues;
  updatedAt: string;
}

export type NoteSnippetView = Pick<NoteSnippetRow, 'id' | 'name' | 'text' | 'updatedAt'>;

/** What a template stores, as the actions hand it over (Seller resolved to its row id). */
export interface TicketTemplateRecord {
  name: string;
  sellerId: number | null;
  productId: string | null;
  description: string;
  ticketType: string | null;
  severity: string | null;
  priority: string | null;
  observedImpact: string | null;
  note: string;
  contacts: TemplateContactValue[];
}

/** A Seller and its products, as a template can be narrowed to them. */
export interface TemplateSellerOption {
  slug: string;
  name: string;
  products: { productId: string; label: string }[];
}

/** The Sellers and their products a template can be narrowed to. */
export async function templateSellerOptions(): Promise<TemplateSellerOption[]> {
  const [all, products] = await Promise.all([listSellers(), listProducts()]);
  return all.map((s) => ({
    slug: s.slug,
    name: s.name,
    products: products.filter((p) => p.sellerId === s.id).map((p) => ({ productId: p.productId, label: p.label })),
  }));
}

type Actor = Pick<SessionUser, 'id' | 'email'>;

const templateColumns = {
  id: ticketTemplates.id,
  name: ticketTemplates.name,
  seller: sellers.slug,
  sellerName: sellers.name,
  productId: ticketTemplates.productId,
  description: ticketTemplates.description,
  ticketType: ticketTemplates.ticketType,
  severity: ticketTemplates.severity,
  priority: ticketTemplates.priority,
  observedImpact: ticketTemplates.observedImpact,
  note: ticketTemplates.note,
  contacts: ticketTemplates.contacts,
  updatedAt: ticketTemplates.updatedAt,
};

function templateQuery() {
  return getDb().select(templateColumns).from(ticketTemplates).leftJoin(sellers, eq(ticketTemplates.sellerId, sellers.id));
}
type TemplateRow = Awaited<ReturnType<ReturnType<typeof templateQuery>['all']>>[number];

function toView(row: TemplateRow): TicketTemplateView {
  return {
    id: row.id,
    name: row.name,
    seller: row.seller ?? null,
    sellerName: row.sellerName ?? null,
    productId: row.productId,
    values: {
      description: row.description,
      ticketType: row.ticketType ?? '',
      severity: row.severity ?? '',
      priority: row.priority ?? '',
      observedImpact: row.observedImpact ?? '',
      note: row.note,
      contacts: row.contacts,
    },
    updatedAt: row.updatedAt,
  };
}

/** Every template, by name. */
export async function listTicketTemplates(): Promise<TicketTemplateView[]> {
  const rows = await templateQuery().orderBy(asc(ticketTemplates.name));
  return rows.map(toView);
}

export async function getTicketTemplate(id: number): Promise<TicketTemplateView | undefined> {
  const row = (await templateQuery().where(eq(ticketTemplates.id, id)))[0]!;
  return row ? toView(row) : undefined;
}

/** Whether another template (not `exceptId`) has this name, compared without regard to case. */
export async function ticketTemplateNameTaken(name: string, exceptId?: number): Promise<boolean> {
  const row = (await getDb()
    .select({ id: ticketTemplates.id })
    .from(ticketTemplates)
    .where(and(sql`lower(${ticketTemplates.name}) = lower(${name})`, exceptId ? ne(ticketTemplates.id, exceptId) : undefined))
    .limit(1))[0];
  return !!row;
}

export async function insertTicketTemplate(record: TicketTemplateRecord, user: Actor, auditDetail: Record<string, unknown>): Promise<number> {
  return transaction(async (tx) => {
    const row = (await tx.insert(ticketTemplates).values(record).returning({ id: ticketTemplates.id }))[0]!;
    await recordAuditTx(tx, { userId: user.id, actor: user.email, action: 'template.create', entityType: 'template', entityId: row.id, detail: auditDetail });
    return row.id;
  });
}

export async function updateTicketTemplate(id: number, record: TicketTemplateRecord, user: Actor, auditDetail: Record<string, unknown>): Promise<void> {
  await transaction(async (tx) => {
    await tx.update(ticketTemplates)
      .set({ ...record, updatedAt: new Date().toISOString() })
      .where(eq(ticketTemplates.id, id));
    await recordAuditTx(tx, { userId: user.id, actor: user.email, action: 'template.update', entityType: 'template', entityId: id, detail: auditDetail });
  });
}

export async function deleteTicketTemplate(id: number, user: Actor, auditDetail: Record<string, unknown>): Promise<void> {
  await transaction(async (tx) => {
    await tx.delete(ticketTemplates).where(eq(ticketTemplates.id, id));
    await recordAuditTx(tx, { userId: user.id, actor: user.email, action: 'template.delete', entityType: 'template', entityId: id, detail: auditDetail });
  });
}

// --- note snippets ----------------------------------------------------------------------------------------------------

const snippetColumns = { id: noteSnippets.id, name: noteSnippets.name, text: noteSnippets.text, updatedAt: noteSnippets.updatedAt };

/** Every note snippet, by name. */
export async function listNoteSnippets(): Promise<NoteSnippetView[]> {
  return await getDb().select(snippetColumns).from(noteSnippets).orderBy(asc(noteSnippets.name));
}

export async function getNoteSnippet(id: number): Promise<NoteSnippetView | undefined> {
  return (await getDb().select(snippetColumns).from(noteSnippets).where(eq(noteSnippets.id, id)).limit(1))[0];
}

export async function noteSnippetNameTaken(name: string, exceptId?: number): Promise<boolean> {
  const row = (await getDb()
    .select({ id: noteSnippets.id })
    .from(noteSnippets)
    .where(and(sql`lower(${noteSnippets.name}) = lower(${name})`, exceptId ? ne(noteSnippets.id, exceptId) : undefined))
    .limit(1))[0];
  return !!row;
}

export async function insertNoteSnippet(values: { name: string; text: string }, user: Actor): Promise<number> {
  return transaction(async (tx) => {
    const row = (await tx.insert(noteSnippets).values(values).returning({ id: noteSnippets.id }))[0]!;
    await recordAuditTx(tx, { userId: user.id, actor: user.email, action: 'snippet.create', entityType: 'snippet', entityId: row.id, detail: values });
    return row.id;
  });
}

export async function updateNoteSnippet(id: number, values: { name: string; text: string }, user: Actor, auditDetail: Record<string, unknown>): Promise<void> {
  await transaction(async (tx) => {
    await tx.update(noteSnippets)
      .set({ ...values, updatedAt: new Date().toISOString() })
      .where(eq(noteSnippets.id, id));
    await recordAuditTx(tx, { userId: user.id, actor: user.email, action: 'snippet.update', entityType: 'snippet', entityId: id, detail: auditDetail });
  });
}

export async function deleteNoteSnippet(id: number, user: Actor, auditDetail: Record<string, unknown>): Promise<void> {
  await transaction(async (tx) => {
    await tx.delete(noteSnippets).where(eq(noteSnippets.id, id));
    await recordAuditTx(tx, { userId: user.id, actor: user.email, action: 'snippet.delete', entityType: 'snippet', entityId: id, detail: auditDetail });
  });
}
