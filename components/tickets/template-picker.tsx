'use client';

import { useMemo } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/select';
import {
  TEMPLATE_FIELD_LABELS,
  templatesFitting,
  type TemplateField,
  type TemplateValues,
} from '@/lib/domain/ticket-templates';

export interface TemplateOption {
  id: number;
  name: string;
  seller: string | null;
  productId: string | null;
  values: TemplateValues;
}

/** What the last choice did, as the picker reports it. */
export interface TemplateOutcome {
  kind: 'applied' | 'cleared';
  name: string;
  filled: TemplateField[];
  /** applied: fields the operator had filled; cleared: fields the operator changed since. */
  untouched: TemplateField[];
}

const names = (fields: readonly TemplateField[]) => fields.map((f) => TEMPLATE_FIELD_LABELS[f]).join(', ');

function describe(outcome: TemplateOutcome): string {
  if (outcome.kind === 'cleared') {
    const kept = outcome.untouched.length ? ` Kept as you changed them: ${names(outcome.untouched)}.` : '';
    return `Template ${outcome.name} cleared: what it filled is empty again.${kept}`;
  }
  const filled = outcome.filled.length ? `Filled: ${names(outcome.filled)}.` : 'It filled nothing.';
  const left = outcome.untouched.length ? ` Left as you had them: ${names(outcome.untouched)}.` : '';
  return `Template ${outcome.name} applied. ${filled}${left}`;
}

/** Offers the templates that fit the chosen Seller and product; the form decides what choosing one does. */
export function TemplatePicker({
  templates,
  seller,
  productId,
  chosen,
  outcome,
  onChoose,
  onClear,
  manageHref,
}: {
  templates: readonly TemplateOption[];
  seller: string;
  productId: string;
  chosen: number | null;
  outcome: TemplateOutcome | null;
  onChoose: (template: TemplateOption) => void;
  onClear: () => void;
  manageHref?: string;
}) {
  const fitting = useMemo(() => templatesFitting(templates, seller, productId), [templates, seller, productId]);
  const chosenStillListed = chosen !== null && fitting.some((t) => t.id === chosen);
  const list = chosen !== null && !chosenStillListed ? [...fitting, ...templates.filter((t) => t.id === chosen)] : fitting;

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-end gap-3">
        <Field
          label="Template"
          optional
          className="min-w-64 flex-1"
          hint="Fills only the fields you have left empty; what you typed or chose stays."
        >
          <Select
            value={chosen === null ? '' : String(chosen)}
            placeholder={fitting.length ? 'Choose a template…' : 'No template for this Seller and product'}
            onChange={(e) => {
              const t = templates.find((x) => String(x.id) === e.target.value);
              if (t) onChoose(t);
              else onClear();
            }}
            options={list.map((t) => ({ value: String(t.id), label: t.name }))}
          />
        </Field>
        {chosen !== null ? (
          <Button size="md" variant="secondary" onClick={onClear}>
            Clear template
          </Button>
        ) : null}
        {manageHref ? (
          <a href={manageHref} className="pb-2 text-xs text-accent underline">
            Manage templates
          </a>
        ) : null}
      </div>
      <p role="status" aria-live="polite" className="text-xs text-fg-muted empty:hidden">
        {outcome ? describe(outcome) : ''}
      </p>
    </div>
  );
}
