/** The queue as CSV (RFC 4180), with MEF 113 attribute names as headers. Cells that a spreadsheet would run as a
 * formula are prefixed with an apostrophe. */
import { csvCell } from './csv-cell';

export const QUEUE_CSV_COLUMNS = [
  ['Seller', 'sellerName'],
  ['Seller Ticket Identifier', 'sellerTicketId'],
  ['Buyer Ticket Identifier', 'externalId'],
  ['Product Identifier', 'productId'],
  ['Description', 'description'],
  ['Severity', 'severity'],
  ['Seller Severity', 'sellerSeverity'],
  ['Priority', 'priority'],
  ['Seller Priority', 'sellerPriority'],
  ['Type', 'ticketType'],
  ['Observed Impact', 'observedImpact'],
  ['Ticket State', 'status'],
  ['Ticket Creation Date', 'creationDate'],
  ['Expected Resolved Date', 'expectedResolutionDate'],
  ['Resolved Date', 'resolutionDate'],
  ['Last update', 'updatedAt'],
  ['Delivery', 'syncState'],
] as const;


export function csvHeader(): string {
  return QUEUE_CSV_COLUMNS.map(([label]) => csvCell(label)).join(',') + '\r\n';
}

export function csvRow(row: Record<string, unknown>): string {
  return QUEUE_CSV_COLUMNS.map(([, key]) => csvCell(row[key])).join(',') + '\r\n';
}
