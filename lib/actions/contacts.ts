'use server';

import { eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db';
import { contacts } from '@/db/schema';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { audit } from '@/lib/data/audit';
import { contactBookEntrySchema, contactRefSchema, updateContactSchema } from '@/lib/domain/ticket-forms';
import { write } from '@/db/transaction';

function refresh() {
  try {
    revalidatePath('/tickets/contacts');
  } catch {
    // no page cache outside a request
  }
}

const isUniqueViolation = (err: unknown) =>
  typeof err === 'object' && err !== null && 'code' in err && String((err as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT');

const duplicate: ActionState<never> = {
  ok: false,
  status: 409,
  message: 'Some fields need your attention.',
  errors: { emailAddress: ['A contact with this name and e-mail address is already in the book'] },
};

export const createContact = authorizedAction('contacts.manage', contactBookEntrySchema, async (input, user) => {
  try {
    const row = (await write(() =>
      getDb()
        .insert(contacts)
        .values({ ...input, numberExtension: input.numberExtension ?? null, organization: input.organization ?? null, createdByUserId: user.id })
        .returning(),
    ))[0]!;
    await audit(user, 'contact.create', 'contact', row.id, { name: row.name, emailAddress: row.emailAddress });
    refresh();
    return { ok: true, message: `${row.name} added to the contact book.`, data: { id: row.id } };
  } catch (err) {
    if (isUniqueViolation(err)) return duplicate;
    throw err;
  }
});

export const updateContact = authorizedAction('contacts.manage', updateContactSchema, async (input, user) => {
  const { contactId, ...fields } = input;
  try {
    const row = (await write(() =>
      getDb()
        .update(contacts)
        .set({ ...fields, numberExtension: fields.numberExtension ?? null, organization: fields.organization ?? null, updatedAt: new Date().toISOString() })
        .where(eq(contacts.id, contactId))
        .returning(),
    ))[0]!;
    if (!row) return { ok: false, status: 404, message: 'No such contact.' };
    await audit(user, 'contact.update', 'contact', row.id, { name: row.name });
    refresh();
    return { ok: true, message: `${row.name} updated.`, data: { id: row.id } };
  } catch (err) {
    if (isUniqueViolation(err)) return duplicate;
    throw err;
  }
});

export const deleteContact = authorizedAction('contacts.manage', contactRefSchema, async (input, user) => {
  const row = (await write(() => getDb().delete(contacts).where(eq(contacts.id, input.contactId)).returning()))[0]!;
  if (!row) return { ok: false, status: 404, message: 'No such contact.' };
  await audit(user, 'contact.delete', 'contact', row.id, { name: row.name });
  refresh();
  return { ok: true, message: `${row.name} removed from the contact book.` };
});
