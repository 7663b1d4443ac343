'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { refreshIncident, refreshIncidents } from '@/lib/actions/incidents';

/** Asks the Sellers again: every Seller's list, one Seller's, or (with `id`) one incident. */
export function RefreshIncidentsButton({
  seller,
  id,
  label = 'Refresh from Sellers',
  refusal = null,
}: {
  seller?: string;
  id?: string;
  label?: string;
  /** Why this user may not ask the Sellers (a read-only role): the button is disabled and says so. */
  refusal?: string | null;
}) {
  const router = useRouter();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      loading={busy}
      disabled={!!refusal}
      title={refusal ?? undefined}
      onClick={async () => {
        setBusy(true);
        try {
          const res = seller && id ? await refreshIncident({ seller, id }) : await refreshIncidents(seller ? { seller } : {});
          if (res.ok) toast.success(res.message ?? 'Refreshed');
          else toast.error('Not everything could be refreshed', res.message);
          router.refresh();
        } finally {
          setBusy(false);
        }
      }}
    >
      {label}
    </Button>
  );
}
