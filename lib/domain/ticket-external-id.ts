/** Our ticket id (MEF 113 Buyer Ticket Identifier, `externalId` on the wire): NOC-<year>-<6 digits>. */
export const EXTERNAL_ID_PATTERN = /^NOC-\d{4}-\d{6,}$/;

export function externalIdSequenceName(year: number): string {
  return `ticket-external-id-${year}`;
}

export function formatExternalId(year: number, n: number): string {
  return `NOC-${year}-${String(n).padStart(6, '0')}`;
}

export function isExternalId(value: string): boolean {
  return EXTERNAL_ID_PATTERN.test(value);
}
