'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { findOpenIncidentsForProduct } from '@/lib/actions/incidents';
import type { OpenIncidentSummary } from '@/lib/data/incidents';
import { INCIDENT_STATUS, OBSERVED_IMPACT, labelOf } from '@/lib/domain/mef-labels';
import { formatUtc } from './incident-format';

export interface OpenIncidentNoticeProps {
  /** Seller slug and our product id as chosen in the ticket form; nothing shows until both are set. */
  seller: string | null | undefined;
  productId: string | null | undefined;
  /** Offered as "Relate this ticket to the incident": the form adds the incident to its related objects. */
  onRelate?: (incident: OpenIncidentSummary) => void;
  /** Incident ids the form already relates to (their "Relate" button is hidden). */
  relatedIds?: readonly string[];
}

/**
 * MEF 113 UC 1 step 1: before opening a ticket, say when the Seller already reports an open incident on the
 * product, and offer to link to it instead of opening a duplicate.
 */
export function OpenIncidentNotice({ seller, productId, onRelate, relatedIds = [] }: OpenIncidentNoticeProps) {
  const enabled = !!seller && !!productId;
  const { data } = useQuery({
    queryKey: ['incidents', 'openForProduct', seller ?? '', productId ?? ''],
    enabled,
    queryFn: async () => {
      const res = await findOpenIncidentsForProduct({ seller: seller as string, productId: productId as string });
      return res.ok ? (res.data ?? []) : [];
    },
  });
  if (!enabled || !data || data.length === 0) return null;
  return (
    <Alert tone="warning" title={data.length === 1 ? 'The Seller already reports an open incident on this product' : `The Seller already reports ${data.length} open incidents on this product`}>
      <div data-testid="open-incident-notice" className="flex flex-col gap-2">
        <p>Link your ticket to it rather than reporting the same fault twice, or link one of our existing tickets from the incident.</p>
        <ul className="flex flex-col gap-2">
          {data.map((i) => (
            <li key={i.id} className="flex flex-wrap items-center gap-2" data-incident={i.id}>
              <span className="min-w-0 flex-1">
                <span className="font-medium">{i.description || i.id}</span>{' '}
                <span className="text-xs text-fg-muted">
                  {labelOf(INCIDENT_STATUS, i.status)}
                  {i.impact ? ` · ${labelOf(OBSERVED_IMPACT, i.impact)}` : ''} · since {formatUtc(i.creationDate)}
                  {i.expectedClosedDate ? ` · expected closed ${formatUtc(i.expectedClosedDate)}` : ''}
                </span>
              </span>
              {onRelate && !relatedIds.includes(i.id) ? (
                <Button size="sm" variant="primary" onClick={() => onRelate(i)}>
                  Relate this ticket to it
                </Button>
              ) : null}
              <Link href={`${i.path}#link-ticket`} className={buttonClasses({ size: 'sm', variant: 'secondary' })}>
                Link an existing ticket instead
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </Alert>
  );
}
