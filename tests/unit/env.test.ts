import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@/lib/env';

const valid = {
  NEXTAUTH_SECRET: 'x'.repeat(32),
  SECRETS_KEY: 'c'.repeat(64),
};

describe('configuration', () => {
  it('accepts a minimal valid environment and fills defaults', () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_PATH).toBe('./data/portal.db');
    expect(env.LOGIN_MAX_FAILURES).toBe(5);
    expect(env.OIDC_ISSUER).toBeUndefined();
  });

  it('accepts a base64 key', () => {
    expect(() => parseEnv({ ...valid, SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') })).not.toThrow();
  });

  it('names each bad variable', () => {
    try {
      parseEnv({ NEXTAUTH_SECRET: 'short', SECRETS_KEY: 'abc', NEXTAUTH_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const message = (err as Error).message;
      expect(message).toContain('NEXTAUTH_SECRET');
      expect(message).toContain('SECRETS_KEY');
      expect(message).toContain('NEXTAUTH_URL');
    }
  });

  it('requires the OIDC variables together', () => {
    expect(() => parseEnv({ ...valid, OIDC_ISSUER: 'https://sso.example.com' })).toThrow(/OIDC_CLIENT_ID/);
    const env = parseEnv({
      ...valid,
      OIDC_ISSUER: 'https://sso.example.com',
      OIDC_CLIENT_ID: 'portal',
      OIDC_CLIENT_SECRET: 's3cret',
    });
    expect(env.OIDC_CLIENT_ID).toBe('portal');
  });

  it('rejects a missing secret', () => {
    expect(() => parseEnv({ SECRETS_KEY: valid.SECRETS_KEY })).toThrow(/NEXTAUTH_SECRET/);
  });
});
