import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import {
  OBSERVED_IMPACT,
  TICKET_PRIORITY,
  TICKET_SEVERITY,
  TICKET_STATUS,
  TICKET_TYPE,
  type MefLabel,
} from '@/lib/domain/mef-labels';
import { QUEUE_SORT_LABELS, QUEUE_SORTS, type TicketQueueQuery } from '@/lib/domain/ticket-queue';

export const SEARCH_INPUT_ID = 'ticket-search';

function CheckGroup({ name, legend, table, selected }: { name: string; legend: string; table: Record<string, MefLabel>; selected: readonly string[] }) {
  return (
    <details className="group relative" open={selected.length > 0 ? undefined : undefined}>
      <summary className="flex h-8 cursor-pointer list-none items-center gap-1 rounded-md border border-border-strong bg-surface px-2.5 text-xs font-medium text-fg hover:bg-surface-2">
        {legend}
        {selected.length ? <span className="rounded bg-accent px-1 text-[10px] text-accent-fg">{selected.length}</span> : null}
      </summary>
      <fieldset className="absolute z-10 mt-1 flex min-w-44 flex-col gap-1 rounded-md border border-border bg-surface p-2 shadow-lg">
        <legend className="sr-only">{legend}</legend>
        {Object.entries(table).map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-xs text-fg">
            <input type="checkbox" name={name} value={value} defaultChecked={selected.includes(value)} />
            {label.label}
            {label.mef113 ? <span className="text-fg-subtle">{label.mef113}</span> : null}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

function DateRangeFields({ name, legend, value }: { name: 'created' | 'expected' | 'resolved'; legend: string; value: { from?: string; to?: string } }) {
  return (
    <fieldset className="flex items-center gap-1 text-xs max-md:grid max-md:w-full max-md:grid-cols-[minmax(0,1fr)_auto_minmax(0,1fr)]">
      <legend className="mb-0.5 text-[11px] text-fg-muted">{legend}</legend>
      <Input type="date" name={`${name}From`} defaultValue={value.from ?? ''} aria-label={`${legend} from`} className="h-8 w-36 text-xs max-md:w-full max-md:min-w-0 max-md:px-2" />
      <span className="text-fg-subtle">–</span>
      <Input type="date" name={`${name}To`} defaultValue={value.to ?? ''} aria-label={`${legend} to`} className="h-8 w-36 text-xs max-md:w-full max-md:min-w-0 max-md:px-2" />
    </fieldset>
  );
}

export function QueueFilters({ query, sellers }: { query: TicketQueueQuery; sellers: { slug: string; name: string }[] }) {
  const sellerTable = Object.fromEntries(sellers.map((s) => [s.slug, { label: s.name, mef113: null }]));
  return (
    <form method="get" action="/tickets" role="search" aria-label="Filter tickets" className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-3">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-64 flex-1">
          <label htmlFor={SEARCH_INPUT_ID} className="sr-only">
            Search tickets
          </label>
          <Input
            id={SEARCH_INPUT_ID}
            name="q"
            type="search"
            defaultValue={query.q ?? ''}
            placeholder="Search our id, the Seller's id or the description  (press /)"
            className="h-8 text-sm"
          />
        </div>
        <Input name="externalId" defaultValue={query.externalId ?? ''} placeholder="Buyer Ticket Identifier" aria-label="Buyer Ticket Identifier" className="h-8 w-44 text-xs" />
        <Input name="product" defaultValue={query.product ?? ''} placeholder="Product Identifier" aria-label="Product Identifier" className="h-8 w-40 text-xs" />
        <CheckGroup name="seller" legend="Seller" table={sellerTable} selected={query.seller} />
        <CheckGroup name="state" legend="Ticket State" table={TICKET_STATUS} selected={query.state} />
        <CheckGroup name="severity" legend="Severity" table={TICKET_SEVERITY} selected={query.severity} />
        <CheckGroup name="sellerSeverity" legend="Seller Severity" table={TICKET_SEVERITY} selected={query.sellerSeverity} />
        <CheckGroup name="priority" legend="Priority" table={TICKET_PRIORITY} selected={query.priority} />
        <CheckGroup name="sellerPriority" legend="Seller Priority" table={TICKET_PRIORITY} selected={query.sellerPriority} />
        <CheckGroup name="type" legend="Type" table={TICKET_TYPE} selected={query.type} />
        <CheckGroup name="impact" legend="Observed Impact" table={OBSERVED_IMPACT} selected={query.impact} />
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <DateRangeFields name="created" legend="Ticket Creation Date" value={query.created} />
        <DateRangeFields name="expected" legend="Expected Resolved Date" value={query.expected} />
        <DateRangeFields name="resolved" legend="Resolved Date" value={query.resolved} />
        <label className="flex items-center gap-1.5 text-xs">
          <span className="text-fg-muted">Waiting on</span>
          <select name="waiting" defaultValue={query.waiting ?? ''} className="h-8 rounded-md border border-border-strong bg-surface px-2 text-xs">
            <option value="">anyone</option>
            <option value="us">us</option>
            <option value="seller">the Seller</option>
          </select>
        </label>
        <label className="flex items-center gap-1.5 text-xs">
          <span className="text-fg-muted">SLA</span>
          <select name="sla" defaultValue={query.sla ?? ''} className="h-8 rounded-md border border-border-strong bg-surface px-2 text-xs">
            <option value="">any</option>
            <option value="atRisk">at risk</option>
            <option value="breached">breached</option>
          </select>
        </label>
        <label className="flex items-center gap-1.5 text-xs">
          <input type="checkbox" name="open" value="1" defaultChecked={query.open} /> Open only
        </label>
        <label className="flex items-center gap-1.5 text-xs">
          <input type="checkbox" name="mine" value="1" defaultChecked={query.mine} /> Opened by me
        </label>
        <label className="flex items-center gap-1.5 text-xs">
          <input type="checkbox" name="overdue" value="1" defaultChecked={query.overdue} /> Overdue
        </label>
        <label className="flex items-center gap-1.5 text-xs">
          <span className="text-fg-muted">Sort</span>
          <select name="sort" defaultValue={query.sort} className="h-8 rounded-md border border-border-strong bg-surface px-2 text-xs">
            {QUEUE_SORTS.map((s) => (
              <option key={s} value={s}>
                {QUEUE_SORT_LABELS[s]}
              </option>
            ))}
          </select>
          <select name="dir" defaultValue={query.dir} aria-label="Sort direction" className="h-8 rounded-md border border-border-strong bg-surface px-2 text-xs">
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
        </label>
        {query.sync ? <input type="hidden" name="sync" value={query.sync} /> : null}
        <div className="ml-auto flex gap-2">
          <Link href="/tickets" className={buttonClasses({ variant: 'ghost', size: 'sm' })}>
            Clear
          </Link>
          <button type="submit" className={buttonClasses({ variant: 'primary', size: 'sm' })}>
            Apply filters
          </button>
        </div>
      </div>
    </form>
  );
}
