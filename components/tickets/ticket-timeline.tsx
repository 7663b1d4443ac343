import { Badge } from '@/components/ui/badge';
import { sourceLabel } from '@/lib/domain/mef-labels';
import { RELATED_OBJECT_LABELS } from '@/lib/domain/ticket-forms';
import type { TimelineEntry } from '@/lib/domain/ticket-timeline';
import { formatBytes, formatDateTime } from './format';
import { StateBadge } from './ticket-badges';
import { externalUrl } from '@/lib/security/external-link';

function Who({ source, author }: { source: string; author?: string }) {
  return (
    <span className="text-xs text-fg-muted">
      <Badge tone={source === 'buyer' ? 'accent' : 'info'}>{sourceLabel(source)}</Badge> {author}
    </span>
  );
}

/** Notes, attachments, state changes and related objects, newest first. Text is rendered as text, never as HTML. */
export function TicketTimeline({ entries, attachmentHref }: { entries: TimelineEntry[]; attachmentHref: (index: number) => string }) {
  if (entries.length === 0) return <p className="text-sm text-fg-muted">Nothing yet.</p>;
  return (
    <ol className="flex flex-col gap-3" aria-label="Timeline">
      {entries.map((e) => (
        <li key={e.key} className="rounded-md border border-border px-3 py-2" data-testid={`timeline-${e.kind}`}>
          <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
            {e.kind === 'note' ? <Who source={e.source} author={e.author} /> : null}
            {e.kind === 'attachment' ? <Who source={e.source} author={e.author} /> : null}
            {e.kind === 'related' ? <Who source={e.source} /> : null}
            {e.kind === 'status' ? (
              <span className="flex items-center gap-2 text-xs text-fg-muted">
                Ticket State → <StateBadge status={e.status} />
              </span>
            ) : null}
            <time className="font-mono text-xs text-fg-subtle" dateTime={e.at}>
              {formatDateTime(e.at)}
            </time>
          </div>
          {e.kind === 'note' ? <p className="text-sm whitespace-pre-wrap text-fg">{e.text}</p> : null}
          {e.kind === 'status' && e.reason ? <p className="text-sm text-fg-muted">{e.reason}</p> : null}
          {e.kind === 'attachment' ? (
            <p className="text-sm">
              📎{' '}
              {e.hasContent || externalUrl(e.url) ? (
                <a href={attachmentHref(e.index)} className="text-accent underline" rel="noopener noreferrer" target={e.hasContent ? undefined : '_blank'}>
                  {e.name}
                </a>
              ) : (
                e.name
              )}{' '}
              <span className="text-xs text-fg-muted">
                {[e.mimeType, formatBytes(e.sizeBytes), e.url && !e.hasContent ? (externalUrl(e.url) ? 'link' : 'link not followed: not http(s)') : ''].filter(Boolean).join(' · ')}
              </span>
              {e.description ? <span className="block text-xs text-fg-muted">{e.description}</span> : null}
            </p>
          ) : null}
          {e.kind === 'related' ? (
            <p className="text-sm">
              Related {RELATED_OBJECT_LABELS[e.referredType as keyof typeof RELATED_OBJECT_LABELS] ?? e.referredType}{' '}
              <span className="font-mono">{e.id}</span> — {e.relationshipType}: {e.description}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
