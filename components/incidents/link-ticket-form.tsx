'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { linkIncidentToTicket } from '@/lib/actions/incidents';

export interface LinkableTicket {
  id: number;
  externalId: string;
  description: string;
  productId: string;
  onAffectedProduct: boolean;
}

/**
 * "Link to our existing ticket": the ticket's related objects gain this incident (with the note MEF 113 R42 asks
 * for), sent to the Seller as a ticket update.
 */
export function LinkTicketForm({
  seller,
  incidentId,
  tickets,
  defaultRelationship,
  disabledReason,
}: {
  seller: string;
  incidentId: string;
  tickets: LinkableTicket[];
  defaultRelationship: string;
  disabledReason: string | null;
}) {
  const [state, action, pending] = useActionState(linkIncidentToTicket, { ok: true });
  const errors = state.errors ?? {};
  const disabled = !!disabledReason || tickets.length === 0;
  return (
    <form action={action} className="flex flex-col gap-3" aria-label="Link to our existing ticket" data-testid="link-ticket-form">
      <input type="hidden" name="seller" value={seller} />
      <input type="hidden" name="incidentId" value={incidentId} />
      {disabledReason ? <Alert tone="info">{disabledReason}</Alert> : null}
      {!disabledReason && tickets.length === 0 ? <Alert tone="info">None of our open tickets at this Seller is left to link.</Alert> : null}
      {state.message ? (
        <Alert tone={state.ok ? 'success' : 'danger'} live>
          {state.message}
        </Alert>
      ) : null}
      <Field label="Our ticket" error={errors.ticketId} required>
        <Select name="ticketId" placeholder="Choose a ticket…" disabled={disabled} defaultValue="">
          {tickets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.externalId} · {t.onAffectedProduct ? '(affected product) ' : ''}
              {t.description.slice(0, 80)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Relation type" error={errors.relationshipType} hint="How our ticket relates to the incident (MEF 113 Relation Type).">
        <Input name="relationshipType" defaultValue={defaultRelationship} maxLength={100} disabled={disabled} />
      </Field>
      <Field label="Note to the Seller" error={errors.note} required hint="Sent as the relation's description and as a note on the ticket.">
        <Textarea name="note" rows={3} maxLength={1000} disabled={disabled} />
      </Field>
      {errors._form ? <Alert tone="danger">{errors._form.join(' ')}</Alert> : null}
      <div>
        <Button type="submit" variant="primary" loading={pending} disabled={disabled}>
          Link ticket
        </Button>
      </div>
    </form>
  );
}
