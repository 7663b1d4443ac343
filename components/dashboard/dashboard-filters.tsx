'use client';

import { useRef, useState } from 'react';
import type { DashboardSeller } from '@/lib/data/dashboard';
import { RANGE_LABELS, type RangePreset } from '@/lib/domain/dashboard-metrics';

export interface DashboardFiltersProps {
  sellers: DashboardSeller[];
  seller: string | null;
  preset: RangePreset;
  from: string;
  to: string;
}

/** Range and Seller, kept in the URL (a GET form, so links and the back button work, with or without JavaScript). */
export function DashboardFilters({ sellers, seller, preset, from, to }: DashboardFiltersProps) {
  const form = useRef<HTMLFormElement>(null);
  const [range, setRange] = useState<RangePreset>(preset);
  const submit = () => form.current?.requestSubmit();
  return (
    <form ref={form} method="get" action="/dashboard" className="flex flex-wrap items-end gap-3" aria-label="Dashboard filters">
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Range
        <select
          name="range"
          value={range}
          onChange={(e) => {
            setRange(e.target.value as RangePreset);
            if (e.target.value !== 'custom') queueMicrotask(submit);
          }}
          className="h-9 rounded-md border border-border-strong bg-surface px-2 text-sm text-fg"
        >
          {(Object.keys(RANGE_LABELS) as RangePreset[]).map((p) => (
            <option key={p} value={p}>
              {RANGE_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      {range === 'custom' ? (
        <>
          <label className="flex flex-col gap-1 text-xs text-fg-muted">
            From
            <input type="date" name="from" defaultValue={from} required className="h-9 rounded-md border border-border-strong bg-surface px-2 text-sm text-fg" />
          </label>
          <label className="flex flex-col gap-1 text-xs text-fg-muted">
            To
            <input type="date" name="to" defaultValue={to} required className="h-9 rounded-md border border-border-strong bg-surface px-2 text-sm text-fg" />
          </label>
        </>
      ) : null}
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Seller
        <select
          name="seller"
          defaultValue={seller ?? ''}
          onChange={() => queueMicrotask(submit)}
          className="h-9 rounded-md border border-border-strong bg-surface px-2 text-sm text-fg"
        >
          <option value="">All Sellers</option>
          {sellers.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="h-9 rounded-md border border-border-strong bg-surface px-3 text-sm font-medium text-fg hover:bg-surface-2">
        Apply
      </button>
    </form>
  );
}
