import Link from 'next/link';
import type { Ticket } from '@/db/schema';
import { linkedIncidentsOfTicket } from '@/lib/data/incidents';
import { IncidentStatusBadge } from './incident-badges';
import { formatUtc } from './incident-format';

/**
 * For the ticket page: each Seller incident the ticket is related to, with its current state from the incident
 * cache (so the incident's closure shows here as soon as the Seller reports it). Renders nothing when there are none.
 */
export async function LinkedIncidents({ ticket }: { ticket: Pick<Ticket, 'sellerId' | 'document'> }) {
  const links = await linkedIncidentsOfTicket(ticket);
  if (links.length === 0) return null;
  return (
    <section aria-label="Related incidents" data-testid="linked-incidents" className="rounded-lg border border-border bg-surface">
      <header className="border-b border-border px-4 py-3">
        <h2 className="text-sm font-semibold text-fg">Related incidents</h2>
        <p className="mt-0.5 text-xs text-fg-muted">Incidents the Seller reported that this ticket is tied to, as the Seller last reported them.</p>
      </header>
      <ul className="divide-y divide-border">
        {links.map((l) => (
          <li key={l.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5 text-sm" data-testid="linked-incident" data-incident={l.id} data-status={l.status ?? 'unknown'}>
            {l.status ? <IncidentStatusBadge status={l.status} /> : <span className="text-xs text-fg-muted">Not reported to us</span>}
            {l.path ? (
              <Link href={l.path} className="font-medium text-accent hover:underline">
                {l.description || l.id}
              </Link>
            ) : (
              <span className="font-mono text-xs">{l.id}</span>
            )}
            <span className="text-xs text-fg-muted">
              {l.relationshipType}
              {l.status === 'closed' ? ` · closed ${formatUtc(l.closedDate)}` : l.expectedClosedDate ? ` · expected closed ${formatUtc(l.expectedClosedDate)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
