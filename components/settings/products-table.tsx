import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { ProductView } from '@/lib/data/products';
import { ProductDeleteButton } from './product-delete-button';

export function ProductsTable({ products }: { products: readonly ProductView[] }) {
  return (
    <Table caption="Products" dense>
      <TableHead>
        <TableRow>
          <TableHeaderCell>Seller</TableHeaderCell>
          <TableHeaderCell>Product id</TableHeaderCell>
          <TableHeaderCell>Label</TableHeaderCell>
          <TableHeaderCell>Site</TableHeaderCell>
          <TableHeaderCell>Address</TableHeaderCell>
          <TableHeaderCell>Time zone</TableHeaderCell>
          <TableHeaderCell align="right">
            <span className="sr-only">Actions</span>
          </TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {products.map((p) => (
          <TableRow key={p.id}>
            <TableCell>{p.sellerName}</TableCell>
            <TableCell numeric>{p.productId}</TableCell>
            <TableCell>{p.label}</TableCell>
            <TableCell>
              {p.siteName}
              {p.siteId ? <div className="font-mono text-xs text-fg-muted">{p.siteId}</div> : null}
            </TableCell>
            <TableCell className="max-w-xs truncate" title={p.siteAddress}>
              {p.siteAddress}
            </TableCell>
            <TableCell className="text-xs">{p.siteTimeZone}</TableCell>
            <TableCell align="right" className="whitespace-nowrap">
              <Link href={`/settings/products/${p.id}`} className={buttonClasses({ variant: 'ghost', size: 'sm' })}>
                Edit
              </Link>
              <ProductDeleteButton id={p.id} label={p.label} sellerName={p.sellerName} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
