/**
 * Links from a dashboard figure to the records behind it. The ticket queue reads these parameters
 * (seller, state, severity, waiting, open, overdue, createdFrom/To, resolvedFrom/To; lists comma-separated).
 */
export interface TicketQueueLink {
  seller?: string;
  state?: readonly string[];
  severity?: readonly string[];
  waiting?: 'us' | 'seller';
  open?: boolean;
  overdue?: boolean;
  created?: { from?: string; to?: string };
  resolved?: { from?: string; to?: string };
}

export function ticketsHref(link: TicketQueueLink): string {
  const q = new URLSearchParams();
  if (link.seller) q.set('seller', link.seller);
  if (link.state?.length) q.set('state', link.state.join(','));
  if (link.severity?.length) q.set('severity', link.severity.join(','));
  if (link.waiting) q.set('waiting', link.waiting);
  if (link.open) q.set('open', '1');
  if (link.overdue) q.set('overdue', '1');
  for (const [name, range] of [['created', link.created], ['resolved', link.resolved]] as const) {
    if (range?.from) q.set(`${name}From`, range.from);
    if (range?.to) q.set(`${name}To`, range.to);
  }
  const search = q.toString();
  return search ? `/tickets?${search}` : '/tickets';
}

export function ticketDetailHref(sellerSlug: string, t: { sellerTicketId: string | null; externalId: string }): string {
  return `/tickets/${encodeURIComponent(sellerSlug)}/${encodeURIComponent(t.sellerTicketId ?? t.externalId)}`;
}

export function incidentHref(sellerSlug: string, incidentId?: string): string {
  const q = new URLSearchParams({ seller: sellerSlug });
  if (incidentId) q.set('incident', incidentId);
  return `/incidents?${q}`;
}

export function appointmentsHref(sellerSlug: string): string {
  return `/appointments?${new URLSearchParams({ seller: sellerSlug })}`;
}
