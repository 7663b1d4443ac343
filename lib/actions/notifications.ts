'use server';

import { eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { sellers } from '@/db/schema';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { revokeListenerCredentials, rotateListenerCredential } from '@/lib/sellers/listener-credentials';
import { audit } from '@/lib/data/audit';
import { markWaitingItemRead } from '@/lib/sync/waiting-items';
import { callbackFor, LISTENER_TOKEN_PATH, syncSellerNotifications, type HubOutcome } from '@/lib/sync/hub-registration';
import { reconcileSeller, type ReconcileResult } from '@/lib/sync/reconcile';
import { publicBaseUrl } from '@/lib/sellers/listener-credentials';

const SETTINGS_PATH = '/settings/notifications';
const bySlug = z.object({ slug: z.string().trim().min(1).max(40) });

async function sellerOr404(slug: string) {
  return (await getDb().select().from(sellers).where(eq(sellers.slug, slug)).limit(1))[0];
}

export interface IssuedListenerCredentials {
  clientId: string;
  /** Shown once, never stored in the clear. */
  clientSecret: string;
  tokenUrl: string;
  callback: string;
}

/** New listener credentials for a Seller (the previous ones stop working): for onboarding a real Seller. */
export const issueListenerCredentials = authorizedAction(
  'sellers.manage',
  bySlug,
  async ({ slug }, user): Promise<ActionState<IssuedListenerCredentials>> => {
    const seller = await sellerOr404(slug);
    if (!seller) return { ok: false, status: 404, message: 'No such Seller.' };
    const issued = await rotateListenerCredential(seller, 'onboarding');
    await audit(user, 'listenerCredentials.issue', 'seller', seller.slug, { clientId: issued.clientId });
    revalidatePath(SETTINGS_PATH);
    return {
      ok: true,
      message: 'Copy the secret now: it is not shown again.',
      data: { clientId: issued.clientId, clientSecret: issued.clientSecret, tokenUrl: `${publicBaseUrl()}${LISTENER_TOKEN_PATH}`, callback: callbackFor(seller) },
    };
  },
);

export const revokeListenerCredentialsAction = authorizedAction('sellers.manage', bySlug, async ({ slug }, user): Promise<ActionState<{ revoked: number }>> => {
  const seller = await sellerOr404(slug);
  if (!seller) return { ok: false, status: 404, message: 'No such Seller.' };
  const revoked = await revokeListenerCredentials(seller.id);
  await audit(user, 'listenerCredentials.revoke', 'seller', seller.slug, { revoked });
  revalidatePath(SETTINGS_PATH);
  return { ok: true, message: revoked ? `Revoked; ${seller.name} can no longer deliver notifications until it gets new credentials.` : 'Nothing to revoke.', data: { revoked } };
});

/** Drops and registers again the Seller's hubs (and refreshes a sandbox Seller's credentials). */
export const reregisterHubs = authorizedAction('sellers.manage', bySlug, async ({ slug }, user): Promise<ActionState<{ hubs: HubOutcome[] }>> => {
  const seller = await sellerOr404(slug);
  if (!seller) return { ok: false, status: 404, message: 'No such Seller.' };
  if (!seller.enabled) return { ok: false, status: 409, message: `${seller.name} is disabled: enable it first.` };
  const hubs = await syncSellerNotifications(seller, { force: true, pushCredentials: true });
  await audit(user, 'hubs.reregister', 'seller', seller.slug, { hubs: hubs.map((h) => `${h.api}:${h.state}`) });
  revalidatePath(SETTINGS_PATH);
  const failed = hubs.filter((h) => h.state !== 'registered');
  return failed.length
    ? { ok: false, status: 502, message: `Registration failed for ${failed.map((h) => h.api).join(', ')}: ${failed[0]?.error ?? ''}`, data: { hubs } }
    : { ok: true, message: 'Registered one hub per API.', data: { hubs } };
});

export const reconcileNow = authorizedAction('sellers.manage', bySlug, async ({ slug }, user): Promise<ActionState<ReconcileResult>> => {
  const seller = await sellerOr404(slug);
  if (!seller) return { ok: false, status: 404, message: 'No such Seller.' };
  const result = await reconcileSeller(seller);
  await audit(user, 'sync.reconcile', 'seller', seller.slug, { ...result });
  revalidatePath(SETTINGS_PATH);
  return result.error
    ? { ok: false, status: 502, message: `Reconciliation failed: ${result.error}`, data: result }
    : { ok: true, message: `${result.checked} tickets checked, ${result.queued} fetched again.`, data: result };
});

/** Marks news items (a new incident, an appointment the Seller changed) as read. Requests clear by being answered. */
export const dismissWaitingItem = authorizedAction(
  'tickets.view',
  z.object({ id: z.coerce.number().int().positive() }),
  async ({ id }, user): Promise<ActionState> => {
    const item = await markWaitingItemRead(id, user.email);
    if (!item) return { ok: false, status: 404, message: 'Already cleared, or not something that can be dismissed.' };
    return { ok: true };
  },
);
