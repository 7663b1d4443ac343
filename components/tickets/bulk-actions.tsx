'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { bulkTicketProgress, previewBulkTicketAction, runBulkTicketAction, type BulkPreview, type BulkRun } from '@/lib/actions/bulk-tickets';
import type { ActionState } from '@/lib/actions/authorized-action';
import { BULK_ACTION_LABELS, BULK_ACTIONS, BULK_PROGRESS_LABELS, type BulkAction, type BulkProgressState } from '@/lib/domain/bulk-actions';
import type { QueueSelectionContext } from './queue-selection';
import { TICKETS_KEY } from './query-keys';

export interface BulkRequest {
  action: BulkAction;
  scope: 'selected' | 'filter';
  filter: string;
  ticketIds: number[];
}

export interface FinishedRun extends BulkRun {
  /** Identifies the run's progress query. */
  key: string;
  message: string;
}

/** The bar above the queue: how much is selected, "all matching this filter", and the actions. */
export function BulkActionsBar({ selection }: { selection: QueueSelectionContext }) {
  const { selected, allMatching, total, rowIds } = selection;
  const count = allMatching ? total : selected.size;
  const pageAll = rowIds.length > 0 && rowIds.every((id) => selected.has(id));
  return (
    <div role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar" className="flex flex-wrap items-center gap-2 border-b border-border px-3 py-2 text-xs">
      <span aria-live="polite" data-testid="selection-count" className="font-medium text-fg">
        {count === 0 ? 'No ticket selected' : allMatching ? `All ${total.toLocaleString('en')} tickets matching this filter` : `${count} selected`}
      </span>
      {pageAll && !allMatching && total > rowIds.length ? (
        <Button size="sm" variant="ghost" onClick={() => selection.setAllMatching(true)}>
          Select all {total.toLocaleString('en')} matching this filter
        </Button>
      ) : null}
      {count > 0 ? (
        <Button size="sm" variant="ghost" onClick={selection.clear}>
          Clear selection
        </Button>
      ) : null}
      <span className="ml-auto flex flex-wrap gap-2">
        {BULK_ACTIONS.map((action) => (
          <Button key={action} size="sm" variant={action === 'cancel' ? 'danger' : 'secondary'} disabled={count === 0} onClick={() => selection.start(action)}>
            {BULK_ACTION_LABELS[action].button}
          </Button>
        ))}
      </span>
    </div>
  );
}

type Preview = ActionState<BulkPreview> | null;

/** The confirmation: how many tickets at which Sellers, which are skipped and why, and the action's own fields. */
export function BulkActionDialog({
  request,
  sellers,
  onClose,
  onStarted,
}: {
  request: BulkRequest;
  sellers: { slug: string; name: string }[];
  onClose: () => void;
  onStarted: (run: FinishedRun) => void;
}) {
  const { action } = request;
  const [preview, setPreview] = useState<Preview>(null);
  const [result, setResult] = useState<ActionState<BulkRun> | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [incidentSeller, setIncidentSeller] = useState('');
  const [incidentId, setIncidentId] = useState('');
  const selection = { action, scope: request.scope, filter: request.filter, ticketIds: request.ticketIds };

  useEffect(() => {
    if (action === 'link') return;
    let live = true;
    void previewBulkTicketAction(selection).then((p) => {
      if (live) setPreview(p);
    });
    return () => {
      live = false;
    };
    // The request is fixed for the dialog's life: checked once when it opens.
  }, []);

  const review = async () => {
    setBusy(true);
    setPreview(await previewBulkTicketAction({ ...selection, incidentSeller, incidentId }));
    setBusy(false);
  };
  const confirm = async () => {
    setBusy(true);
    const state = await runBulkTicketAction({ ...selection, note, incidentSeller, incidentId });
    setBusy(false);
    setResult(state);
    if (state.ok && state.data) onStarted({ ...state.data, key: state.data.items.map((i) => i.outboxId).join(','), message: state.message ?? '' });
  };

  const errors = result?.errors ?? preview?.errors ?? {};
  const data = result?.data ?? preview?.data;
  const title = `${BULK_ACTION_LABELS[action].button}: ${request.scope === 'filter' ? 'all tickets matching the filter' : `${request.ticketIds.length} selected`}`;
  const canConfirm = !busy && !!preview?.ok && (preview.data?.targets.length ?? 0) > 0;

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!busy}
      title={title}
      size="lg"
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={busy}>
            Close
          </Button>
          {action === 'link' ? (
            <Button onClick={review} loading={busy} disabled={busy}>
              Check tickets
            </Button>
          ) : null}
          <Button variant={action === 'cancel' ? 'danger' : 'primary'} onClick={confirm} loading={busy} disabled={!canConfirm}>
            Confirm
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3" data-testid="bulk-dialog">
        {action === 'link' ? (
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Seller of the incident" required error={errors.incidentSeller}>
              <Select value={incidentSeller} onChange={(e) => setIncidentSeller(e.currentTarget.value)} placeholder="Choose a Seller…" options={sellers.map((s) => ({ value: s.slug, label: s.name }))} />
            </Field>
            <Field label="Seller’s incident id" required error={errors.incidentId}>
              <Input value={incidentId} onChange={(e) => setIncidentId(e.currentTarget.value)} />
            </Field>
          </div>
        ) : null}
        {action === 'note' || action === 'link' ? (
          <Field label={action === 'note' ? 'Note' : 'Why the tickets are linked'} required error={errors.note} hint="The same text is added to every ticket.">
            <Textarea value={note} onChange={(e) => setNote(e.currentTarget.value)} rows={3} maxLength={1000} />
          </Field>
        ) : null}
        {preview === null && action !== 'link' ? <p className="text-fg-muted">Checking the tickets…</p> : null}
        {(result ?? preview) && !(result ?? preview)!.ok && !data?.skipped.length ? (
          <Alert tone="danger" live>
            {(result ?? preview)!.message}
          </Alert>
        ) : null}
        {data ? <PlanView plan={data} /> : null}
        {result && !result.ok && data?.skipped.length ? (
          <Alert tone="danger" live>
            {result.message}
          </Alert>
        ) : null}
      </div>
    </Dialog>
  );
}

function PlanView({ plan }: { plan: BulkPreview }) {
  return (
    <div className="flex flex-col gap-2">
      <p className="font-medium text-fg" data-testid="bulk-summary">
        {plan.summary}
      </p>
      {plan.skipped.length ? (
        <details open={plan.skipped.length <= 10}>
          <summary className="cursor-pointer text-fg-muted">
            {plan.skipped.length} skipped: the action is not allowed for them
          </summary>
          <ul className="mt-1 flex flex-col gap-1 text-xs" data-testid="bulk-skipped">
            {plan.skipped.map((s) => (
              <li key={s.ticketId}>
                <span className="font-mono">{s.externalId}</span> at {s.sellerName}: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

const TONES: Record<BulkProgressState, BadgeTone> = { queued: 'neutral', sending: 'info', done: 'success', refused: 'danger' };

/**
 * Each ticket of the last run, as its outbox operation stands. Read from the server and read again whenever the live
 * channel reports a ticket change (the outbox's moves are changes), so what shows is what the outbox says.
 */
export function BulkProgressPanel({ run, onDismiss }: { run: FinishedRun; onDismiss: () => void }) {
  const outboxIds = run.items.map((i) => i.outboxId);
  const progress = useQuery({
    queryKey: [...TICKETS_KEY, 'bulk-progress', run.key],
    queryFn: async () => {
      const state = await bulkTicketProgress({ outboxIds });
      if (!state.ok) throw new Error(state.message ?? 'Progress could not be read');
      return state.data ?? [];
    },
  });
  const byOutbox = new Map((progress.data ?? []).map((p) => [p.outboxId, p]));
  const counts: Record<BulkProgressState, number> = { queued: 0, sending: 0, done: 0, refused: 0 };
  for (const p of progress.data ?? []) counts[p.state]++;
  return (
    <section aria-label="Bulk action progress" data-testid="bulk-progress" className="border-b border-border px-3 py-2 text-xs">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-fg">{run.summary}</span>
        <span aria-live="polite" data-testid="bulk-counts" className="text-fg-muted">
          {counts.done} done · {counts.refused} refused · {counts.sending} sending · {counts.queued} queued
          {run.skipped.length ? ` · ${run.skipped.length} skipped` : ''}
        </span>
        <Button size="sm" variant="ghost" className="ml-auto" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
      {progress.isError ? <Alert tone="warning">The progress could not be read: {(progress.error as Error).message}</Alert> : null}
      <ul className="mt-2 grid gap-1 sm:grid-cols-2 xl:grid-cols-3">
        {run.items.map((item) => {
          const p = byOutbox.get(item.outboxId);
          return (
            <li key={item.outboxId} data-testid="bulk-item" data-ticket={item.externalId} data-state={p?.state ?? 'loading'} className="flex flex-wrap items-center gap-2">
              <span className="font-mono">{item.externalId}</span>
              <span className="text-fg-muted">{item.sellerName}</span>
              {p ? <Badge tone={TONES[p.state]}>{BULK_PROGRESS_LABELS[p.state]}</Badge> : <Badge>…</Badge>}
              {p?.state === 'refused' || (p?.message && p.state !== 'done') ? (
                <span className={p.state === 'refused' ? 'text-danger-fg' : 'text-fg-muted'} data-testid="bulk-item-reason">
                  {p.message}
                </span>
              ) : null}
            </li>
          );
        })}
        {run.skipped.map((s) => (
          <li key={`skip-${s.ticketId}`} data-testid="bulk-item" data-ticket={s.externalId} data-state="skipped" className="flex flex-wrap items-center gap-2">
            <span className="font-mono">{s.externalId}</span>
            <span className="text-fg-muted">{s.sellerName}</span>
            <Badge tone="warning">Skipped</Badge>
            <span className="text-fg-muted" data-testid="bulk-item-reason">
              {s.reason}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
