'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import type { ActionState } from '@/lib/actions/authorized-action';
import {
  issueListenerCredentials,
  reconcileNow,
  reregisterHubs,
  revokeListenerCredentialsAction,
  type IssuedListenerCredentials,
} from '@/lib/actions/notifications';
import type { SellerNotificationsView } from '@/lib/data/notifications';

const API_LABELS: Record<string, string> = {
  troubleTicket: 'Tickets and incidents',
  appointment: 'Appointments',
  workOrder: 'Work orders',
};

function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : 'never';
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[12rem_1fr] gap-3 py-1.5 text-sm max-sm:grid-cols-1 max-sm:gap-1">
      <dt className="text-fg-muted">{label}</dt>
      <dd className="min-w-0 break-words text-fg">{children}</dd>
    </div>
  );
}

/** One Seller's notification channel: credentials, hubs, traffic, backlog and reconciliation, with the admin actions. */
export function SellerNotificationsCard({ view, canManage }: { view: SellerNotificationsView; canManage: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [status, setStatus] = useState<ActionState<unknown> | null>(null);
  const [issued, setIssued] = useState<IssuedListenerCredentials | null>(null);
  const active = view.credentials.filter((c) => !c.revokedAt);

  const run = (action: (input: { slug: string }) => Promise<ActionState<unknown>>) =>
    startTransition(async () => {
      const result = await action({ slug: view.slug });
      setStatus(result);
      setIssued(null);
      router.refresh();
    });
  const issue = () =>
    startTransition(async () => {
      const result = await issueListenerCredentials({ slug: view.slug });
      setStatus(result);
      setIssued(result.ok ? (result.data ?? null) : null);
      router.refresh();
    });

  return (
    <Card
      title={`${view.name} (${view.slug})`}
      description={view.enabled ? 'Enabled' : 'Disabled: no hubs are kept and its notifications are refused.'}
      data-testid={`notifications-${view.slug}`}
    >
      {status?.message ? (
        <Alert live tone={status.ok ? 'success' : 'danger'}>
          {status.message}
        </Alert>
      ) : null}
      {issued ? (
        <Alert tone="warning">
          <p className="font-medium">Give these to {view.name} now; the secret is not shown again.</p>
          <dl className="mt-2 font-mono text-xs">
            <Row label="Token URL">{issued.tokenUrl}</Row>
            <Row label="Client id">{issued.clientId}</Row>
            <Row label="Client secret">
              <span data-testid="issued-secret">{issued.clientSecret}</span>
            </Row>
            <Row label="Callback (hub)">{issued.callback}</Row>
          </dl>
        </Alert>
      ) : null}
      <dl className="divide-y divide-border">
        <Row label="Callback">{view.callback}</Row>
        <Row label={`Listeners (${view.referencePoint === 'cantata' ? 'Cantata' : 'Sonata'})`}>
          {Object.values(view.listenerBases).map((base) => (
            <span key={base} className="block">
              {base}/&lt;eventType&gt;
            </span>
          ))}
        </Row>
        <Row label="Our token endpoint">{view.tokenUrl}</Row>
        <Row label="Listener credentials">
          {active.length === 0
            ? 'none: this Seller cannot deliver notifications'
            : active.map((c) => (
                <span key={c.id} className="block">
                  <code>{c.clientId}</code> (secret …{c.secretHint}, {c.deliveredVia === 'sandbox' ? 'given to the sandbox' : 'for onboarding'}, issued{' '}
                  {when(c.createdAt)}, last used {when(c.lastUsedAt)})
                </span>
              ))}
          {view.credentialsPushError ? <span className="block text-danger-fg">Hand-over to the sandbox failed: {view.credentialsPushError}</span> : null}
        </Row>
        <Row label="Hubs">
          {view.hubs.length === 0
            ? 'none registered'
            : view.hubs.map((h) => (
                <span key={h.api} className="flex flex-wrap items-center gap-2">
                  {API_LABELS[h.api] ?? h.api}:{' '}
                  <Badge tone={h.state === 'registered' ? 'success' : h.state === 'failed' ? 'danger' : 'neutral'} dot>
                    {h.state}
                  </Badge>
                  {h.hubId ? <code className="text-xs">{h.hubId}</code> : null}
                  {h.lastError ? <span className="text-xs text-danger-fg">{h.lastError}</span> : null}
                </span>
              ))}
        </Row>
        <Row label="Last event received">{when(view.lastEventAt)}</Row>
        <Row label="Events in the last hour">{view.inbox.lastHour}</Row>
        <Row label="Waiting to be applied">{view.inbox.pending}</Row>
        <Row label="Failures">
          {view.inbox.failed} event(s) given up; {view.refused.count} call(s) refused since start
          {view.refused.lastReason ? ` (last: ${view.refused.lastReason}, ${when(view.refused.lastAt)})` : ''}
        </Row>
        <Row label="Last reconciliation">
          {when(view.lastReconcileAt)}
          {view.lastReconcileResult ? `: ${view.lastReconcileResult}` : ''}
          {view.lastReconcileError ? <span className="block text-danger-fg">{view.lastReconcileError}</span> : null}
        </Row>
        <Row label="Waiting on you">{view.openWaitingItems} open item(s)</Row>
        <Row label="Tolerated deviations">
          {view.toleratedDeviations.known.length === 0 && view.toleratedDeviations.allowed.length === 0
            ? 'none: every answer must match the schema'
            : [
                ...view.toleratedDeviations.known,
                ...view.toleratedDeviations.allowed.map((a) => `${a.operationId ? `${a.operationId} ` : ''}${a.path || '(body)'}${a.keyword ? ` ${a.keyword}` : ''}`),
              ].join(', ')}
        </Row>
        <Row label="Tolerated and seen">
          {view.toleratedSeen.length === 0 ? (
            'none: no answer needed a tolerated deviation'
          ) : (
            <ul className="flex flex-col gap-1" aria-label={`Tolerated deviations seen from ${view.name}`}>
              {view.toleratedSeen.map((t) => (
                <li key={`${t.deviation}/${t.operationId}`}>
                  <span className="font-medium">{t.deviation}</span> in <code className="text-xs">{t.operationId}</code>{' '}
                  <span className="text-xs text-fg-muted">
                    {t.count}×, e.g. at <code>{t.samplePath || '(answer)'}</code>, first {when(t.firstSeenAt)}, last {when(t.lastSeenAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Documents refused">
          {view.rejectedDocuments.length === 0 ? (
            'none: every document received matched the schema or a tolerated deviation'
          ) : (
            <ul className="flex flex-col gap-2" aria-label={`Documents refused from ${view.name}`}>
              {view.rejectedDocuments.map((r) => (
                <li key={`${r.api}/${r.operationId}/${r.resourceId}`}>
                  <span className="font-medium">
                    {r.operationId}
                    {r.resourceId ? <code className="ml-1 text-xs">{r.resourceId}</code> : null}
                  </span>{' '}
                  <span className="text-xs text-fg-muted">
                    {r.count}×, first {when(r.firstSeenAt)}, last {when(r.lastSeenAt)}
                  </span>
                  <ul className="mt-1 list-disc pl-5 text-xs">
                    {r.violations.map((v, i) => (
                      <li key={i}>
                        <code>{v.path || '(body)'}</code> {v.message}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </Row>
      </dl>
      {canManage ? (
        <div className="mt-4 flex flex-wrap gap-2">
          <Button size="sm" disabled={pending || !view.enabled} onClick={() => run(reregisterHubs)}>
            Re-register hubs
          </Button>
          <Button size="sm" disabled={pending || !view.enabled} onClick={() => run(reconcileNow)}>
            Reconcile now
          </Button>
          <Button size="sm" disabled={pending} onClick={issue}>
            {active.length ? 'Rotate listener credentials' : 'Issue listener credentials'}
          </Button>
          <Button size="sm" variant="danger" disabled={pending || active.length === 0} onClick={() => run(revokeListenerCredentialsAction)}>
            Revoke credentials
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
