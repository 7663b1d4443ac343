'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { cn } from '@/components/ui/class-names';
import { dismissWaitingItem } from '@/lib/actions/notifications';
import type { WaitingItemView } from '@/lib/data/notifications';

const KIND_LABELS: Record<WaitingItemView['kind'], string> = {
  informationRequired: 'Information required',
  appointmentRequired: 'Appointment required',
  clearanceRequested: 'Clearance requested',
  newIncident: 'New incident',
  appointmentChanged: 'Appointment changed',
  slaAtRisk: 'SLA at risk',
  slaBreached: 'SLA breached',
};

function ago(iso: string): string {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} d ago`;
}

/** The "Waiting on you" button and panel. */
export function WaitingOnYouMenu({ items }: { items: WaitingItemView[] }) {
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const dismiss = (id: number) =>
    startTransition(async () => {
      await dismissWaitingItem({ id });
      router.refresh();
    });

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
        className="inline-flex h-8 items-center gap-2 rounded-md px-2.5 text-sm text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
      >
        <span>
          Waiting<span className="max-sm:sr-only"> on you</span>
        </span>
        <span
          data-testid="waiting-count"
          className={cn(
            'inline-flex min-w-5 items-center justify-center rounded-full px-1.5 text-xs font-semibold',
            items.length ? 'bg-warning-bg text-warning-fg' : 'bg-neutral-bg text-neutral-fg',
          )}
        >
          {items.length}
        </span>
      </button>
      {open ? (
        <section
          id={panelId}
          aria-label="Waiting on you"
          className="absolute right-0 z-40 mt-2 w-96 max-w-[calc(100vw-2rem)] rounded-lg border border-border bg-surface-3 shadow-xl"
        >
          {items.length === 0 ? (
            <p className="p-4 text-sm text-fg-muted">Nothing is waiting on you.</p>
          ) : (
            <ul className="max-h-[70vh] divide-y divide-border overflow-y-auto">
              {items.map((item) => (
                <li key={item.id} data-kind={item.kind} className="flex gap-2 p-3">
                  <Link href={item.href} onClick={() => setOpen(false)} className="min-w-0 flex-1 rounded hover:underline">
                    <span className="block text-xs font-medium text-warning-fg">{KIND_LABELS[item.kind]}</span>
                    <span className="block truncate text-sm text-fg">{item.title}</span>
                    {item.detail ? <span className="block truncate text-xs text-fg-muted">{item.detail}</span> : null}
                    <span className="block text-xs text-fg-subtle">
                      {item.sellerName} · {ago(item.openedAt)}
                    </span>
                  </Link>
                  {item.dismissible ? (
                    <button
                      type="button"
                      disabled={pending}
                      onClick={() => dismiss(item.id)}
                      className="self-start rounded px-1.5 text-xs text-fg-muted hover:bg-surface-2 hover:text-fg"
                    >
                      Dismiss
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
