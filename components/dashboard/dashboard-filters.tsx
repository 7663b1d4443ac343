'use client';

import { useId, useRef, useState } from 'react';
import type { DashboardSeller } from '@/lib/data/dashboard';
import { RANGE_LABELS, type RangePreset } from '@/lib/domain/dashboard-metrics';

export interface DashboardFiltersProps {
  sellers: DashboardSeller[];
  seller: string | null;
  preset: RangePreset;
  from: string;
  to: string;
}

const FIELD = 'flex flex-col gap-1 text-xs text-fg-muted';
const CONTROL = 'h-9 rounded-md border border-border-strong bg-surface px-2 text-sm text-fg';

/** Range and Seller, kept in the URL (a GET form, so links and the back button work, with or without JavaScript). */
export function DashboardFilters({ sellers, seller, preset, from, to }: DashboardFiltersProps) {
  const form = useRef<HTMLFormElement>(null);
  const id = useId();
  const [range, setRange] = useState<RangePreset>(preset);
  const submit = () => form.current?.requestSubmit();
  return (
    <form ref={form} method="get" action="/dashboard" className="flex flex-wrap items-end gap-3" aria-label="Dashboard filters">
      <div className={FIELD}>
        <label htmlFor={`${id}-range`}>Range</label>
        <select
          id={`${id}-range`}
          name="range"
          value={range}
          onChange={(e) => {
            setRange(e.target.value as RangePreset);
            if (e.target.value !== 'custom') queueMicrotask(submit);
          }}
          className={CONTROL}
        >
          {(Object.keys(RANGE_LABELS) as RangePreset[]).map((p) => (
            <option key={p} value={p}>
              {RANGE_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      {range === 'custom' ? (
        <>
          <div className={FIELD}>
            <label htmlFor={`${id}-from`}>From</label>
            <input id={`${id}-from`} type="date" name="from" defaultValue={from} required className={CONTROL} />
          </div>
          <div className={FIELD}>
            <label htmlFor={`${id}-to`}>To</label>
            <input id={`${id}-to`} type="date" name="to" defaultValue={to} required className={CONTROL} />
          </div>
        </>
      ) : null}
      <div className={FIELD}>
        <label htmlFor={`${id}-seller`}>Seller</label>
        <select id={`${id}-seller`} name="seller" defaultValue={seller ?? ''} onChange={() => queueMicrotask(submit)} className={CONTROL}>
          <option value="">All Sellers</option>
          {sellers.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="h-9 rounded-md border border-border-strong bg-surface px-3 text-sm font-medium text-fg hover:bg-surface-2">
        Apply
      </button>
    </form>
  );
}
