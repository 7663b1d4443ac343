'use server';

import { eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { sellers } from '@/db/schema';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { audit } from '@/lib/data/audit';
import { listenerAccessChanged } from '@/lib/sellers/access-changes';
import { getSellerBySlug, sealClientSecret } from '@/lib/sellers/registry';
import { syncSellerNotifications } from '@/lib/sync/hub-registration';
import { egressRefusal } from '@/lib/sonata/egress';
import { sellerCreateSchema, sellerUpdateSchema, slugSchema } from '@/lib/domain/seller-registry';
import { write } from '@/db/transaction';

const SETTINGS_FIELDS = [
  'name',
  'troubleTicketBaseUrl',
  'appointmentBaseUrl',
  'workOrderBaseUrl',
  'tokenUrl',
  'clientId',
  'scopeMode',
  'fixedScope',
  'buyerId',
  'sellerId',
  'timeoutMs',
  'referencePoint',
] as const;

const URL_FIELDS = ['troubleTicketBaseUrl', 'appointmentBaseUrl', 'workOrderBaseUrl', 'tokenUrl'] as const;

function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

/** URL fields whose origin (scheme, host, port) differs from the stored one: the stored secret must not follow them. */
function movedUrlFields(current: Record<(typeof URL_FIELDS)[number], string>, next: Record<(typeof URL_FIELDS)[number], string>) {
  return URL_FIELDS.filter((field) => originOf(current[field]) !== originOf(next[field]));
}

/**
 * URLs whose host is written as an address the egress check refuses (loopback, private, link-local): said under the
 * field at once, rather than as a failed call later. Names are checked when called, after DNS.
 */
function refusedAddressErrors(values: Record<(typeof URL_FIELDS)[number], string>): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const field of URL_FIELDS) {
    let host: string;
    try {
      host = new URL(values[field]).hostname.replace(/^\[|\]$/g, '');
    } catch {
      continue;
    }
    const refusal = /^[\d.]+$|:/.test(host) ? egressRefusal(host) : host === 'localhost' || host.endsWith('.localhost') ? egressRefusal('127.0.0.1') : null;
    if (refusal) errors[field] = [`${host} is a ${refusal} address: Seller calls to it are refused unless SELLER_EGRESS_ALLOW lists it`];
  }
  return Object.keys(errors).length ? errors : null;
}

const refusedAddresses = (errors: Record<string, string[]>): ActionState<{ slug: string }> => ({
  ok: false,
  status: 400,
  message: 'Some fields need your attention.',
  errors,
});

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && String(err.code).startsWith('SQLITE_CONSTRAINT');
}

const slugTaken = (slug: string): ActionState<{ slug: string }> => ({
  ok: false,
  status: 409,
  message: 'Some fields need your attention.',
  errors: { slug: [`The slug "${slug}" is already used by another Seller`] },
});

function refreshSellerPages(slug: string) {
  revalidatePath('/settings/sellers');
  revalidatePath(`/settings/sellers/${slug}`);
}

export const createSeller = authorizedAction('sellers.manage', sellerCreateSchema, async (input, user) => {
  if (await getSellerBySlug(input.slug)) return slugTaken(input.slug);
  const refused = refusedAddressErrors(input);
  if (refused) return refusedAddresses(refused);
  const { clientSecret, ...settings } = input;
  try {
    await write(() =>
      getDb()
        .insert(sellers)
        .values({ ...settings, clientSecretEnc: sealClientSecret(clientSecret, input.slug), origin: 'ui', enabled: true }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) return slugTaken(input.slug);
    throw err;
  }
  listenerAccessChanged();
  await audit(user, 'seller.create', 'seller', input.slug, { ...settings });
  refreshSellerPages(input.slug);
  return { ok: true, message: `Seller ${input.name} added.`, data: { slug: input.slug } };
});

export const updateSeller = authorizedAction('sellers.manage', sellerUpdateSchema, async (input, user) => {
  const current = await getSellerBySlug(input.slug);
  if (!current) return { ok: false, status: 404, message: `No Seller with slug "${input.slug}".` };
  const { clientSecret, slug, ...settings } = input;
  const refused = refusedAddressErrors(settings);
  if (refused) return refusedAddresses(refused);
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of SETTINGS_FIELDS) {
    if (current[field] !== settings[field]) changed[field] = { from: current[field], to: settings[field] };
  }
  const secretChanged = clientSecret !== undefined;
  const moved = movedUrlFields(current, settings);
  if (moved.length > 0 && !secretChanged) {
    return {
      ok: false,
      status: 400,
      message: 'Some fields need your attention.',
      errors: {
        clientSecret: [
          `The Seller's ${moved.length === 1 ? 'address has' : 'addresses have'} moved to another host (${moved.map((f) => originOf(settings[f])).filter((o, i, all) => all.indexOf(o) === i).join(', ')}): enter the client secret again to send it there`,
        ],
      },
    };
  }
  if (Object.keys(changed).length === 0 && !secretChanged) {
    return { ok: true, message: 'Nothing changed.', data: { slug } };
  }
  await write(() =>
    getDb()
      .update(sellers)
      .set({
        ...settings,
        ...(secretChanged ? { clientSecretEnc: sealClientSecret(clientSecret, slug) } : {}),
        updatedAt: new Date().toISOString(),
      })
      .where(eq(sellers.id, current.id)),
  );
  listenerAccessChanged();
  await audit(user, 'seller.update', 'seller', slug, { changed, secretChanged });
  refreshSellerPages(slug);
  return { ok: true, message: `Seller ${settings.name} saved.`, data: { slug } };
});

const enabledInput = z.object({
  slug: slugSchema,
  enabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
    error: 'Must be true or false',
  }),
});

export const setSellerEnabled = authorizedAction('sellers.manage', enabledInput, async ({ slug, enabled }, user) => {
  const current = await getSellerBySlug(slug);
  if (!current) return { ok: false, status: 404, message: `No Seller with slug "${slug}".` };
  if (current.enabled !== enabled) {
    await write(() => getDb().update(sellers).set({ enabled, updatedAt: new Date().toISOString() }).where(eq(sellers.id, current.id)));
    listenerAccessChanged();
    await audit(user, enabled ? 'seller.enable' : 'seller.disable', 'seller', slug);
    // Register or drop the Seller's hubs now; an unreachable Seller is retried by the periodic check.
    await syncSellerNotifications({ ...current, enabled }).catch(() => undefined);
    refreshSellerPages(slug);
  }
  return { ok: true, message: `${current.name} is ${enabled ? 'enabled' : 'disabled'}.`, data: { slug } };
});
