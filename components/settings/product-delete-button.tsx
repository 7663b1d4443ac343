'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useToast } from '@/components/ui/toast';
import { deleteProduct } from '@/lib/actions/products';

export function ProductDeleteButton({ id, label, sellerName }: { id: number; label: string; sellerName: string }) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        tone="danger"
        title={`Delete ${label}?`}
        description={`It disappears from ${sellerName}’s inventory in the portal; new tickets can no longer name it. The Seller is not told.`}
        confirmLabel="Delete product"
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          const result = await deleteProduct({ id });
          setOpen(false);
          if (result.ok) toast.success(result.message ?? 'Product deleted.');
          else toast.error(result.message ?? 'The product could not be deleted.');
        }}
      />
    </>
  );
}
