'use client';

import { Button } from '@/components/ui/button';
import { setSellerEnabled } from '@/lib/actions/sellers';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

/** Enables or disables a Seller: a disabled Seller is left out when the portal talks to its Sellers. */
export function SellerEnabledToggle({ slug, enabled }: { slug: string; enabled: boolean }) {
  const { state, pending, onSubmit } = useSettingsForm(setSellerEnabled);
  return (
    <form onSubmit={onSubmit} className="flex flex-col items-end gap-2">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="enabled" value={enabled ? 'false' : 'true'} />
      <Button type="submit" variant={enabled ? 'secondary' : 'primary'} loading={pending}>
        {enabled ? 'Disable Seller' : 'Enable Seller'}
      </Button>
      {state.ok ? null : <FormStatus state={state} />}
    </form>
  );
}
