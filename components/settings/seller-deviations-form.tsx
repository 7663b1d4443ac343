'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { setToleratedDeviations } from '@/lib/actions/seller-deviations';
import type { DeviationAllowance } from '@/lib/sonata/deviations';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

export interface DeviationSwitch {
  name: string;
  label: string;
  description: string;
}

export interface SellerDeviationsFormProps {
  slug: string;
  /** The named switches for the known source defects (lib/sonata/deviations.ts KNOWN_DEVIATIONS). */
  switches: readonly DeviationSwitch[];
  known: readonly string[];
  allowed: readonly DeviationAllowance[];
}

/** Settings → Sellers → one Seller: which deviations from the schema its answers may show and still be used. */
export function SellerDeviationsForm({ slug, switches, known, allowed }: SellerDeviationsFormProps) {
  const { state, pending, onSubmit, errorOf } = useSettingsForm(setToleratedDeviations);
  const [lines, setLines] = useState(allowed.length + 1);
  const fieldError = (name: string) => errorOf(name)?.join(' ');

  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 flex max-w-3xl flex-col gap-6" aria-label="Tolerated deviations">
      <input type="hidden" name="slug" value={slug} />
      <Card
        title="Tolerated deviations"
        description="A Seller answer that breaks the MEF schema is refused and shown in Settings → Notifications, unless this list tolerates the deviation. What was tolerated is counted there too."
      >
        <div className="flex flex-col gap-5">
          <FormStatus state={state} />
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 text-[13px] font-medium text-fg">Known source defects</legend>
            {switches.map((s) => (
              <label key={s.name} className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="known" value={s.name} defaultChecked={known.includes(s.name)} className="mt-1" />
                <span>
                  <span className="font-medium">{s.label}</span> <code className="text-xs text-fg-subtle">{s.name}</code>
                  <span className="block text-xs text-fg-muted">{s.description}</span>
                </span>
              </label>
            ))}
            {fieldError('known') || fieldError('known.0') ? (
              <p className="text-xs text-danger-fg">{fieldError('known') ?? fieldError('known.0')}</p>
            ) : null}
          </fieldset>

          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 text-[13px] font-medium text-fg">Allowances</legend>
            <p className="text-xs text-fg-muted">
              One violation per line: where (a JSON Pointer, <code>*</code> for any one segment), and optionally only for
              one operation and one kind of violation. Clear a line to remove it.
            </p>
            {Array.from({ length: lines }, (_, i) => {
              const a = allowed[i];
              return (
                <div key={i} className="grid gap-3 sm:grid-cols-[1fr_1.5fr_1fr]" role="group" aria-label={`Allowance ${i + 1}`}>
                  <Field label="Operation" optional error={errorOf(`allowed.${i}.operationId`)}>
                    <Input name={`allowed.${i}.operationId`} defaultValue={a?.operationId ?? ''} placeholder="any" className="font-mono" />
                  </Field>
                  <Field label="Path" error={errorOf(`allowed.${i}.path`)}>
                    <Input name={`allowed.${i}.path`} defaultValue={a?.path ?? ''} placeholder="/relatedEntity/*/role" className="font-mono" />
                  </Field>
                  <Field label="Kind" optional error={errorOf(`allowed.${i}.keyword`)}>
                    <Input name={`allowed.${i}.keyword`} defaultValue={a?.keyword ?? ''} placeholder="any" className="font-mono" />
                  </Field>
                </div>
              );
            })}
            {fieldError('allowed') ? <p className="text-xs text-danger-fg">{fieldError('allowed')}</p> : null}
            <div>
              <Button variant="ghost" onClick={() => setLines((n) => n + 1)}>
                Add a line
              </Button>
            </div>
          </fieldset>
        </div>
      </Card>
      <div>
        <Button type="submit" variant="primary" loading={pending}>
          Save tolerated deviations
        </Button>
      </div>
    </form>
  );
}
