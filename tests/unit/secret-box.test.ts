import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskSecret, openLegacySecret, openSecret, sealSecret, sealedKeyId, secretKeyId } from '@/lib/crypto/secret-box';

const ACME = 'seller:acme:clientSecret';
const GLOBEX = 'seller:globex:clientSecret';

/** The first format: `v1:<iv>:<tag>:<ciphertext>`, no key id, no associated data. */
function legacySeal(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plain text', () => {
    const sealed = sealSecret('client-secret-123', key, ACME);
    expect(sealed).not.toContain('client-secret-123');
    expect(openSecret(sealed, key, ACME)).toBe('client-secret-123');
  });

  it('uses a fresh nonce each time', () => {
    expect(sealSecret('same', key, ACME)).not.toBe(sealSecret('same', key, ACME));
  });

  it('binds the value to its place: sealed for one Seller or field, it does not open for another', () => {
    const sealed = sealSecret('acme-secret', key, ACME);
    expect(() => openSecret(sealed, key, GLOBEX)).toThrow(/does not open for seller:globex:clientSecret/);
    expect(() => openSecret(sealed, key, 'seller:acme:somethingElse')).toThrow(/does not open/);
  });

  it('pins the tag at 16 bytes and the nonce at 12: a shortened tag is refused, not checked on fewer bits', () => {
    const sealed = sealSecret('secret', key, ACME);
    const parts = sealed.split(':');
    const tag = Buffer.from(parts[3]!, 'base64url');
    for (const length of [4, 8, 12, 15]) {
      const short = [...parts];
      short[3] = tag.subarray(0, length).toString('base64url');
      expect(() => openSecret(short.join(':'), key, ACME)).toThrow(/not a sealed secret/);
    }
    const shortIv = [...parts];
    shortIv[2] = Buffer.from(parts[2]!, 'base64url').subarray(0, 8).toString('base64url');
    expect(() => openSecret(shortIv.join(':'), key, ACME)).toThrow(/not a sealed secret/);
  });

  it('names the key it was sealed with, and opens with whichever key of the ring that is', () => {
    const old = randomBytes(32);
    const sealed = sealSecret('secret', old, ACME);
    expect(sealed.split(':')[1]).toBe(secretKeyId(old));
    expect(sealedKeyId(sealed)).toBe(secretKeyId(old));
    expect(secretKeyId(old)).not.toBe(secretKeyId(key));
    expect(secretKeyId(old)).not.toContain(old.toString('base64url').slice(0, 8));
    expect(openSecret(sealed, { current: key, previous: [old] }, ACME)).toBe('secret');
    expect(() => openSecret(sealed, { current: key }, ACME)).toThrow(`sealed with key ${secretKeyId(old)}`);
  });

  it('refuses a wrong key or a tampered value', () => {
    const sealed = sealSecret('secret', key, ACME);
    const parts = sealed.split(':');
    parts[1] = secretKeyId(key);
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => openSecret(parts.join(':'), key, ACME)).toThrow(/does not open/);
    expect(() => openSecret('plain-text', key, ACME)).toThrow(/not a sealed secret/);
  });

  it('opens the legacy format only for re-sealing', () => {
    const legacy = legacySeal('old-secret', key);
    expect(sealedKeyId(legacy)).toBeNull();
    expect(() => openSecret(legacy, key, ACME)).toThrow(/secrets:rotate/);
    expect(openLegacySecret(legacy, { current: randomBytes(32), previous: [key] })).toBe('old-secret');
    expect(() => openLegacySecret(legacy, randomBytes(32))).toThrow(/no configured key/);
  });

  it('masks all but the last four characters', () => {
    expect(maskSecret('abcdefgh')).toBe('••••efgh');
    expect(maskSecret('abc')).toBe('••••');
  });
});
