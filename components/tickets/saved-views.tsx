'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { deleteTicketView, saveTicketView } from '@/lib/actions/tickets';
import type { QueueView } from '@/lib/domain/ticket-queue';
import { cn } from '@/components/ui/class-names';

export function SavedViews({ views, currentSearch }: { views: QueueView[]; currentSearch: string }) {
  const router = useRouter();
  const toast = useToast();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  return (
    <nav aria-label="Saved views" className="flex flex-wrap items-center gap-1.5">
      <Link
        href="/tickets"
        className={cn('rounded-md px-2.5 py-1 text-xs font-medium', currentSearch === '' ? 'bg-accent text-accent-fg' : 'bg-surface-2 text-fg-muted hover:text-fg')}
      >
        Everything
      </Link>
      {views.map((v) => (
        <span key={v.key} className="inline-flex items-center">
          <Link
            href={`/tickets${v.search ? `?${v.search}` : ''}`}
            aria-current={v.search === currentSearch ? 'page' : undefined}
            className={cn(
              'rounded-md px-2.5 py-1 text-xs font-medium',
              v.search === currentSearch ? 'bg-accent text-accent-fg' : 'bg-surface-2 text-fg-muted hover:text-fg',
            )}
          >
            {v.name}
          </Link>
          {!v.builtin ? (
            <button
              type="button"
              aria-label={`Delete view ${v.name}`}
              className="ml-0.5 rounded px-1 text-xs text-fg-subtle hover:text-danger-fg"
              onClick={() =>
                start(async () => {
                  const r = await deleteTicketView({ viewId: Number(v.key.slice('view:'.length)) });
                  if (r.ok) router.refresh();
                  else toast.error(r.message ?? 'Could not delete the view');
                })
              }
            >
              ×
            </button>
          ) : null}
        </span>
      ))}
      <form
        className="ml-2 inline-flex items-center gap-1.5"
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            const r = await saveTicketView({ name, search: currentSearch });
            if (r.ok) {
              setName('');
              setError(null);
              toast.success(r.message ?? 'View saved');
              router.refresh();
            } else setError(r.errors?.name?.[0] ?? r.message ?? 'Could not save');
          });
        }}
      >
        <Input
          aria-label="Name of the view to save"
          placeholder="Save this view as…"
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="h-7 w-44 text-xs"
          aria-invalid={error ? true : undefined}
          title={error ?? undefined}
        />
        <Button size="sm" type="submit" loading={pending} disabled={!name.trim()}>
          Save view
        </Button>
        {error ? <span className="text-xs text-danger-fg">{error}</span> : null}
      </form>
    </nav>
  );
}
