'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useToast } from '@/components/ui/toast';

/** A small "Delete" button that asks first, runs the action, and says how it went. */
export function DeleteButton(props: {
  title: string;
  description: string;
  confirmLabel: string;
  remove: () => Promise<{ ok: boolean; message?: string }>;
  deleted: string;
  failed: string;
  /** Re-render the page afterwards (for pages the action does not revalidate). */
  refresh?: boolean;
}) {
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
        title={props.title}
        description={props.description}
        confirmLabel={props.confirmLabel}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          const result = await props.remove();
          setOpen(false);
          if (result.ok) toast.success(result.message ?? props.deleted);
          else toast.error(result.message ?? props.failed);
          if (props.refresh) router.refresh();
        }}
      />
    </>
  );
}
