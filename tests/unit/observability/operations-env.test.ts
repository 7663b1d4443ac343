import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@/lib/env';

const valid = { NEXTAUTH_SECRET: 'x'.repeat(32), SECRETS_KEY: 'c'.repeat(64) };

function problems(extra: Record<string, string>): string {
  try {
    parseEnv({ ...valid, ...extra });
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  return '';
}

describe('operations settings', () => {
  it('default to no metrics endpoint, info logs and 400 days of audit trail', () => {
    const env = parseEnv(valid);
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.AUDIT_RETENTION_DAYS).toBe(400);
    expect(parseEnv({ ...valid, METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
  });

  it('accept valid values', () => {
    const env = parseEnv({ ...valid, METRICS_TOKEN: 't'.repeat(32), LOG_LEVEL: 'debug', AUDIT_RETENTION_DAYS: '90' });
    expect(env).toMatchObject({ METRICS_TOKEN: 't'.repeat(32), LOG_LEVEL: 'debug', AUDIT_RETENTION_DAYS: 90 });
  });

  it('name each wrong one', () => {
    expect(problems({ METRICS_TOKEN: 'short' })).toMatch(/METRICS_TOKEN: must be at least 32 characters/);
    expect(problems({ LOG_LEVEL: 'loud' })).toMatch(/LOG_LEVEL/);
    expect(problems({ AUDIT_RETENTION_DAYS: '7' })).toMatch(/AUDIT_RETENTION_DAYS/);
    expect(problems({ AUDIT_RETENTION_DAYS: 'forever' })).toMatch(/AUDIT_RETENTION_DAYS/);
  });
});
