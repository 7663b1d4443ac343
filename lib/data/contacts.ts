import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { contacts, type Contact } from '@/db/schema';

export type { Contact };

/** The desk's contact book, by name. */
export async function listContacts(): Promise<Contact[]> {
  return await getDb().select().from(contacts).orderBy(asc(contacts.name), asc(contacts.id));
}

export async function getContact(id: number): Promise<Contact | undefined> {
  return (await getDb().select().from(contacts).where(eq(contacts.id, id)).limit(1))[0];
}

export async function contactsByIds(ids: readonly number[]): Promise<Contact[]> {
  if (ids.length === 0) return [];
  const rows = await getDb().select().from(contacts).where(inArray(contacts.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((c): c is Contact => !!c);
}
