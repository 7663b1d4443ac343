import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { getDb, type Db } from '@/db';
import { products, sellers, type Seller } from '@/db/schema';
import { recordAuditTx } from '@/db/audit-log';
import { transaction } from '@/db/transaction';
import { openSecret, sealSecret, sealedKeyId, secretKeyId } from '@/lib/crypto/secret-box';
import { decodeKey, env } from '@/lib/env';
import { listenerAccessChanged } from '@/lib/sellers/access-changes';
import { clientSecretContext } from '@/lib/sellers/registry';
import { DEFAULT_TOLERATED_DEVIATIONS, KNOWN_DEVIATION_NAMES, parseToleratedDeviations } from '@/lib/sonata/deviations';
import { describeSellersFileIssues, sellersFileSchema, type SellerFileEntry } from '@/lib/domain/seller-registry';

/*
 * SELLERS_FILE is a JSON array; each entry has the fields of the Seller form (slug, name, troubleTicketBaseUrl,
 * appointmentBaseUrl, workOrderBaseUrl, tokenUrl, clientId, scopeMode, fixedScope?, buyerId?, sellerId?, timeoutMs?,
 * referencePoint? ('sonata', the default, or 'cantata'), enabled?), the secret as `clientSecret` or as `clientSecretEnv` naming an environment variable, and optional
 * `products: [{ productId, label, siteId?, siteName?, siteAddress?, siteTimeZone }]`, and optional
 * `toleratedDeviations: { known: [names from lib/sonata/deviations.ts], allowed: [{ operationId?, path, keyword? }] }`
 * (absent: the known defects). Unknown fields are refused.
 */

export class SellersFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Sellers file ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SellersFileError';
  }
}

export interface SellersFileResult {
  file: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  productsCreated: number;
  productsUpdated: number;
  /** Sellers that came from an earlier version of the file and are no longer in it (left as they are). */
  notInFile: string[];
}

export interface ApplySellersFileOptions {
  /** Where `clientSecretEnv` names are looked up; process.env by default. */
  environment?: Record<string, string | undefined>;
  /** The key that seals client secrets; SECRETS_KEY by default. */
  key?: Buffer;
  db?: Db;
}

type SettingsColumns = Omit<Seller, 'id' | 'createdAt' | 'updatedAt' | 'clientSecretEnc'>;

/** Reads and validates the file; every problem names its entry and field so a bad file fails start clearly. */
export function readSellersFile(
  file: string,
  environment: Record<string, string | undefined> = process.env,
): Array<{ entry: SellerFileEntry; clientSecret: string }> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SellersFileError(file, [`cannot be read: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SellersFileError(file, [`is not valid JSON: ${(err as Error).message}`]);
  }
  const parsed = sellersFileSchema.safeParse(raw);
  if (!parsed.success) throw new SellersFileError(file, describeSellersFileIssues(parsed.error, raw));

  const problems: string[] = [];
  const entries = parsed.data.map((entry, i) => {
    let clientSecret = entry.clientSecret ?? '';
    if (entry.clientSecretEnv !== undefined) {
      clientSecret = environment[entry.clientSecretEnv] ?? '';
      if (!clientSecret) {
        problems.push(
          `entry ${i + 1} ("${entry.slug}"), field clientSecretEnv: environment variable ${entry.clientSecretEnv} is not set or empty`,
        );
      }
    }
    return { entry, clientSecret };
  });
  parsed.data.forEach((entry, i) => {
    for (const name of entry.toleratedDeviations?.known ?? []) {
      if (!(KNOWN_DEVIATION_NAMES as string[]).includes(name)) {
        problems.push(`entry ${i + 1} ("${entry.slug}"), field toleratedDeviations.known: unknown deviation ${name} (known: ${KNOWN_DEVIATION_NAMES.join(', ')})`);
      }
    }
  });
  if (problems.length) throw new SellersFileError(file, problems);
  return entries;
}

function settingsOf(entry: SellerFileEntry): SettingsColumns {
  return {
    slug: entry.slug,
    name: entry.name,
    enabled: entry.enabled,
    troubleTicketBaseUrl: entry.troubleTicketBaseUrl,
    appointmentBaseUrl: entry.appointmentBaseUrl,
    workOrderBaseUrl: entry.workOrderBaseUrl,
    tokenUrl: entry.tokenUrl,
    clientId: entry.clientId,
    scopeMode: entry.scopeMode,
    fixedScope: entry.fixedScope,
    buyerId: entry.buyerId,
    sellerId: entry.sellerId,
    timeoutMs: entry.timeoutMs,
    referencePoint: entry.referencePoint,
    origin: 'file',
    toleratedDeviations: entry.toleratedDeviations ? parseToleratedDeviations(entry.toleratedDeviations) : { ...DEFAULT_TOLERATED_DEVIATIONS },
  };
}

/** The stored value is this secret, sealed for this Seller with the current key (else it is sealed again). */
function sameSecret(slug: string, sealed: string, plain: string, key: Buffer): boolean {
  try {
    return sealedKeyId(sealed) === secretKeyId(key) && openSecret(sealed, key, clientSecretContext(slug)) === plain;
  } catch {
    return false;
  }
}

/**
 * Loads the sellers file into the registry: each entry becomes (or refreshes) a Seller with origin 'file', and its
 * products are added or refreshed. The file is the authority for the Sellers it lists, so it overrides edits made in
 * the settings screens; Sellers and products absent from the file are left alone. Applying the same file twice
 * changes nothing. Everything is written in one transaction, so a failure leaves the registry as it was.
 */
export async function applySellersFile(file: string, options: ApplySellersFileOptions = {}): Promise<SellersFileResult> {
  const resolved = path.resolve(file);
  const entries = readSellersFile(resolved, options.environment ?? process.env);
  const key = options.key ?? decodeKey(env().SECRETS_KEY);
  if (!key) throw new Error('SECRETS_KEY is not a 32-byte key');
  const db = options.db ?? getDb();
  const result: SellersFileResult = {
    file: resolved,
    created: [],
    updated: [],
    unchanged: [],
    productsCreated: 0,
    productsUpdated: 0,
    notInFile: [],
  };
  const now = new Date().toISOString();

  await transaction(async (tx) => {
    for (const { entry, clientSecret } of entries) {
      const settings = settingsOf(entry);
      const current = (await tx.select().from(sellers).where(eq(sellers.slug, entry.slug)).limit(1))[0];
      let sellerRowId: number;
      if (!current) {
        const row = (await tx
          .insert(sellers)
          .values({ ...settings, clientSecretEnc: sealSecret(clientSecret, key, clientSecretContext(entry.slug)) })
          .returning({ id: sellers.id }))[0]!;
        sellerRowId = row.id;
        result.created.push(entry.slug);
      } else {
        sellerRowId = current.id;
        const changedFields = (Object.keys(settings) as Array<keyof SettingsColumns>).filter((k) => JSON.stringify(current[k]) !== JSON.stringify(settings[k]));
        const secretChanged = !sameSecret(entry.slug, current.clientSecretEnc, clientSecret, key);
        if (changedFields.length || secretChanged) {
          await tx.update(sellers)
            .set({ ...settings, ...(secretChanged ? { clientSecretEnc: sealSecret(clientSecret, key, clientSecretContext(entry.slug)) } : {}), updatedAt: now })
            .where(eq(sellers.id, current.id));
          result.updated.push(entry.slug);
          await recordAuditTx(tx, {
            userId: null,
            actor: 'sellers-file',
            action: 'seller.file-update',
            entityType: 'seller',
            entityId: entry.slug,
            detail: { file: resolved, changed: changedFields, secretChanged },
          });
        } else {
          result.unchanged.push(entry.slug);
        }
      }
      if (!current) {
        await recordAuditTx(tx, { userId: null, actor: 'sellers-file', action: 'seller.file-create', entityType: 'seller', entityId: entry.slug, detail: { file: resolved } });
      }

      for (const product of entry.products) {
        const existing = (await tx
          .select()
          .from(products)
          .where(and(eq(products.sellerId, sellerRowId), eq(products.productId, product.productId)))
          .limit(1))[0];
        if (!existing) {
          await tx.insert(products).values({ ...product, sellerId: sellerRowId });
          result.productsCreated++;
        } else if (
          existing.label !== product.label ||
          existing.siteId !== product.siteId ||
          existing.siteName !== product.siteName ||
          existing.siteAddress !== product.siteAddress ||
          existing.siteTimeZone !== product.siteTimeZone
        ) {
          await tx.update(products).set({ ...product, updatedAt: now }).where(eq(products.id, existing.id));
          result.productsUpdated++;
        }
      }
    }
    const listed = new Set(entries.map((e) => e.entry.slug));
    result.notInFile = (await tx
      .select({ slug: sellers.slug })
      .from(sellers)
      .where(eq(sellers.origin, 'file')))
      .map((s) => s.slug)
      .filter((slug) => !listed.has(slug));
  }, db);
  listenerAccessChanged();
  return result;
}

/** Applies SELLERS_FILE when it is configured (server start, demo); resolves with null when it is not. */
export async function applyConfiguredSellersFile(): Promise<SellersFileResult | null> {
  const file = env().SELLERS_FILE;
  return file ? applySellersFile(file) : null;
}
