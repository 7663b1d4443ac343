import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key a secret is sealed with, and older keys still accepted for opening until everything is re-sealed. */
export interface SecretKeyring {
  current: Buffer;
  previous?: readonly Buffer[];
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** A short public name of a key (not the key): which key sealed a value, so that rotation knows what to re-seal. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('sonata-secret-box key id\0').update(key).digest().subarray(0, 6).toString('base64url');
}

function keysOf(keys: Buffer | SecretKeyring): Buffer[] {
  return Buffer.isBuffer(keys) ? [keys] : [keys.current, ...(keys.previous ?? [])];
}

function associatedData(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}:${keyId}:${context}`, 'utf8');
}

/**
 * AES-256-GCM: `v2:<key id>:<iv>:<tag>:<ciphertext>`, each base64url. `context` names where the value belongs (e.g.
 * the Seller and the field) and is bound as associated data: a sealed value copied to another row or field does not
 * open there.
 */
export function sealSecret(plain: string, key: Buffer, context: string): string {
  const keyId = secretKeyId(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(keyId, context));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

/** The key id a value was sealed with; null for the legacy format, which carries none. */
export function sealedKeyId(sealed: string): string | null {
  const [version, keyId] = sealed.split(':');
  if (version === VERSION && keyId) return keyId;
  if (version === LEGACY_VERSION) return null;
  throw new SecretBoxError('not a sealed secret');
}

/** Opens a value sealed by `sealSecret` for the same `context`, with whichever key of the ring sealed it. */
export function openSecret(sealed: string, keys: Buffer | SecretKeyring, context: string): string {
  const parts = sealed.split(':');
  if (parts[0] === LEGACY_VERSION) throw new SecretBoxError('sealed in the legacy format without a key id: run npm run secrets:rotate');
  const [version, keyId, iv, tag, ct] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId || !iv || !tag || ct === undefined) throw new SecretBoxError('not a sealed secret');
  const key = keysOf(keys).find((k) => secretKeyId(k) === keyId);
  if (!key) throw new SecretBoxError(`sealed with key ${keyId}, which is neither SECRETS_KEY nor in SECRETS_KEY_PREVIOUS`);
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError('not a sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, context));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError(`does not open for ${context}: altered, or sealed for another place`);
  }
}

/** Only for re-sealing: the first format bound no context and named no key. */
export function openLegacySecret(sealed: string, keys: Buffer | SecretKeyring): string {
  const [version, iv, tag, ct] = sealed.split(':');
  if (version !== LEGACY_VERSION || !iv || !tag || ct === undefined) throw new SecretBoxError('not a legacy sealed secret');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (tagBytes.length !== TAG_BYTES) throw new SecretBoxError('not a legacy sealed secret');
  for (const key of keysOf(keys)) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // the next key of the ring
    }
  }
  throw new SecretBoxError('no configured key opens this legacy sealed secret');
}

/** What the UI may show of a secret: enough to recognise it, never enough to use it. */
export function maskSecret(plain: string): string {
  if (plain.length <= 4) return '••••';
  return `••••${plain.slice(-4)}`;
}
