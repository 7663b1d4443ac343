import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { classifySsoError, loggableMessage } from '@/lib/auth/sso-failures';
import { ssoClaims } from '@/lib/auth/sso-provider';

const valid = { NEXTAUTH_SECRET: 'x'.repeat(32), SECRETS_KEY: 'c'.repeat(64) };
const oidc = { ...valid, OIDC_ISSUER: 'https://sso.example.com', OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 's3cret' };

describe('OIDC settings', () => {
  it('default to no linking, no role mapping, passwords allowed and provider sign-out on', () => {
    const env = parseEnv(oidc);
    expect(env).toMatchObject({ OIDC_LINK_VERIFIED_EMAIL: false, OIDC_ROLE_MAP: [], OIDC_ONLY: false, OIDC_END_SESSION: true, OIDC_SCOPES: 'openid email profile' });
    expect(env.OIDC_ROLE_CLAIM).toBeUndefined();
  });

  it('read the role map in order, split by commas or, when values hold commas, by semicolons', () => {
    expect(parseEnv({ ...oidc, OIDC_ROLE_CLAIM: 'roles', OIDC_ROLE_MAP: 'a=admin,b=noc' }).OIDC_ROLE_MAP).toEqual([
      { value: 'a', role: 'admin' },
      { value: 'b', role: 'noc' },
    ]);
    const env = parseEnv({ ...oidc, OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'cn=noc,ou=groups=noc ; managers=manager' });
    expect(env.OIDC_ROLE_MAP).toEqual([
      { value: 'cn=noc,ou=groups', role: 'noc' },
      { value: 'managers', role: 'manager' },
    ]);
  });

  it('name the variable that is wrong', () => {
    expect(() => parseEnv({ ...oidc, OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'managers=boss' })).toThrow(/OIDC_ROLE_MAP: "managers=boss" is not value=role/);
    expect(() => parseEnv({ ...oidc, OIDC_ROLE_CLAIM: 'groups' })).toThrow(/OIDC_ROLE_MAP: required when OIDC_ROLE_CLAIM is set/);
    expect(() => parseEnv({ ...oidc, OIDC_ROLE_MAP: 'managers=manager' })).toThrow(/OIDC_ROLE_CLAIM: required when OIDC_ROLE_MAP is set/);
    expect(() => parseEnv({ ...valid, OIDC_ONLY: 'true' })).toThrow(/OIDC_ONLY: needs OIDC_ISSUER/);
    expect(() => parseEnv({ ...oidc, OIDC_LINK_VERIFIED_EMAIL: 'yes' })).toThrow(/OIDC_LINK_VERIFIED_EMAIL: must be true or false/);
    expect(() => parseEnv({ ...oidc, OIDC_BREAK_GLASS_EMAIL: 'not-an-address' })).toThrow(/OIDC_BREAK_GLASS_EMAIL/);
  });

  it('normalise the break-glass e-mail', () => {
    expect(parseEnv({ ...oidc, OIDC_ONLY: '1', OIDC_BREAK_GLASS_EMAIL: ' Root@Example.com ' })).toMatchObject({ OIDC_ONLY: true, OIDC_BREAK_GLASS_EMAIL: 'root@example.com' });
  });
});

describe('SSO failures', () => {
  it('tell an unreachable provider from a misconfigured one', () => {
    expect(classifySsoError('SIGNIN_OAUTH_ERROR', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('SsoUnreachable');
    expect(classifySsoError('SIGNIN_OAUTH_ERROR', new Error('outgoing request timed out after 5000ms'))).toBe('SsoUnreachable');
    expect(classifySsoError('OAUTH_CALLBACK_ERROR', new Error('expected 200 OK, got: 503 Service Unavailable'))).toBe('SsoUnreachable');
    expect(classifySsoError('SIGNIN_OAUTH_ERROR', new Error('expected 200 OK, got: 404 Not Found'))).toBe('SsoMisconfigured');
    expect(classifySsoError('OAUTH_CALLBACK_ERROR', new Error('invalid_client (client authentication failed)'))).toBe('SsoMisconfigured');
    expect(classifySsoError('OAUTH_CALLBACK_ERROR', new Error('unexpected iss value, expected a, got: b'))).toBe('SsoMisconfigured');
    expect(classifySsoError('OAUTH_CALLBACK_HANDLER_ERROR', new Error('access_denied'))).toBe('SsoCancelled');
    expect(classifySsoError('OAUTH_CALLBACK_ERROR', new TypeError('State cookie was missing.'))).toBe('SsoRetry');
  });

  it('log one line without tokens', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const message = loggableMessage(new Error(`id_token ${token} rejected\n  at frame (file.js:1:2)`));
    expect(message).toBe('id_token [token] rejected at frame (file.js:1:2)');
  });
});

describe('SSO claims', () => {
  function tokens(claims: Record<string, unknown>) {
    return { access_token: 'at', claims: () => claims } as never;
  }

  it('are completed from userinfo when the ID token lacks the e-mail, whose verification then comes from userinfo', async () => {
    let calls = 0;
    const client = { userinfo: async () => (calls++, { sub: 's', email: 'a@corp.example', email_verified: true, name: 'A' }) };
    const claims = await ssoClaims({ tokens: tokens({ iss: 'i', sub: 's', email_verified: false }), client }, undefined);
    expect(claims).toMatchObject({ iss: 'i', sub: 's', email: 'a@corp.example', email_verified: true, name: 'A' });
    expect(calls).toBe(1);
  });

  it('come from the ID token alone when it has everything', async () => {
    const client = { userinfo: async () => { throw new Error('userinfo must not be asked'); } };
    const claims = await ssoClaims({ tokens: tokens({ sub: 's', email: 'a@corp.example', name: 'A', groups: [] }), client }, 'groups');
    expect(claims.email).toBe('a@corp.example');
  });

  it('ask userinfo for a configured role claim the ID token lacks, and the ID token wins where both speak', async () => {
    const client = { userinfo: async () => ({ sub: 's', email: 'other@corp.example', name: 'B', groups: ['noc'] }) };
    const claims = await ssoClaims({ tokens: tokens({ sub: 's', email: 'a@corp.example', email_verified: true, name: 'A' }), client }, 'groups');
    expect(claims).toMatchObject({ email: 'a@corp.example', email_verified: true, name: 'A', groups: ['noc'] });
  });
});
