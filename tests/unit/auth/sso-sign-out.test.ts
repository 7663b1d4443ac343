import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { providerSignOutUrl, ssoSessionMark } from '@/lib/auth/sso-sign-out';
import { resetEnv } from '@/lib/env';
import { usePortalTestEnv } from '../../support/portal-env';

let discovery: Record<string, unknown> = {};
let server: http.Server;
let issuer: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== '/realm/.well-known/openid-configuration') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(discovery));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realm`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function configure(settings: Record<string, string> = {}): void {
  usePortalTestEnv();
  delete process.env.OIDC_END_SESSION;
  Object.assign(process.env, { OIDC_ISSUER: `${issuer}/`, OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 'secret', ...settings });
  resetEnv();
}

describe('ending the provider session on sign-out', () => {
  beforeEach(() => {
    discovery = { issuer, end_session_endpoint: `${issuer}/logout?ui=1` };
    configure();
  });

  it('sends the browser to the advertised end-session endpoint with the ID token and the way back to the login page', async () => {
    const url = new URL((await providerSignOutUrl({ idToken: 'id.token.value' }, 'http://other.invalid'))!);
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ui: '1',
      id_token_hint: 'id.token.value',
      client_id: 'portal',
      post_logout_redirect_uri: 'http://127.0.0.1:3000/login',
    });
  });

  it('ends only the portal session when the provider advertises no endpoint, it is off, there is no SSO session, or the provider is down', async () => {
    discovery = { issuer };
    expect(await providerSignOutUrl({ idToken: 'id.token.value' }, 'http://x.invalid')).toBeNull();

    discovery = { issuer, end_session_endpoint: 'javascript:alert(1)' };
    expect(await providerSignOutUrl({ idToken: 'id.token.value' }, 'http://x.invalid')).toBeNull();

    discovery = { issuer, end_session_endpoint: `${issuer}/logout` };
    expect(await providerSignOutUrl(undefined, 'http://x.invalid')).toBeNull();
    const byClient = new URL((await providerSignOutUrl(ssoSessionMark('x'.repeat(5_000)), 'http://x.invalid'))!);
    expect(byClient.searchParams.has('id_token_hint')).toBe(false);
    expect(byClient.searchParams.get('client_id')).toBe('portal');
    configure({ OIDC_END_SESSION: 'false' });
    expect(await providerSignOutUrl({ idToken: 'id.token.value' }, 'http://x.invalid')).toBeNull();

    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    configure({ OIDC_ISSUER: 'http://127.0.0.1:9/realm' });
    expect(await providerSignOutUrl({ idToken: 'id.token.value' }, 'http://x.invalid')).toBeNull();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^\[sso\] provider sign-out skipped: /));
    expect(String(log.mock.calls[0]![0])).not.toContain('id.token.value');
    log.mockRestore();
  });
});
