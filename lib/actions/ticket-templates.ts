'use server';

import { revalidatePath } from 'next/cache';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { findProduct } from '@/lib/data/products';
import {
  deleteNoteSnippet as removeNoteSnippet,
  deleteTicketTemplate as removeTicketTemplate,
  getNoteSnippet,
  getTicketTemplate,
  insertNoteSnippet,
  insertTicketTemplate,
  noteSnippetNameTaken,
  ticketTemplateNameTaken,
  updateNoteSnippet as saveNoteSnippet,
  updateTicketTemplate as saveTicketTemplate,
  type TicketTemplateRecord,
  type TicketTemplateView,
} from '@/lib/data/ticket-templates';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { recordRefSchema, snippetInputSchema, templateInputSchema, type TemplateInput } from '@/lib/domain/ticket-templates';

const ATTENTION = 'Some fields need your attention.';

const updateTemplateInput = templateInputSchema.and(recordRefSchema);
const updateSnippetInput = snippetInputSchema.extend(recordRefSchema.shape);

function refreshPages() {
  try {
    revalidatePath('/settings/templates');
    revalidatePath('/tickets/new');
  } catch {
    // Outside a request (scripts, tests) there is no page cache to refresh.
  }
}

const refused = (errors: Record<string, string[]>, status: 400 | 409 = 400): ActionState<never> => ({ ok: false, status, message: ATTENTION, errors });

/** Resolves the template's Seller and product; field errors when either is not ours. */
async function toRecord(input: TemplateInput): Promise<{ record: TicketTemplateRecord } | { errors: Record<string, string[]> }> {
  let sellerId: number | null = null;
  if (input.seller) {
    const seller = await getSellerBySlug(input.seller);
    if (!seller) return { errors: { seller: ['Choose one of the configured Sellers'] } };
    sellerId = seller.id;
    if (input.productId && !(await findProduct(seller.slug, input.productId))) {
      return { errors: { productId: [`Choose one of our products at ${seller.name}`] } };
    }
  }
  return {
    record: {
      name: input.name,
      sellerId,
      productId: input.productId ?? null,
      description: input.description,
      ticketType: input.ticketType ?? null,
      severity: input.severity ?? null,
      priority: input.priority ?? null,
      observedImpact: input.observedImpact ?? null,
      note: input.note,
      contacts: input.contacts,
    },
  };
}

/** The template as its audit entries describe it (contacts by e-mail only). */
function described(view: Pick<TicketTemplateView, 'name' | 'seller' | 'productId' | 'values'>): Record<string, unknown> {
  const { contacts, ...values } = view.values;
  return { name: view.name, seller: view.seller, productId: view.productId, ...values, contacts: contacts.map((c) => c.emailAddress) };
}

function describedInput(input: TemplateInput): Record<string, unknown> {
  return described({
    name: input.name,
    seller: input.seller ?? null,
    productId: input.productId ?? null,
    values: {
      description: input.description,
      ticketType: input.ticketType ?? '',
      severity: input.severity ?? '',
      priority: input.priority ?? '',
      observedImpact: input.observedImpact ?? '',
      note: input.note,
      contacts: input.contacts,
    },
  });
}

const duplicateName = (name: string) => refused({ name: [`A template named "${name}" already exists`] }, 409);

export const createTicketTemplate = authorizedAction('templates.manage', templateInputSchema, async (input, user) => {
  if (await ticketTemplateNameTaken(input.name)) return duplicateName(input.name);
  const resolved = await toRecord(input);
  if ('errors' in resolved) return refused(resolved.errors);
  const id = await insertTicketTemplate(resolved.record, user, describedInput(input));
  refreshPages();
  return { ok: true, message: `Template ${input.name} saved.`, data: { id } };
});

export const updateTicketTemplate = authorizedAction('templates.manage', updateTemplateInput, async (input, user) => {
  const current = await getTicketTemplate(input.id);
  if (!current) return { ok: false, status: 404, message: 'This template no longer exists.' };
  if (await ticketTemplateNameTaken(input.name, input.id)) return duplicateName(input.name);
  const resolved = await toRecord(input);
  if ('errors' in resolved) return refused(resolved.errors);
  const before = described(current);
  const after = describedInput(input);
  const changed = Object.fromEntries(
    Object.keys(after)
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => [k, { from: before[k], to: after[k] }]),
  );
  await saveTicketTemplate(input.id, resolved.record, user, { name: input.name, changed });
  refreshPages();
  return { ok: true, message: `Template ${input.name} saved.`, data: { id: input.id } };
});

export const deleteTicketTemplate = authorizedAction('templates.manage', recordRefSchema, async ({ id }, user) => {
  const current = await getTicketTemplate(id);
  if (!current) return { ok: false, status: 404, message: 'This template no longer exists.' };
  await removeTicketTemplate(id, user, described(current));
  refreshPages();
  return { ok: true, message: `Template ${current.name} deleted.` };
});

// --- note snippets ----------------------------------------------------------------------------------------------------

const duplicateSnippet = (name: string) => refused({ name: [`A snippet named "${name}" already exists`] }, 409);

export const createNoteSnippet = authorizedAction('templates.manage', snippetInputSchema, async (input, user) => {
  if (await noteSnippetNameTaken(input.name)) return duplicateSnippet(input.name);
  const id = await insertNoteSnippet(input, user);
  refreshPages();
  return { ok: true, message: `Snippet ${input.name} saved.`, data: { id } };
});

export const updateNoteSnippet = authorizedAction('templates.manage', updateSnippetInput, async ({ id, ...values }, user) => {
  const current = await getNoteSnippet(id);
  if (!current) return { ok: false, status: 404, message: 'This snippet no longer exists.' };
  if (await noteSnippetNameTaken(values.name, id)) return duplicateSnippet(values.name);
  await saveNoteSnippet(id, values, user, { name: values.name, from: { name: current.name, text: current.text }, to: values });
  refreshPages();
  return { ok: true, message: `Snippet ${values.name} saved.`, data: { id } };
});

export const deleteNoteSnippet = authorizedAction('templates.manage', recordRefSchema, async ({ id }, user) => {
  const current = await getNoteSnippet(id);
  if (!current) return { ok: false, status: 404, message: 'This snippet no longer exists.' };
  await removeNoteSnippet(id, user, { name: current.name, text: current.text });
  refreshPages();
  return { ok: true, message: `Snippet ${current.name} deleted.` };
});
