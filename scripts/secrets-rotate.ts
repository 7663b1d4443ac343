/**
 * `npm run secrets:rotate`: seals every stored Seller secret again with SECRETS_KEY, bound to its Seller.
 * To change the key: put the old value in SECRETS_KEY_PREVIOUS and the new one in SECRETS_KEY, run this (the server
 * also does it at start), then remove SECRETS_KEY_PREVIOUS. Values in the legacy format are upgraded the same way.
 * All or nothing: a value that no configured key opens stops the run, names its Seller and changes nothing.
 */
import { closeDb } from '@/db';
import { env } from '@/lib/env';
import { secretKeyId } from '@/lib/crypto/secret-box';
import { secretsKeyring } from '@/lib/sellers/registry';
import { resealSellerSecrets } from '@/lib/sync/secret-rotation';

async function main(): Promise<void> {
  const settings = env();
  const keyring = secretsKeyring();
  const result = await resealSellerSecrets({ keyring });
  console.log(`${settings.DATABASE_PATH}: key ${secretKeyId(keyring.current)}`);
  console.log(`  re-sealed: ${result.resealed.length ? result.resealed.join(', ') : 'none'}`);
  console.log(`  already current: ${result.current.length ? result.current.join(', ') : 'none'}`);
  closeDb();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
