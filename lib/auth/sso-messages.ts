/** Why a single sign-on did not complete, as the login page's `?error=` code. */
export const SSO_FAILURES = [
  'SsoUnreachable',
  'SsoMisconfigured',
  'SsoCancelled',
  'SsoRetry',
  'SsoNoEmail',
  'SsoDeactivated',
  'SsoEmailUnverified',
  'SsoLinkingOff',
] as const;
export type SsoFailure = (typeof SSO_FAILURES)[number];

export function isSsoFailure(code: unknown): code is SsoFailure {
  return typeof code === 'string' && (SSO_FAILURES as readonly string[]).includes(code);
}

/** What the person at the login page is told; the server log says why in detail. */
export function ssoFailureMessage(code: SsoFailure, providerName: string): string {
  switch (code) {
    case 'SsoUnreachable':
      return `${providerName} could not be reached. Try again in a few minutes; if it lasts, tell your administrator.`;
    case 'SsoMisconfigured':
      return `Single sign-on is not set up correctly between the portal and ${providerName}. Tell your administrator: the portal's server log says what is wrong.`;
    case 'SsoCancelled':
      return `Sign-in was cancelled or refused at ${providerName}.`;
    case 'SsoRetry':
      return 'The sign-in took too long or was started in another window. Try again.';
    case 'SsoNoEmail':
      return `${providerName} did not give the portal an e-mail address for your account. Ask your administrator to release the e-mail claim to the portal.`;
    case 'SsoDeactivated':
      return 'Your portal account is deactivated. Ask an administrator to reactivate it.';
    case 'SsoEmailUnverified':
      return `A portal account with your e-mail already exists, and ${providerName} has not verified that e-mail, so it was not linked to your sign-in. Ask an administrator.`;
    case 'SsoLinkingOff':
      return `A portal account with your e-mail already exists and is not linked to ${providerName}. Ask an administrator to link it.`;
  }
}

export const PASSWORD_SIGN_IN_OFF = 'Password sign-in is turned off. Use single sign-on.';
