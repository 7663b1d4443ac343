import type { Metadata } from 'next';
import { LogoMark } from '@/components/layout/logo-mark';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { authOptions, INVALID_LOGIN, TOO_MANY_ATTEMPTS } from '@/lib/auth/options';
import { isSsoFailure, PASSWORD_SIGN_IN_OFF, ssoFailureMessage } from '@/lib/auth/sso-messages';
import { SSO_PROVIDER_ID } from '@/lib/auth/sso-provider';
import { env } from '@/lib/env';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

/** Errors next-auth puts in ?error= after a redirect (SSO flows); the credential form handles its own. */
function redirectErrorMessage(code: string | undefined, ssoName: string): string | null {
  if (!code) return null;
  if (isSsoFailure(code)) return ssoFailureMessage(code, ssoName);
  if (code === 'AccessDenied') return 'This account may not sign in. Ask an administrator to check it.';
  if (code === 'SessionRequired') return 'Sign in to continue.';
  if (code === 'CredentialsSignin') return INVALID_LOGIN;
  return 'Single sign-on did not complete. Try again, or sign in with your e-mail and password.';
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const callbackUrl = safeCallbackPath(first(params.callbackUrl));
  const sso = authOptions().providers.find((p) => p.id === SSO_PROVIDER_ID);
  // In SSO-only mode the password form is for the break-glass administrator, who asks for it by address.
  const ssoOnly = !!sso && env().OIDC_ONLY;
  const breakGlass = ssoOnly && first(params.breakGlass) === '1';

  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-[380px]">
        <div className="mb-8 flex flex-col items-center text-center">
          <LogoMark className="size-10" />
          <h1 className="mt-4 text-lg font-semibold tracking-tight">Sign in to the Buyer portal</h1>
          <p className="mt-1 text-sm text-fg-muted">Trouble tickets and field work with your network Sellers.</p>
        </div>
        <div className="rounded-xl border border-border bg-surface p-6 shadow-sm">
          <LoginForm
            callbackUrl={callbackUrl}
            ssoName={sso ? sso.name : null}
            passwordForm={!ssoOnly || breakGlass}
            breakGlass={breakGlass}
            initialError={redirectErrorMessage(first(params.error), sso?.name ?? 'Single sign-on')}
            knownMessages={[INVALID_LOGIN, TOO_MANY_ATTEMPTS, PASSWORD_SIGN_IN_OFF]}
            invalidMessage={INVALID_LOGIN}
          />
        </div>
        <p className="mt-6 text-center text-xs text-fg-subtle">
          Access is limited to your organisation&rsquo;s operations staff.
        </p>
      </div>
    </main>
  );
}
