import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select, type SelectOption } from '@/components/ui/select';
import { DATE_FILTERS } from '@/lib/data/incidents';
import {
  INCIDENT_STATUS,
  INCIDENT_STATUSES,
  INCIDENT_TYPE,
  INCIDENT_TYPES,
  OBSERVED_IMPACT,
  OBSERVED_IMPACTS,
  TICKET_PRIORITIES,
  TICKET_PRIORITY,
  TICKET_SEVERITIES,
  TICKET_SEVERITY,
} from '@/lib/domain/mef-labels';

type Params = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
/** A date input shows only calendar days; an instant in the URL (a shared link) stays in force but is not shown. */
const dayOnly = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');

const options = <K extends string>(keys: readonly K[], table: Record<K, { label: string }>): SelectOption[] =>
  keys.map((k) => ({ value: k, label: table[k].label }));

/** The list's filters as a GET form: the filter state lives in the URL, so it can be bookmarked and shared. */
export function IncidentFilters({
  params,
  sellers,
  products,
  filtered,
}: {
  params: Params;
  sellers: SelectOption[];
  products: SelectOption[];
  filtered: boolean;
}) {
  return (
    <form method="get" action="/incidents" aria-label="Filter incidents" className="mb-4 flex flex-col gap-3 rounded-lg border border-border bg-surface p-4">
      <div className="flex flex-wrap items-end gap-3 max-sm:flex-col max-sm:items-stretch">
        <Field label="Search">
          <Input name="q" type="search" defaultValue={one(params.q)} placeholder="Description or incident id" className="w-64 max-sm:w-full" />
        </Field>
        <Field label="Seller">
          <Select name="seller" defaultValue={one(params.seller)} placeholder="All Sellers" options={sellers} className="w-44 max-sm:w-full" />
        </Field>
        <Field label="Product">
          <Select name="product" defaultValue={one(params.product)} placeholder="Any product" options={products} className="w-72 max-sm:w-full" />
        </Field>
        <Field label="State">
          <Select
            name="status"
            defaultValue={one(params.status)}
            placeholder="Any state"
            options={[{ value: 'open', label: 'Not closed' }, ...options(INCIDENT_STATUSES, INCIDENT_STATUS)]}
            className="w-36 max-sm:w-full"
          />
        </Field>
        <Field label="Severity">
          <Select name="severity" defaultValue={one(params.severity)} placeholder="Any" options={options(TICKET_SEVERITIES, TICKET_SEVERITY)} className="w-36 max-sm:w-full" />
        </Field>
        <Field label="Priority">
          <Select name="priority" defaultValue={one(params.priority)} placeholder="Any" options={options(TICKET_PRIORITIES, TICKET_PRIORITY)} className="w-32 max-sm:w-full" />
        </Field>
        <Field label="Impact">
          <Select name="impact" defaultValue={one(params.impact)} placeholder="Any" options={options(OBSERVED_IMPACTS, OBSERVED_IMPACT)} className="w-36 max-sm:w-full" />
        </Field>
        <Field label="Type">
          <Select name="type" defaultValue={one(params.type)} placeholder="Any" options={options(INCIDENT_TYPES, INCIDENT_TYPE)} className="w-36 max-sm:w-full" />
        </Field>
        <label className="flex h-9 items-center gap-2 text-sm text-fg">
          <input type="checkbox" name="ours" value="1" defaultChecked={one(params.ours) === '1'} className="size-4 accent-accent" />
          Only our products
        </label>
      </div>
      <fieldset className="flex min-w-0 flex-wrap items-end gap-x-5 gap-y-3">
        <legend className="sr-only">Date ranges (UTC days, both ends included)</legend>
        {DATE_FILTERS.map((d) => (
          <div key={d.param} className="flex items-end gap-1.5 max-sm:w-full max-sm:*:min-w-0 max-sm:*:flex-1">
            <Field label={`${d.label} from`}>
              <Input name={`${d.param}From`} type="date" defaultValue={dayOnly(one(params[`${d.param}From`]))} className="w-38 max-sm:w-full" />
            </Field>
            <Field label="to">
              <Input name={`${d.param}To`} type="date" defaultValue={dayOnly(one(params[`${d.param}To`]))} className="w-38 max-sm:w-full" />
            </Field>
          </div>
        ))}
        <div className="ml-auto flex gap-2">
          <button type="submit" className={buttonClasses({ variant: 'primary' })}>
            Apply
          </button>
          {filtered ? (
            <Link href="/incidents" className={buttonClasses({ variant: 'ghost' })}>
              Clear
            </Link>
          ) : null}
        </div>
      </fieldset>
    </form>
  );
}
