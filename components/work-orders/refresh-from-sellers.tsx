'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { refreshFromSellers } from '@/lib/actions/appointments';

/** Asks the Sellers for the latest work orders and appointments (all, one Seller, or one item), then re-reads the page. */
export function RefreshFromSellers({
  seller,
  workOrderId,
  appointmentId,
  label = 'Refresh from Sellers',
  refusal = null,
}: {
  seller?: string;
  workOrderId?: string;
  appointmentId?: string;
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
          const res = await refreshFromSellers({ ...(seller ? { seller } : {}), ...(workOrderId ? { workOrderId } : {}), ...(appointmentId ? { appointmentId } : {}) });
          if (res.ok) toast.success(res.message ?? 'Refreshed');
          else toast.error('Some Sellers did not answer', res.message);
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
