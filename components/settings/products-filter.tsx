'use client';

import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/select';

/** A GET form, so it also works before the page is interactive; with scripts it applies on change. */
export function ProductsFilter({ sellers, current }: { sellers: ReadonlyArray<{ slug: string; name: string }>; current?: string }) {
  const router = useRouter();
  return (
    <form method="get" action="/settings/products" className="flex items-end gap-2">
      <label className="flex flex-col gap-1.5 text-[13px] font-medium text-fg">
        Seller
        <Select
          name="seller"
          defaultValue={current ?? ''}
          className="w-56"
          onChange={(e) => router.push(e.target.value ? `/settings/products?seller=${e.target.value}` : '/settings/products')}
        >
          <option value="">All Sellers</option>
          {sellers.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.name}
            </option>
          ))}
        </Select>
      </label>
      <noscript>
        <Button type="submit">Filter</Button>
      </noscript>
    </form>
  );
}
