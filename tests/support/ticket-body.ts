/** A Trouble Ticket document as a strict Seller answers it: every attribute the schema requires, nothing more. */
export function sellerTicketBody(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    status: 'acknowledged',
    creationDate: '2026-01-01T10:00:00Z',
    description: 'Link down',
    observedImpact: 'down',
    priority: 'high',
    severity: 'extensive',
    sellerPriority: 'high',
    sellerSeverity: 'extensive',
    ticketType: 'assistance',
    relatedEntity: [{ '@referredType': 'Product', id: 'p-1', role: 'affected' }],
    relatedContactInformation: [{ name: 'Ann', number: '+1 555', emailAddress: 'ann@example.com', role: 'reporterContact' }],
    ...extra,
  };
}
