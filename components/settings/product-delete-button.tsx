'use client';

import { DeleteButton } from '@/components/ui/delete-button';
import { deleteProduct } from '@/lib/actions/products';

export function ProductDeleteButton({ id, label, sellerName }: { id: number; label: string; sellerName: string }) {
  return (
    <DeleteButton
      title={`Delete ${label}?`}
      description={`It disappears from ${sellerName}’s inventory in the portal; new tickets can no longer name it. The Seller is not told.`}
      confirmLabel="Delete product"
      remove={() => deleteProduct({ id })}
      deleted="Product deleted."
      failed="The product could not be deleted."
    />
  );
}
