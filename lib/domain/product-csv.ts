import { z } from 'zod';
import { csvCell, restoreFormulaText } from './csv-cell';
import { productEntrySchema, type ProductEntry } from './seller-registry';

export const PRODUCT_CSV_COLUMNS = ['seller', 'productId', 'label', 'siteId', 'siteName', 'siteAddress', 'siteTimeZone'] as const;
export type ProductCsvColumn = (typeof PRODUCT_CSV_COLUMNS)[number];

export const PRODUCT_CSV_MAX_ROWS = 5_000;

export interface CsvRecord {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`Line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * RFC 4180 CSV: fields separated by commas, optionally quoted with '"' (a quote inside is doubled), quoted fields may
 * hold commas and line breaks, records end with CRLF or LF. A leading byte-order mark and blank lines are ignored.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let fieldWasQuoted = false;
  let i = 0;

  const endField = () => {
    fields.push(field);
    field = '';
    fieldWasQuoted = false;
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < input.length) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = input[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvSyntaxError(line, 'unexpected character after a closing quote');
        }
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== '' || fieldWasQuoted) throw new CsvSyntaxError(line, 'a quote may only open a field');
      quoted = true;
      fieldWasQuoted = true;
      i++;
    } else if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new CsvSyntaxError(recordLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0 || fieldWasQuoted) endRecord();
  return records;
}

export interface ProductImportRow {
  /** Line of the file (header = 1), as a spreadsheet shows it. */
  line: number;
  seller: string;
  productId: string;
  errors: string[];
  /** Set when the row is valid. */
  product?: ProductEntry & { seller: string };
  /** For a valid row: whether importing it adds a product or replaces the one with the same productId. */
  mode?: 'create' | 'update';
}

export interface ProductImportReport {
  /** Problems with the file as a whole (syntax, header); when present no row is importable. */
  fileErrors: string[];
  rows: ProductImportRow[];
  goodCount: number;
  badCount: number;
}

/** Marks each valid row as a new product or an update of an existing one (`existing` holds "seller\u0000productId"). */
export function markImportModes(report: ProductImportReport, existing: ReadonlySet<string>): ProductImportReport {
  return {
    ...report,
    rows: report.rows.map((r) =>
      r.product ? { ...r, mode: existing.has(productKey(r.seller, r.productId)) ? 'update' : 'create' } : r,
    ),
  };
}

export function productKey(sellerSlug: string, productId: string): string {
  return `${sellerSlug}\u0000${productId}`;
}

const rowSchema = z.object({ seller: z.string().trim().min(1, 'seller: enter the Seller slug') }).and(productEntrySchema);

/**
 * Validates an uploaded product CSV without touching any store: `knownSellers` are the slugs that exist.
 * Each data row gets its own errors; a seller/productId pair seen twice is an error on the later row.
 */
export function validateProductCsv(text: string, knownSellers: ReadonlySet<string>): ProductImportReport {
  const empty = (fileErrors: string[]): ProductImportReport => ({ fileErrors, rows: [], goodCount: 0, badCount: 0 });
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return empty([err.message]);
    throw err;
  }
  const [header, ...data] = records;
  if (!header) return empty(['The file is empty: the first line must be the header ' + PRODUCT_CSV_COLUMNS.join(',')]);

  const names = header.fields.map((f) => f.trim());
  const missing = PRODUCT_CSV_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(PRODUCT_CSV_COLUMNS as readonly string[]).includes(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  const headerErrors = [
    ...(missing.length ? [`Header: missing column(s) ${missing.join(', ')}`] : []),
    ...(unknown.length ? [`Header: unknown column(s) ${unknown.map((u) => `"${u}"`).join(', ')}`] : []),
    ...(repeated.length ? [`Header: repeated column(s) ${[...new Set(repeated)].join(', ')}`] : []),
  ];
  if (headerErrors.length) return empty([...headerErrors, `Expected: ${PRODUCT_CSV_COLUMNS.join(',')}`]);
  if (data.length === 0) return empty(['The file has a header but no product rows']);
  if (data.length > PRODUCT_CSV_MAX_ROWS) return empty([`At most ${PRODUCT_CSV_MAX_ROWS} rows per import (found ${data.length})`]);

  const seen = new Map<string, number>();
  const rows = data.map((record): ProductImportRow => {
    const value = (c: ProductCsvColumn) => restoreFormulaText(record.fields[names.indexOf(c)] ?? '');
    const raw = Object.fromEntries(PRODUCT_CSV_COLUMNS.map((c) => [c, value(c)]));
    const row: ProductImportRow = { line: record.line, seller: value('seller').trim(), productId: value('productId').trim(), errors: [] };
    if (record.fields.length !== names.length) {
      row.errors.push(`Expected ${names.length} fields, found ${record.fields.length}`);
    }
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join('.');
        row.errors.push(field && !issue.message.startsWith(`${field}:`) ? `${field}: ${issue.message}` : issue.message);
      }
    }
    if (row.seller && !knownSellers.has(row.seller)) row.errors.push(`seller: no Seller with slug "${row.seller}"`);
    if (row.seller && row.productId) {
      const key = productKey(row.seller, row.productId);
      const first = seen.get(key);
      if (first !== undefined) row.errors.push(`productId: "${row.productId}" already appears on line ${first} for ${row.seller}`);
      else seen.set(key, record.line);
    }
    if (row.errors.length === 0 && parsed.success) row.product = parsed.data;
    return row;
  });
  const goodCount = rows.filter((r) => r.product).length;
  return { fileErrors: [], rows, goodCount, badCount: rows.length - goodCount };
}

/**
 * The inverse of the import: same header, one line per product, CRLF line ends. Values a spreadsheet would run as a
 * formula are neutralised with an apostrophe, which the import takes off again.
 */
export function productsToCsv(rows: ReadonlyArray<Record<ProductCsvColumn, string>>): string {
  const lines = [PRODUCT_CSV_COLUMNS.join(','), ...rows.map((r) => PRODUCT_CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}
