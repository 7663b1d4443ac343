import { describe, expect, it } from 'vitest';
import {
  describeSellersFileIssues,
  isIanaTimeZone,
  sellerCreateSchema,
  sellersFileSchema,
  sellerUpdateSchema,
} from '@/lib/domain/seller-registry';
import { fieldErrors } from '@/lib/actions/authorized-action';

const good = {
  slug: 'acme-fibre',
  name: 'Acme Fibre',
  troubleTicketBaseUrl: 'https://acme.example/mefApi/sonata/troubleTicket/v4',
  appointmentBaseUrl: 'https://acme.example/mefApi/sonata/appointment/v2',
  workOrderBaseUrl: 'https://acme.example/mefApi/sonata/workOrderManagement/v2',
  tokenUrl: 'https://acme.example/oauth2/token',
  clientId: 'buyer-1',
  clientSecret: 's3cret-value',
  scopeMode: 'operation',
  fixedScope: '',
  buyerId: '',
  sellerId: '',
  timeoutMs: '15000',
};

function errorsOf(schema: typeof sellerCreateSchema | typeof sellerUpdateSchema, input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? {} : fieldErrors(result.error);
}

describe('Seller registry schema', () => {
  it('accepts a complete form and normalises blanks and numbers', () => {
    const parsed = sellerCreateSchema.parse({ ...good, fixedScope: 'ignored-when-not-fixed' });
    expect(parsed).toMatchObject({ slug: 'acme-fibre', timeoutMs: 15000, buyerId: null, sellerId: null, fixedScope: null });
  });

  it('defaults the timeout when left blank', () => {
    expect(sellerCreateSchema.parse({ ...good, timeoutMs: '' }).timeoutMs).toBe(10_000);
  });

  it.each([
    ['not a url', 'Enter a full URL starting with http:// or https://'],
    ['ftp://acme.example/mefApi/sonata/troubleTicket/v4', 'Enter a full URL starting with http:// or https://'],
    ['https://acme.example/mefApi/sonata/troubleTicket/v4/', 'Remove the trailing slash'],
    ['https://acme.example/v4?x=1', 'A base URL cannot carry a query or a fragment'],
  ])('refuses the base URL %s under its field', (url, message) => {
    expect(errorsOf(sellerCreateSchema, { ...good, troubleTicketBaseUrl: url }).troubleTicketBaseUrl).toContain(message);
  });

  it('refuses slugs with capitals, spaces or underscores', () => {
    for (const slug of ['Acme', 'acme fibre', 'acme_fibre', '-acme', '']) {
      expect(errorsOf(sellerCreateSchema, { ...good, slug }).slug, slug).toBeDefined();
    }
  });

  it('requires every credential on create', () => {
    const errors = errorsOf(sellerCreateSchema, { ...good, clientSecret: '', clientId: ' ', tokenUrl: '' });
    expect(Object.keys(errors).sort()).toEqual(['clientId', 'clientSecret', 'tokenUrl']);
  });

  it('lets an edit leave the secret blank to keep it', () => {
    expect(sellerUpdateSchema.parse({ ...good, clientSecret: '' }).clientSecret).toBeUndefined();
  });

  it('refuses an unknown scope mode and a fixed mode without scope', () => {
    expect(errorsOf(sellerCreateSchema, { ...good, scopeMode: 'always' }).scopeMode).toEqual(['Choose operation, fixed or none']);
    expect(errorsOf(sellerCreateSchema, { ...good, scopeMode: 'fixed', fixedScope: '' }).fixedScope).toBeDefined();
    expect(sellerCreateSchema.parse({ ...good, scopeMode: 'fixed', fixedScope: 'sonata' }).fixedScope).toBe('sonata');
  });

  it('keeps the timeout between 1 000 and 120 000 ms', () => {
    expect(errorsOf(sellerCreateSchema, { ...good, timeoutMs: '999' }).timeoutMs).toBeDefined();
    expect(errorsOf(sellerCreateSchema, { ...good, timeoutMs: '120001' }).timeoutMs).toBeDefined();
    expect(errorsOf(sellerCreateSchema, { ...good, timeoutMs: 'soon' }).timeoutMs).toBeDefined();
    expect(sellerCreateSchema.parse({ ...good, timeoutMs: 120000 }).timeoutMs).toBe(120000);
  });
});

describe('sellers file schema', () => {
  const { clientSecret: _omit, ...base } = good;
  const entry = (over: Record<string, unknown>) => ({ ...base, timeoutMs: 5000, fixedScope: undefined, buyerId: undefined, sellerId: undefined, clientSecret: 'x', ...over });

  it('reports a duplicate slug on the later entry, naming it', () => {
    const raw = [entry({}), entry({ name: 'Other' })];
    const result = sellersFileSchema.safeParse(raw);
    expect(result.success).toBe(false);
    expect(describeSellersFileIssues(result.error!, raw)).toEqual([
      'entry 2 ("acme-fibre"), field slug: Duplicate slug "acme-fibre" (already used by entry 1)',
    ]);
  });

  it('needs exactly one of clientSecret and clientSecretEnv', () => {
    const none = sellersFileSchema.safeParse([entry({ clientSecret: undefined })]);
    const both = sellersFileSchema.safeParse([entry({ clientSecretEnv: 'ACME_SECRET' })]);
    expect(none.success || both.success).toBe(false);
    expect(none.error!.issues[0]!.path).toEqual([0, 'clientSecret']);
    expect(both.error!.issues[0]!.path).toEqual([0, 'clientSecretEnv']);
  });

  it('refuses unknown fields so a typo does not go unnoticed', () => {
    const raw = [entry({ clientSecretENV: 'X' })];
    const result = sellersFileSchema.safeParse(raw);
    expect(describeSellersFileIssues(result.error!, raw)[0]).toMatch(/^entry 1 \("acme-fibre"\).*clientSecretENV/);
  });
});

describe('IANA time zones', () => {
  it('accepts zone names and refuses others', () => {
    expect(['Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC'].every(isIanaTimeZone)).toBe(true);
    expect(['Europe/Pariss', '+02:00', 'Mars/Olympus', ''].some(isIanaTimeZone)).toBe(false);
  });
});
