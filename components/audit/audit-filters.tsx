import { Button, buttonClasses } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { AUDIT_CATEGORIES, AUDIT_ENTITY_TYPES, type AuditFilterErrors } from '@/lib/domain/audit-trail';

/** A GET form: the filter lives in the URL, so a filtered view can be shared and exported as it is. */
export function AuditFilters({
  users,
  values,
  errors,
}: {
  users: ReadonlyArray<{ id: number; name: string; email: string }>;
  values: Record<string, string>;
  errors: AuditFilterErrors;
}) {
  return (
    <form method="get" action="/audit" className="mb-4 grid grid-cols-2 items-start gap-3 md:grid-cols-3 xl:grid-cols-6" aria-label="Filter the audit trail">
      <Field label="User" error={errors.user}>
        <Select name="user" defaultValue={values.user ?? ''}>
          <option value="">Everyone</option>
          <option value="system">The portal itself</option>
          {users.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.name} ({u.email})
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Kind of action" error={errors.category}>
        <Select name="category" defaultValue={values.category ?? ''}>
          <option value="">All actions</option>
          {AUDIT_CATEGORIES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Target type" error={errors.entityType}>
        <Select name="entityType" defaultValue={values.entityType ?? ''}>
          <option value="">Any</option>
          {AUDIT_ENTITY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Target" hint="Ticket id, Seller, user id…" error={errors.entity}>
        <Input name="entity" defaultValue={values.entity ?? ''} maxLength={200} />
      </Field>
      <Field label="From (UTC)" error={errors.from}>
        <Input name="from" type="date" defaultValue={values.from ?? ''} />
      </Field>
      <Field label="To (UTC)" error={errors.to}>
        <Input name="to" type="date" defaultValue={values.to ?? ''} />
      </Field>
      <div className="col-span-full flex gap-2">
        <Button type="submit">Apply filters</Button>
        <a href="/audit" className={buttonClasses({ variant: 'secondary' })}>
          Clear
        </a>
      </div>
    </form>
  );
}
