'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { revisionDifference, type TicketRevision } from '@/lib/domain/ticket-revision';

/**
 * Shown in the update form when the ticket changed since the operator opened it (a Seller change, another operator's
 * update, one still queued for the Seller): each changed field as was → now, and the notes and attachments added.
 * Once the server refused an update for it, nothing was sent, and the operator sends again or discards.
 */
export function TicketChangedNotice({
  before,
  after,
  refused,
  pending,
  onSendAgain,
  onDiscard,
}: {
  before: TicketRevision;
  after: TicketRevision;
  refused: boolean;
  pending: boolean;
  onSendAgain: () => void;
  onDiscard: () => void;
}) {
  const diff = revisionDifference(before.snapshot, after.snapshot);
  const title = refused
    ? 'This ticket changed since you opened it. Nothing was sent: review the changes, then send again or discard your update.'
    : 'This ticket changed since you opened it.';
  return (
    <Alert tone="warning" live title={title}>
      <div data-testid="ticket-changed" data-refused={refused ? 'true' : 'false'} className="flex flex-col gap-2">
        {diff.fields.length ? (
          <ul className="flex flex-col gap-0.5">
            {diff.fields.map((f) => (
              <li key={f.field} data-changed-field={f.field}>
                <span className="font-medium">{f.label}</span>: <span>{f.was}</span> → <span className="font-medium">{f.now}</span>
              </li>
            ))}
          </ul>
        ) : null}
        {diff.newNotes.length ? (
          <div>
            <p className="font-medium">New notes</p>
            <ul className="flex flex-col gap-0.5">
              {diff.newNotes.map((n) => (
                <li key={n.id} data-new-note>
                  <span className="text-fg-muted">{n.author || (n.source === 'seller' ? 'Seller' : 'Buyer')}:</span> <span className="whitespace-pre-wrap">{n.text}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {diff.newAttachments.length ? (
          <p>
            <span className="font-medium">New attachments</span>: {diff.newAttachments.join(', ')}
          </p>
        ) : null}
        {!diff.fields.length && !diff.newNotes.length && !diff.newAttachments.length ? <p>Nothing you can see here changed; your update still applies.</p> : null}
        {refused ? (
          <div className="flex flex-wrap gap-2">
            <Button size="sm" variant="primary" loading={pending} onClick={onSendAgain}>
              Send my update anyway
            </Button>
            <Button size="sm" onClick={onDiscard}>
              Discard my update
            </Button>
          </div>
        ) : (
          <p className="text-fg-muted">Sending will ask you to confirm your update against these changes.</p>
        )}
      </div>
    </Alert>
  );
}
