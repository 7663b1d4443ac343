'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { Button, buttonClasses } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import type { ActionState } from '@/lib/actions/authorized-action';
import {
  cancelTicket,
  closeTicket,
  discardRejectedOperation,
  refreshTicketFromSeller,
  reopenTicket,
  sendTicketNow,
  type TicketActionResult,
} from '@/lib/actions/tickets';
import type { Availability } from '@/lib/domain/ticket-actions';
import type { TicketBuyerOperation } from '@/lib/domain/ticket-state-machine';
import { useTicketRefresh } from './use-ticket-refresh';

export interface QueuedItemView {
  id: number;
  operation: string;
  state: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
}

const OPERATION_LABEL: Record<string, string> = { create: 'Create', patch: 'Update', cancel: 'Cancel', close: 'Accept resolution', reopen: 'Reject resolution' };

function Explained({ availability, children }: { availability: Availability; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      {children}
      {!availability.allowed ? <p className="max-w-56 text-[11px] leading-snug text-fg-muted">{availability.reason}</p> : null}
    </div>
  );
}

export function TicketActionsPanel({
  ticketId,
  seller,
  routeId,
  hasSellerId,
  availability,
  canWrite,
  whyNotWrite,
  whyNotRefresh,
  queued,
}: {
  ticketId: number;
  seller: string;
  routeId: string;
  hasSellerId: boolean;
  availability: Record<TicketBuyerOperation, Availability>;
  canWrite: boolean;
  whyNotWrite: string | null;
  /** Why this user may not ask the Seller again (a read-only role), or null. */
  whyNotRefresh: string | null;
  queued: QueuedItemView[];
}) {
  const toast = useToast();
  const refresh = useTicketRefresh(seller, routeId);
  const [pending, start] = useTransition();
  const [dialog, setDialog] = useState<null | 'cancel' | 'close' | 'reopen'>(null);
  const [reason, setReason] = useState('');
  const [alsoAsNote, setAlsoAsNote] = useState(false);
  const [reasonError, setReasonError] = useState<string[] | undefined>();

  function report(result: ActionState<TicketActionResult | unknown>) {
    const data = result.data as TicketActionResult | undefined;
    if (result.ok) {
      if (data?.delivery === 'queued') toast.show({ title: 'Queued — will be sent', description: result.message, tone: 'warning' });
      else toast.success(result.message ?? 'Done');
    } else toast.error(result.message ?? 'Not done', result.errors?._form?.join(' '));
    refresh(data?.path && data.path !== `/tickets/${seller}/${routeId}` ? data.path : undefined);
  }

  const run = (work: () => Promise<ActionState<unknown>>) =>
    new Promise<void>((resolve) =>
      start(async () => {
        report(await work());
        resolve();
      }),
    );

  const gate = (op: TicketBuyerOperation): Availability => (canWrite ? availability[op] : { allowed: false, reason: whyNotWrite ?? 'Not allowed' });

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-start gap-2">
        <Button
          onClick={() => run(() => refreshTicketFromSeller({ ticketId }))}
          loading={pending && dialog === null}
          disabled={!hasSellerId || !!whyNotRefresh}
          title={whyNotRefresh ?? (hasSellerId ? 'Read the ticket again from the Seller' : 'The Seller has not acknowledged this ticket yet')}
        >
          Refresh from Seller
        </Button>
        <Explained availability={gate('cancel')}>
          <Button variant="danger" disabled={!gate('cancel').allowed} onClick={() => setDialog('cancel')}>
            Cancel ticket
          </Button>
        </Explained>
        <Explained availability={gate('close')}>
          <Button variant="primary" disabled={!gate('close').allowed} onClick={() => setDialog('close')}>
            Accept resolution (close)
          </Button>
        </Explained>
        <Explained availability={gate('reopen')}>
          <Button disabled={!gate('reopen').allowed} onClick={() => setDialog('reopen')}>
            Reject resolution (reopen)
          </Button>
        </Explained>
      </div>

      {queued.length ? (
        <ul className="flex flex-col gap-2" aria-label="Requests not yet accepted by the Seller">
          {queued.map((q) => (
            <li key={q.id} className={`rounded-md border px-3 py-2 text-xs ${q.state === 'rejected' ? 'border-danger-fg/40 bg-danger-bg' : 'border-warning-fg/40 bg-warning-bg'}`}>
              <p className="font-medium text-fg">
                {OPERATION_LABEL[q.operation] ?? q.operation}: {q.state === 'rejected' ? 'rejected by Seller' : 'queued — will be sent'}
                {q.state === 'pending' && q.attempts > 0 ? ` (attempt ${q.attempts}, next try ${new Date(q.nextAttemptAt).toISOString().slice(11, 19)} UTC)` : ''}
              </p>
              {q.lastError ? <p className="mt-0.5 text-fg">{q.lastError}</p> : null}
              {canWrite ? (
                <div className="mt-1.5 flex gap-2">
                  {q.state === 'pending' ? (
                    <Button size="sm" onClick={() => run(() => sendTicketNow({ ticketId }))}>
                      Send now
                    </Button>
                  ) : null}
                  {q.state === 'rejected' && q.operation === 'create' ? (
                    <Link className={buttonClasses({ size: 'sm', variant: 'primary' })} href={`/tickets/new?draft=${ticketId}`}>
                      Fix and resend
                    </Link>
                  ) : null}
                  {q.state === 'rejected' && q.operation !== 'create' ? (
                    <Button size="sm" onClick={() => run(() => discardRejectedOperation({ outboxId: q.id }))}>
                      Dismiss
                    </Button>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}

      <ConfirmDialog
        open={dialog === 'cancel'}
        title="Cancel this ticket?"
        description="The Seller assesses the cancellation (state: Cancellation requested) and then cancels the ticket. This cannot be undone."
        confirmLabel="Cancel ticket"
        cancelLabel="Keep it"
        tone="danger"
        onCancel={() => setDialog(null)}
        onConfirm={async () => {
          await run(() => cancelTicket({ ticketId }));
          setDialog(null);
        }}
      />
      <ConfirmDialog
        open={dialog === 'close'}
        title="Accept the resolution?"
        description="The issue is no longer observed: the Seller closes the ticket (MEF 113 Closure Acceptance Indicator = TRUE)."
        confirmLabel="Accept and close"
        onCancel={() => setDialog(null)}
        onConfirm={async () => {
          await run(() => closeTicket({ ticketId }));
          setDialog(null);
        }}
      />
      <Dialog
        open={dialog === 'reopen'}
        onClose={() => setDialog(null)}
        title="Reject the resolution"
        description="Tell the Seller why the issue is not resolved; the ticket is reopened."
        footer={
          <>
            <Button variant="ghost" onClick={() => setDialog(null)}>
              Back
            </Button>
            <Button
              variant="primary"
              loading={pending}
              onClick={() => {
                if (!reason.trim()) {
                  setReasonError(['Enter the Closure Rejection Reason']);
                  return;
                }
                void run(async () => {
                  const r = await reopenTicket({ ticketId, reason, alsoAsNote });
                  if (!r.ok && r.errors?.reason) setReasonError(r.errors.reason);
                  else {
                    setDialog(null);
                    setReason('');
                  }
                  return r;
                });
              }}
            >
              Reopen ticket
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-3">
          <Field label="Closure Rejection Reason" required error={reasonError}>
            <Textarea value={reason} maxLength={255} onChange={(e) => setReason(e.target.value)} rows={3} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={alsoAsNote} onChange={(e) => setAlsoAsNote(e.target.checked)} />
            Also record the reason as our note on the ticket
          </label>
        </div>
      </Dialog>
    </div>
  );
}
