'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useToast } from '@/components/ui/toast';
import { deleteSlaAgreement, deleteSlaCalendar } from '@/lib/actions/sla';

export function SlaDeleteButton({ kind, id, name }: { kind: 'agreement' | 'calendar'; id: number; name: string }) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  const router = useRouter();
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        tone="danger"
        title={`Delete ${name}?`}
        description={
          kind === 'agreement'
            ? 'Open tickets under it stop being measured; tickets already closed keep their verdicts.'
            : 'Only a calendar no agreement uses can be deleted.'
        }
        confirmLabel={`Delete ${kind}`}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          const result = await (kind === 'agreement' ? deleteSlaAgreement({ id }) : deleteSlaCalendar({ id }));
          setOpen(false);
          if (result.ok) toast.success(result.message ?? 'Deleted.');
          else toast.error(result.message ?? 'It could not be deleted.');
          router.refresh();
        }}
      />
    </>
  );
}
