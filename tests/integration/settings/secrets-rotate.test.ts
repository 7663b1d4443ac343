import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db';
import { sellers } from '@/db/schema';
import { openSecret, sealSecret, secretKeyId } from '@/lib/crypto/secret-box';
import { resetEnv } from '@/lib/env';
import { openClientSecret, sealClientSecret, sellerConnection } from '@/lib/sellers/registry';
import { usePortalTestEnv } from '../../support/portal-env';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);

function legacySeal(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

async function addSeller(slug: string, clientSecretEnc: string) {
  const base = `https://${slug}.example.net/mefApi/sonata`;
  return getDb()
    .insert(sellers)
    .values({
      slug,
      name: slug,
      troubleTicketBaseUrl: `${base}/troubleTicket/v4`,
      appointmentBaseUrl: `${base}/appointment/v2`,
      workOrderBaseUrl: `${base}/workOrderManagement/v2`,
      tokenUrl: `https://${slug}.example.net/oauth2/token`,
      clientId: `client-${slug}`,
      clientSecretEnc,
    })
    .returning()
    .get();
}

const sealedOf = async (slug: string) => (await getDb().select().from(sellers).where(eq(sellers.slug, slug)).get())!.clientSecretEnc;

async function rotate(env: Record<string, string>): Promise<{ code: number; out: string }> {
  closeDb();
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'secrets:rotate'], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function useKeys(current: Buffer, previous: Buffer[] = []) {
  resetEnv();
  process.env.SECRETS_KEY = current.toString('hex');
  process.env.SECRETS_KEY_PREVIOUS = previous.map((k) => k.toString('hex')).join(',');
}

beforeEach(() => {
  usePortalTestEnv();
  useKeys(OLD_KEY);
});

describe('Seller secrets are bound to their Seller', () => {
  it('a secret copied onto another Seller row does not open there, and no call is made with it', async () => {
    await addSeller('acme', sealClientSecret('acme-secret', 'acme'));
    const globex = await addSeller('globex', sealClientSecret('globex-secret', 'globex'));
    await getDb().update(sellers).set({ clientSecretEnc: await sealedOf('acme') }).where(eq(sellers.id, globex.id)).run();
    const swapped = (await getDb().select().from(sellers).where(eq(sellers.slug, 'globex')).get())!;
    expect(() => openClientSecret(swapped)).toThrow(/does not open for seller:globex:clientSecret/);
    expect(() => sellerConnection(swapped)).toThrow(/does not open/);
  });
});

describe('npm run secrets:rotate', () => {
  it('re-seals every secret with the new key (previous keys and the legacy format), then the old key is no longer needed', async () => {
    await addSeller('acme', sealClientSecret('acme-secret', 'acme'));
    await addSeller('globex', legacySeal('globex-secret', OLD_KEY));
    useKeys(NEW_KEY, [OLD_KEY]);
    await addSeller('initech', sealClientSecret('initech-secret', 'initech'));

    const first = await rotate({ SECRETS_KEY: NEW_KEY.toString('hex'), SECRETS_KEY_PREVIOUS: OLD_KEY.toString('hex') });
    expect(first.code).toBe(0);
    expect(first.out).toContain(`key ${secretKeyId(NEW_KEY)}`);
    expect(first.out).toMatch(/re-sealed: acme, globex/);
    expect(first.out).toMatch(/already current: initech/);

    useKeys(NEW_KEY);
    for (const [slug, plain] of [['acme', 'acme-secret'], ['globex', 'globex-secret'], ['initech', 'initech-secret']] as const) {
      const sealed = await sealedOf(slug);
      expect(sealed.split(':').slice(0, 2)).toEqual(['v2', secretKeyId(NEW_KEY)]);
      expect(openSecret(sealed, NEW_KEY, `seller:${slug}:clientSecret`)).toBe(plain);
    }

    const again = await rotate({ SECRETS_KEY: NEW_KEY.toString('hex'), SECRETS_KEY_PREVIOUS: '' });
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/re-sealed: none/);
  });

  it('stops on a secret no configured key opens, names its Seller, and changes nothing', async () => {
    await addSeller('acme', sealClientSecret('acme-secret', 'acme'));
    await addSeller('lost', sealSecret('lost-secret', randomBytes(32), 'seller:lost:clientSecret'));
    const before = [await sealedOf('acme'), await sealedOf('lost')];

    const result = await rotate({ SECRETS_KEY: NEW_KEY.toString('hex'), SECRETS_KEY_PREVIOUS: OLD_KEY.toString('hex') });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('Nothing was re-sealed');
    expect(result.out).toMatch(/- lost: sealed with key/);
    expect(result.out).not.toMatch(/- acme/);
    expect([await sealedOf('acme'), await sealedOf('lost')]).toEqual(before);
  });

  it('refuses a bad SECRETS_KEY_PREVIOUS with a message naming it', async () => {
    const result = await rotate({ SECRETS_KEY: NEW_KEY.toString('hex'), SECRETS_KEY_PREVIOUS: 'not-a-key' });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('SECRETS_KEY_PREVIOUS');
  });
});
