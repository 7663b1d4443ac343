import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskSecret, openSecret, sealSecret } from '@/lib/crypto/secret-box';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plain text', () => {
    const sealed = sealSecret('client-secret-123', key);
    expect(sealed).not.toContain('client-secret-123');
    expect(openSecret(sealed, key)).toBe('client-secret-123');
  });

  it('uses a fresh nonce each time', () => {
    expect(sealSecret('same', key)).not.toBe(sealSecret('same', key));
  });

  it('refuses a wrong key or a tampered value', () => {
    const sealed = sealSecret('secret', key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => openSecret(parts.join(':'), key)).toThrow();
    expect(() => openSecret('plain-text', key)).toThrow(/not a sealed secret/);
  });

  it('masks all but the last four characters', () => {
    expect(maskSecret('abcdefgh')).toBe('••••efgh');
    expect(maskSecret('abc')).toBe('••••');
  });
});
