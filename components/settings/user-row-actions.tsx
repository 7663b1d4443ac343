'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import type { ActionState } from '@/lib/actions/authorized-action';
import { changeUserRole, resetUserPassword, setUserActive, unlinkUserSso } from '@/lib/actions/users';
import type { Role } from '@/db/schema';
import { ROLE_OPTIONS } from './user-create-form';

export interface UserRowActionsProps {
  user: { id: number; name: string; role: Role; active: boolean; hasPassword: boolean; ssoLinked: boolean };
  /** The signed-in administrator's own row: they cannot demote or deactivate themselves. */
  self: boolean;
  passwordMinLength: number;
}

const SELF_REASON = 'You cannot demote or deactivate yourself; another administrator can.';

export function UserRoleSelect({ user, self }: Pick<UserRowActionsProps, 'user' | 'self'>) {
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  return (
    <Select
      aria-label={`Role of ${user.name}`}
      value={user.role}
      disabled={self || pending}
      title={self ? SELF_REASON : undefined}
      options={ROLE_OPTIONS}
      className="w-48"
      onChange={(e) => {
        const role = e.target.value;
        startTransition(async () => {
          const result = await changeUserRole({ id: user.id, role });
          report(toast, result);
        });
      }}
    />
  );
}

function report(toast: ReturnType<typeof useToast>, result: ActionState<unknown>) {
  if (result.ok) toast.success(result.message ?? 'Saved.');
  else toast.error(result.message ?? 'Not saved.', result.errors ? Object.values(result.errors).flat().join(' ') : undefined);
}

export function UserRowActions({ user, self, passwordMinLength }: UserRowActionsProps) {
  const toast = useToast();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [resetOpen, setResetOpen] = useState(false);
  const [unlinkOpen, setUnlinkOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [resetErrors, setResetErrors] = useState<string[] | undefined>();
  const [pending, startTransition] = useTransition();

  const toggleActive = async () => {
    const result = await setUserActive({ id: user.id, active: !user.active });
    setConfirmOpen(false);
    report(toast, result);
  };

  const unlink = async () => {
    const result = await unlinkUserSso({ id: user.id });
    setUnlinkOpen(false);
    report(toast, result);
  };

  const submitReset = () =>
    startTransition(async () => {
      const result = await resetUserPassword({ id: user.id, password });
      if (result.ok) {
        setResetOpen(false);
        setPassword('');
        setResetErrors(undefined);
        report(toast, result);
      } else {
        setResetErrors(result.errors?.password ?? [result.message ?? 'Not saved.']);
      }
    });

  return (
    <div className="flex items-center justify-end gap-1">
      <Button size="sm" variant="ghost" onClick={() => setResetOpen(true)}>
        {user.hasPassword ? 'Reset password' : 'Set password'}
      </Button>
      {user.ssoLinked ? (
        <Button size="sm" variant="ghost" disabled={self} title={self ? 'Another administrator can unlink your SSO.' : undefined} onClick={() => setUnlinkOpen(true)}>
          Unlink SSO
        </Button>
      ) : null}
      <Button
        size="sm"
        variant="ghost"
        disabled={self && user.active}
        title={self && user.active ? SELF_REASON : undefined}
        onClick={() => setConfirmOpen(true)}
      >
        {user.active ? 'Deactivate' : 'Reactivate'}
      </Button>

      <ConfirmDialog
        open={confirmOpen}
        tone={user.active ? 'danger' : 'primary'}
        title={user.active ? `Deactivate ${user.name}?` : `Reactivate ${user.name}?`}
        description={
          user.active
            ? 'They are signed out at once, everywhere. Their tickets and history stay.'
            : 'They can sign in again with their current password or SSO.'
        }
        confirmLabel={user.active ? 'Deactivate' : 'Reactivate'}
        onCancel={() => setConfirmOpen(false)}
        onConfirm={toggleActive}
      />

      <ConfirmDialog
        open={unlinkOpen}
        tone="danger"
        title={`Unlink ${user.name} from single sign-on?`}
        description="Their next SSO sign-in is treated as a first one: it links to this account again only if linking is allowed and the provider has verified the e-mail; otherwise it is refused."
        confirmLabel="Unlink SSO"
        onCancel={() => setUnlinkOpen(false)}
        onConfirm={unlink}
      />

      <Dialog
        open={resetOpen}
        onClose={() => setResetOpen(false)}
        title={`New password for ${user.name}`}
        description="The old password stops working at once, and they are signed out everywhere."
        size="sm"
        dismissible={!pending}
        footer={
          <>
            <Button variant="ghost" onClick={() => setResetOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button variant="primary" onClick={submitReset} loading={pending}>
              Set password
            </Button>
          </>
        }
      >
        <Field label="New password" required error={resetErrors} hint={`At least ${passwordMinLength} characters.`}>
          <Input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            minLength={passwordMinLength}
          />
        </Field>
      </Dialog>
    </div>
  );
}
