'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

export interface LoginFormProps {
  /** Already checked to be a same-origin relative path. */
  callbackUrl: string;
  /** Display name of the SSO provider, or null when none is configured. */
  ssoName: string | null;
  /** False in SSO-only mode, except on the break-glass address. */
  passwordForm: boolean;
  breakGlass: boolean;
  initialError: string | null;
  /** Messages the server may give that are safe to show as they are. */
  knownMessages: readonly string[];
  invalidMessage: string;
}

const UNEXPECTED = 'Sign-in failed because of a problem on our side. Try again in a moment.';

export function LoginForm({ callbackUrl, ssoName, passwordForm, breakGlass, initialError, knownMessages, invalidMessage }: LoginFormProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  function messageFor(code: string): string {
    // A known message may go on (the slow-down says how long to wait); anything else is not shown as it is.
    if (knownMessages.some((known) => code === known || (code.startsWith(`${known} `) && code.length < 200))) return code;
    if (code === 'CredentialsSignin') return invalidMessage;
    return UNEXPECTED;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        redirect: false,
        callbackUrl,
      });
      if (!result || result.error || !result.ok) {
        setError(messageFor(result?.error ?? ''));
        setPending(false);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setError(UNEXPECTED);
      setPending(false);
    }
  }

  const errorAlert = error ? (
    <div id="login-error">
      <Alert tone="danger" live>
        {error}
      </Alert>
    </div>
  ) : null;

  const ssoButton = ssoName ? (
    <Button
      variant={passwordForm ? 'secondary' : 'primary'}
      className="w-full"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn('oidc', { callbackUrl });
      }}
    >
      Continue with {ssoName}
    </Button>
  ) : null;

  if (!passwordForm) {
    return (
      <div className="flex flex-col gap-4">
        {errorAlert}
        {ssoButton}
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-5">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" aria-describedby={error ? 'login-error' : undefined}>
        {errorAlert}
        {breakGlass ? (
          <Alert tone="warning">Password sign-in is reserved for the emergency administrator account.</Alert>
        ) : null}
        <Field label="E-mail" id="login-email">
          <Input name="email" type="email" autoComplete="username" required autoFocus spellCheck={false} />
        </Field>
        <Field label="Password" id="login-password">
          <Input name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Button type="submit" variant="primary" loading={pending} className="mt-1 w-full">
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {ssoButton ? (
        <>
          <div className="flex items-center gap-3 text-xs text-fg-subtle" aria-hidden="true">
            <span className="h-px flex-1 bg-border" />
            or
            <span className="h-px flex-1 bg-border" />
          </div>
          {ssoButton}
        </>
      ) : null}
    </div>
  );
}
