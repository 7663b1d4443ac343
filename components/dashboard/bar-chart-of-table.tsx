'use client';

import { useRouter } from 'next/navigation';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DashboardTable } from './dashboard-tables';

export interface ChartSeries {
  /** Column key of the table. */
  key: string;
  label: string;
  color: string;
}

export interface BarChartOfTableProps {
  table: DashboardTable;
  series: readonly ChartSeries[];
  stacked?: boolean;
  /** Bars grow to the right, categories down the side (long Seller names). */
  horizontal?: boolean;
  unit?: string;
  height?: number;
}

interface Point {
  name: string;
  hrefs: Record<string, string | undefined>;
  [series: string]: string | number | Record<string, string | undefined>;
}

/**
 * A bar chart drawn from a dashboard table: one category per row (its first cell), one bar per series column.
 * Clicking a bar opens the records behind that cell, as the table's link does.
 */
export function BarChartOfTable({ table, series, stacked, horizontal, unit, height = 280 }: BarChartOfTableProps) {
  const router = useRouter();
  const index = new Map(table.columns.map((c, i) => [c.key, i]));
  const data: Point[] = table.rows.map((row) => {
    const rowHref = row.find((c) => c.href)?.href;
    const point: Point = { name: String(row[0]?.value ?? ''), hrefs: {} };
    for (const s of series) {
      const cell = row[index.get(s.key) ?? -1];
      point[s.key] = typeof cell?.value === 'number' ? cell.value : 0;
      point.hrefs[s.key] = cell?.href ?? rowHref;
    }
    return point;
  });

  const open = (key: string) => (entry: unknown) => {
    const href = (entry as { payload?: Point } | undefined)?.payload?.hrefs[key];
    if (href) router.push(href);
  };

  return (
    <div role="img" aria-label={`${table.title}: chart; the Table tab lists the same figures`} data-chart={table.key}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout={horizontal ? 'vertical' : 'horizontal'} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#8884" />
          {horizontal ? (
            <>
              <XAxis type="number" unit={unit} tick={{ fontSize: 12 }} allowDecimals={false} />
              <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 12 }} />
            </>
          ) : (
            <>
              <XAxis dataKey="name" tick={{ fontSize: 12 }} />
              <YAxis unit={unit} tick={{ fontSize: 12 }} allowDecimals={false} />
            </>
          )}
          <Tooltip cursor={{ fillOpacity: 0.1 }} />
          {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={s.color}
              stackId={stacked ? 'stack' : undefined}
              cursor="pointer"
              isAnimationActive={false}
              onClick={open(s.key)}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
