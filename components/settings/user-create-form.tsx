'use client';

import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { createUser } from '@/lib/actions/users';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import type { Role } from '@/db/schema';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

export const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function UserCreateForm({ passwordMinLength }: { passwordMinLength: number }) {
  const { state, pending, onSubmit, errorOf } = useSettingsForm(createUser);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state.ok) formRef.current?.reset();
  }, [state]);

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormStatus state={state} />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Field label="E-mail" required error={errorOf('email')}>
          <Input name="email" type="email" autoComplete="off" />
        </Field>
        <Field label="Name" required error={errorOf('name')}>
          <Input name="name" autoComplete="off" />
        </Field>
        <Field label="Role" required error={errorOf('role')}>
          <Select name="role" defaultValue="noc" options={ROLE_OPTIONS} />
        </Field>
        <Field
          label="Initial password"
          required
          error={errorOf('password')}
          hint={`At least ${passwordMinLength} characters; give it to the user through a safe channel.`}
        >
          <Input name="password" type="password" autoComplete="new-password" minLength={passwordMinLength} />
        </Field>
      </div>
      <div>
        <Button type="submit" variant="primary" loading={pending}>
          Create user
        </Button>
      </div>
    </form>
  );
}
