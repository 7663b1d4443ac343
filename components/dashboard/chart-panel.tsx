'use client';

import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { Tabs } from '@/components/ui/tabs';

export interface ChartPanelProps {
  title: string;
  description?: ReactNode;
  csvHref: string;
  chart: ReactNode;
  table: ReactNode;
}

/** A chart with the same figures as a table one tab away, and the table as CSV. */
export function ChartPanel({ title, description, csvHref, chart, table }: ChartPanelProps) {
  return (
    <Card title={title} description={description} actions={<CsvLink href={csvHref} title={title} />}>
      <Tabs
        label={`${title}: view`}
        items={[
          { id: 'chart', label: 'Chart', content: chart },
          { id: 'table', label: 'Table', content: table },
        ]}
      />
    </Card>
  );
}

export function CsvLink({ href, title }: { href: string; title: string }) {
  return (
    <a
      href={href}
      download
      aria-label={`Download ${title} as CSV`}
      className="inline-flex h-7 items-center rounded-md border border-border-strong bg-surface px-2.5 text-xs font-medium text-fg hover:bg-surface-2"
    >
      CSV
    </a>
  );
}
