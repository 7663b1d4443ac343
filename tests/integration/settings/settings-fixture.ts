import { getDb } from '@/db';
import { auditLog, products, sellers, users } from '@/db/schema';

export const SELLER_SECRET = 'plain-secret-9f8e7d6c5b4a';

/** A complete Seller form as the browser would post it. */
export function sellerForm(overrides: Record<string, string> = {}): Record<string, string> {
  const slug = overrides.slug ?? 'acme';
  const base = `http://127.0.0.1:4010/${slug}/mefApi/sonata`;
  return {
    slug,
    name: 'Acme Networks',
    troubleTicketBaseUrl: `${base}/troubleTicket/v4`,
    appointmentBaseUrl: `${base}/appointment/v2`,
    workOrderBaseUrl: `${base}/workOrderManagement/v2`,
    tokenUrl: `http://127.0.0.1:4010/${slug}/oauth2/token`,
    clientId: 'buyer-client-id-acme',
    clientSecret: SELLER_SECRET,
    scopeMode: 'operation',
    fixedScope: '',
    buyerId: '',
    sellerId: '',
    timeoutMs: '8000',
    ...overrides,
  };
}

export function toFormData(values: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(values)) form.set(k, v);
  return form;
}

/** Every row of every table the settings touch, to prove a refused call changed nothing. */
export async function snapshot() {
  const db = getDb();
  return {
    users: await db.select().from(users).all(),
    sellers: await db.select().from(sellers).all(),
    products: await db.select().from(products).all(),
    audit: await db.select().from(auditLog).all(),
  };
}
