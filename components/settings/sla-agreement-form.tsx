'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { createSlaAgreement, updateSlaAgreement } from '@/lib/actions/sla';
import { TICKET_PRIORITY, TICKET_SEVERITY } from '@/lib/domain/mef-labels';
import { formatMinutes, levelsOf, targetField } from '@/lib/domain/sla-agreement-input';
import { SLA_TARGET_LABELS, SLA_TARGETS, type SlaBasis, type TargetMinutes } from '@/lib/domain/sla-targets';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

export interface AgreementFormValues {
  id: number;
  name: string;
  sellerSlug: string;
  productId: string | null;
  siteId: string | null;
  basis: SlaBasis;
  targets: Record<string, TargetMinutes>;
  pauseStates: string[];
  atRiskPercent: number;
  calendarId: number | null;
  validFrom: string;
  validTo: string | null;
}

/** The stored exclusive end as the form's inclusive last day. */
const lastDay = (validTo: string | null) => (validTo ? new Date(Date.parse(validTo) - 86_400_000).toISOString().slice(0, 10) : '');

export function SlaAgreementForm({
  sellers,
  calendars,
  agreement,
}: {
  sellers: ReadonlyArray<{ slug: string; name: string }>;
  calendars: ReadonlyArray<{ id: number; name: string; timeZone: string }>;
  agreement?: AgreementFormValues;
}) {
  const editing = agreement !== undefined;
  const router = useRouter();
  const [basis, setBasis] = useState<SlaBasis>(agreement?.basis ?? 'severity');
  const { state, pending, onSubmit, errorOf } = useSettingsForm(editing ? updateSlaAgreement : createSlaAgreement);
  const labels = basis === 'priority' ? TICKET_PRIORITY : TICKET_SEVERITY;

  useEffect(() => {
    if (state.ok) router.push('/settings/sla');
  }, [state, router]);

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-4xl flex-col gap-4" aria-label="SLA agreement">
      <FormStatus state={state} />
      {editing ? <input type="hidden" name="id" value={agreement.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" required error={errorOf('name')}>
          <Input name="name" defaultValue={agreement?.name} autoComplete="off" />
        </Field>
        <Field label="Seller" required error={errorOf('seller')}>
          <Select name="seller" defaultValue={agreement?.sellerSlug ?? ''} placeholder="Choose a Seller…" options={sellers.map((s) => ({ value: s.slug, label: s.name }))} />
        </Field>
        <Field label="Only product" optional error={errorOf('productId')} hint="The Seller’s product id; empty for every ticket with the Seller.">
          <Input name="productId" defaultValue={agreement?.productId ?? ''} autoComplete="off" className="font-mono" />
        </Field>
        <Field label="Only site" optional error={errorOf('siteId')} hint="A site id of the Seller’s products.">
          <Input name="siteId" defaultValue={agreement?.siteId ?? ''} autoComplete="off" className="font-mono" />
        </Field>
        <Field label="Valid from" required error={errorOf('validFrom')} hint="Tickets created from this day (UTC) fall under it.">
          <Input name="validFrom" type="date" defaultValue={agreement?.validFrom.slice(0, 10) ?? new Date().toISOString().slice(0, 10)} />
        </Field>
        <Field label="Valid until" optional error={errorOf('validTo')} hint="Last day, inclusive; empty for open-ended.">
          <Input name="validTo" type="date" defaultValue={lastDay(agreement?.validTo ?? null)} />
        </Field>
        <Field label="Calendar" error={errorOf('calendar')} hint="The clock runs only in its business hours.">
          <Select name="calendar" defaultValue={agreement?.calendarId ? String(agreement.calendarId) : ''}>
            <option value="">24×7</option>
            {calendars.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name} ({c.timeZone})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="At risk from (% of the target used)" required error={errorOf('atRiskPercent')}>
          <Input name="atRiskPercent" type="number" min={1} max={99} defaultValue={agreement?.atRiskPercent ?? 75} />
        </Field>
        <Field label="Targets by" required error={errorOf('basis')}>
          <Select name="basis" value={basis} onChange={(e) => setBasis(e.target.value as SlaBasis)}>
            <option value="severity">Severity (the Seller’s, else ours)</option>
            <option value="priority">Priority (the Seller’s, else ours)</option>
          </Select>
        </Field>
        <fieldset className="flex flex-col gap-1 text-sm">
          <legend className="mb-1 text-sm font-medium">The clock stops while the ticket is</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="pausePending" value="1" defaultChecked={agreement ? agreement.pauseStates.includes('pending') : true} /> pending (waiting on us)
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="pauseAssessingCancellation" value="1" defaultChecked={agreement?.pauseStates.includes('assessingCancellation') ?? false} /> assessing cancellation
          </label>
        </fieldset>
      </div>
      <fieldset className="rounded-md border border-border p-3">
        <legend className="px-1 text-sm font-medium">Targets (30m, 4h, 2d; empty = not measured)</legend>
        {errorOf('targets') ? (
          <p className="mb-2 text-sm text-danger-fg" role="alert">
            {errorOf('targets')!.join(' ')}
          </p>
        ) : null}
        <div className="grid grid-cols-[8rem_repeat(3,minmax(0,1fr))] gap-2 text-sm">
          <span />
          {SLA_TARGETS.map((t) => (
            <span key={t} className="text-xs font-medium text-fg-muted">
              {SLA_TARGET_LABELS[t]}
            </span>
          ))}
          {levelsOf(basis).map((level) => (
            <div key={level} className="contents">
              <span className="self-center">{(labels as Record<string, { label: string }>)[level]?.label ?? level}</span>
              {SLA_TARGETS.map((t) => {
                const name = targetField(level, t);
                const error = errorOf(name);
                return (
                  <div key={t}>
                    <Input
                      name={name}
                      aria-label={`${SLA_TARGET_LABELS[t]}, ${level}`}
                      defaultValue={formatMinutes(agreement?.basis === basis ? agreement?.targets[level]?.[t] : undefined)}
                      aria-invalid={error ? true : undefined}
                      className="font-mono"
                    />
                    {error ? <p className="mt-0.5 text-xs text-danger-fg">{error.join(' ')}</p> : null}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      </fieldset>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={pending}>
          {editing ? 'Save agreement' : 'Add agreement'}
        </Button>
        <Button variant="ghost" onClick={() => router.push('/settings/sla')}>
          Back to agreements
        </Button>
      </div>
    </form>
  );
}
