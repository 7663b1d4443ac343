import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, productsToCsv, validateProductCsv } from '@/lib/domain/product-csv';

const HEADER = 'seller,productId,label,siteId,siteName,siteAddress,siteTimeZone';

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes, CRLF and line breaks inside quotes', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n1,,3\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { line: 4, fields: ['1', '', '3'] },
    ]);
  });

  it('accepts LF, a missing final newline, a byte-order mark and skips blank lines', () => {
    expect(parseCsv('\uFEFFa,b\n\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });

  it('keeps an empty quoted last field', () => {
    expect(parseCsv('a,""')).toEqual([{ line: 1, fields: ['a', ''] }]);
  });

  it('reports an unclosed quote and stray text after a quote with the line', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(new CsvSyntaxError(2, 'a quoted field is not closed'));
    expect(() => parseCsv('"a"b,c')).toThrow(/Line 1: unexpected character after a closing quote/);
    expect(() => parseCsv('ab"c",d')).toThrow(/Line 1: a quote may only open a field/);
  });
});

describe('validateProductCsv', () => {
  const sellers = new Set(['acme', 'globex']);

  it('reports each bad row by line and keeps the good ones', () => {
    const text = [
      HEADER,
      'acme,P-1,"Paris, HQ",S1,HQ,"1 rue X, Paris",Europe/Paris',
      'acme,P-2,,S2,Lyon,,Europe/Lyon',
      'umbrella,P-3,Somewhere,,,,UTC',
      'acme,P-1,Again,,,,UTC',
      'globex,P-1,Globex one,,,,America/New_York',
    ].join('\r\n');
    const report = validateProductCsv(text, sellers);
    expect(report.fileErrors).toEqual([]);
    expect(report.goodCount).toBe(2);
    expect(report.badCount).toBe(3);
    expect(report.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, []],
      [3, ['label: Enter a label', 'siteTimeZone: Not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)']],
      [4, ['seller: no Seller with slug "umbrella"']],
      [5, ['productId: "P-1" already appears on line 2 for acme']],
      [6, []],
    ]);
    expect(report.rows[0]!.product).toEqual({
      seller: 'acme',
      productId: 'P-1',
      label: 'Paris, HQ',
      siteId: 'S1',
      siteName: 'HQ',
      siteAddress: '1 rue X, Paris',
      siteTimeZone: 'Europe/Paris',
    });
  });

  it('accepts columns in any order', () => {
    const text = 'label,seller,productId,siteTimeZone,siteId,siteName,siteAddress\nOne,acme,P-9,UTC,,,\n';
    expect(validateProductCsv(text, sellers).rows[0]!.product?.productId).toBe('P-9');
  });

  it('flags a row with the wrong number of fields', () => {
    const report = validateProductCsv(`${HEADER}\nacme,P-1,One,,,UTC\n`, sellers);
    expect(report.rows[0]!.errors[0]).toBe('Expected 7 fields, found 6');
    expect(report.goodCount).toBe(0);
  });

  it('refuses a file whose header is wrong, naming the columns', () => {
    const report = validateProductCsv('seller,product,label\nacme,P-1,x\n', sellers);
    expect(report.rows).toEqual([]);
    expect(report.fileErrors[0]).toBe('Header: missing column(s) productId, siteId, siteName, siteAddress, siteTimeZone');
    expect(report.fileErrors[1]).toBe('Header: unknown column(s) "product"');
  });

  it('refuses an empty file and a syntax error as a whole', () => {
    expect(validateProductCsv('', sellers).fileErrors[0]).toMatch(/empty/);
    expect(validateProductCsv(`${HEADER}\n"acme,P-1`, sellers).fileErrors).toEqual(['Line 2: a quoted field is not closed']);
  });

  it('round-trips through productsToCsv', () => {
    const row = { seller: 'acme', productId: 'P "1"', label: 'A, B', siteId: '', siteName: 'Two\nlines', siteAddress: ' padded ', siteTimeZone: 'UTC' };
    const csv = productsToCsv([row]);
    expect(csv.startsWith(`${HEADER}\r\n`)).toBe(true);
    const report = validateProductCsv(csv, sellers);
    expect(report.rows[0]!.product).toEqual({ ...row, siteAddress: 'padded' });
  });

  it('neutralises values a spreadsheet would run as formulas, and the import reads them back exactly', () => {
    const row = {
      seller: 'acme',
      productId: '=HYPERLINK("https://evil.example","x")',
      label: "@SUM(A1:A9)",
      siteId: '+33 1 23',
      siteName: "-2+3",
      siteAddress: "'=already quoted",
      siteTimeZone: 'UTC',
    };
    const csv = productsToCsv([row]);
    const cells = parseCsv(csv)[1]!.fields;
    expect(cells).toEqual([
      'acme',
      `'=HYPERLINK("https://evil.example","x")`,
      "'@SUM(A1:A9)",
      "'+33 1 23",
      "'-2+3",
      "''=already quoted",
      'UTC',
    ]);
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(validateProductCsv(csv, sellers).rows[0]!.product).toEqual(row);
  });
});
