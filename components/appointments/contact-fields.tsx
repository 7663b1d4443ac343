'use client';

import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

export interface ContactValue {
  name: string;
  number: string;
  emailAddress: string;
  organization: string;
}

export const EMPTY_CONTACT: ContactValue = { name: '', number: '', emailAddress: '', organization: '' };

/** One MEF contact (name, phone, e-mail, organisation); `prefix` is the key of its errors ("buyerContact"). */
export function ContactFields({
  legend,
  prefix,
  value,
  onChange,
  errors,
  withOrganization = true,
}: {
  legend: string;
  prefix: string;
  value: ContactValue;
  onChange: (value: ContactValue) => void;
  errors?: Record<string, string[]>;
  withOrganization?: boolean;
}) {
  const set = (key: keyof ContactValue) => (event: React.ChangeEvent<HTMLInputElement>) => onChange({ ...value, [key]: event.target.value });
  return (
    <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-semibold text-fg">{legend}</legend>
      <Field label="Name" required error={errors?.[`${prefix}.name`]}>
        <Input name={`${prefix}.name`} value={value.name} onChange={set('name')} autoComplete="name" />
      </Field>
      <Field label="Phone" required error={errors?.[`${prefix}.number`]}>
        <Input name={`${prefix}.number`} value={value.number} onChange={set('number')} type="tel" autoComplete="tel" />
      </Field>
      <Field label="E-mail" required error={errors?.[`${prefix}.emailAddress`]}>
        <Input name={`${prefix}.emailAddress`} value={value.emailAddress} onChange={set('emailAddress')} type="email" autoComplete="email" />
      </Field>
      {withOrganization ? (
        <Field label="Organisation" optional error={errors?.[`${prefix}.organization`]}>
          <Input name={`${prefix}.organization`} value={value.organization} onChange={set('organization')} autoComplete="organization" />
        </Field>
      ) : null}
    </fieldset>
  );
}
