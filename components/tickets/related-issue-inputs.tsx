'use client';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { RELATED_OBJECT_LABELS, RELATED_OBJECT_TYPES } from '@/lib/domain/ticket-forms';

export interface RelatedIssueDraft {
  key: string;
  referredType: 'TroubleTicket' | 'Incident';
  id: string;
  relationshipType: string;
  description: string;
}

export function newRelatedIssue(init: Partial<RelatedIssueDraft> = {}): RelatedIssueDraft {
  return { key: Math.random().toString(36).slice(2), referredType: 'TroubleTicket', id: '', relationshipType: '', description: '', ...init };
}

/** MEF 113 Related Objects (IssueRelationship): type, identifier, relation type and description. */
export function RelatedIssueInputs({
  value,
  onChange,
  errors,
  prefix = 'relatedIssues',
}: {
  value: RelatedIssueDraft[];
  onChange: (next: RelatedIssueDraft[]) => void;
  errors: Record<string, string[]>;
  prefix?: string;
}) {
  const update = (key: string, patch: Partial<RelatedIssueDraft>) => onChange(value.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className="flex flex-col gap-3">
      <legend className="mb-1 text-[13px] font-medium">
        Related Objects <span className="font-normal text-fg-subtle">(related tickets or incidents)</span>
      </legend>
      {value.map((r, i) => (
        <div key={r.key} className="grid gap-2 rounded-md border border-border p-3 sm:grid-cols-4">
          <Field label="Related Object Type" error={errors[`${prefix}.${i}.referredType`]}>
            <Select value={r.referredType} onChange={(e) => update(r.key, { referredType: e.target.value as RelatedIssueDraft['referredType'] })} options={RELATED_OBJECT_TYPES.map((t) => ({ value: t, label: RELATED_OBJECT_LABELS[t] }))} />
          </Field>
          <Field label="Related Object Identifier" required error={errors[`${prefix}.${i}.id`]}>
            <Input value={r.id} onChange={(e) => update(r.key, { id: e.target.value })} />
          </Field>
          <Field label="Relation Type" required hint="e.g. duplicates, causes, relatesTo" error={errors[`${prefix}.${i}.relationshipType`]}>
            <Input value={r.relationshipType} onChange={(e) => update(r.key, { relationshipType: e.target.value })} />
          </Field>
          <Field label="Relation Description" required error={errors[`${prefix}.${i}.description`]}>
            <Input value={r.description} onChange={(e) => update(r.key, { description: e.target.value })} />
          </Field>
          <div className="sm:col-span-4">
            <Button size="sm" variant="ghost" onClick={() => onChange(value.filter((x) => x.key !== r.key))}>
              Remove related object
            </Button>
          </div>
        </div>
      ))}
      <div>
        <Button size="sm" onClick={() => onChange([...value, newRelatedIssue()])}>
          Add related object
        </Button>
      </div>
    </fieldset>
  );
}
