'use client';

import { signOut } from 'next-auth/react';
import { useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/components/ui/class-names';

export interface UserMenuProps {
  name: string;
  email: string;
  roleLabel: string;
  organization?: string;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0], parts[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

/** The signed-in user's name and role, opening a small panel with their details and sign-out. */
export function UserMenu({ name, email, roleLabel, organization }: UserMenuProps) {
  const [open, setOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    function onPointer(event: PointerEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    }
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  async function onSignOut() {
    setSigningOut(true);
    // Redirect ourselves: next-auth would build the target from NEXTAUTH_URL, which may name another host. An SSO
    // session is also ended at the provider when the server hands back its end-session address.
    const answer = (await signOut({ redirect: false })) as { endSessionUrl?: unknown } | undefined;
    window.location.assign(typeof answer?.endSessionUrl === 'string' ? answer.endSessionUrl : '/login');
  }

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account: ${name}, ${roleLabel}`}
        onClick={() => setOpen((v) => !v)}
        className="flex h-9 items-center gap-2.5 rounded-md py-1 pr-2 pl-1 text-left transition-colors hover:bg-surface-2"
      >
        {/* The initials are drawn, not written: the button's visible words stay those of its name (WCAG 2.5.3). */}
        <span
          aria-hidden="true"
          data-initials={initials(name)}
          className="flex size-7 items-center justify-center rounded-full bg-accent-soft text-[11px] font-semibold text-accent before:content-[attr(data-initials)]"
        />
        <span className="hidden min-w-0 flex-col leading-tight sm:flex" aria-hidden="true">
          <span data-testid="user-name" className="max-w-44 truncate text-[13px] font-medium text-fg">
            {name}
          </span>{' '}
          <span data-testid="user-role" className="text-[11px] text-fg-muted">
            {roleLabel}
          </span>
        </span>
        <svg viewBox="0 0 16 16" aria-hidden="true" className={cn('size-3.5 text-fg-subtle', open && 'rotate-180')}>
          <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
      <div
        id={panelId}
        hidden={!open}
        className="absolute top-full right-0 z-40 mt-1.5 w-64 rounded-lg border border-border bg-surface-3 p-1.5 shadow-xl"
      >
        <div className="px-2.5 pt-1.5 pb-2.5">
          <p className="truncate text-sm font-medium text-fg">{name}</p>
          <p className="truncate text-xs text-fg-muted">{email}</p>
          <p className="mt-1.5 text-xs text-fg-muted">
            {roleLabel}
            {organization ? ` · ${organization}` : ''}
          </p>
        </div>
        <div className="my-1 h-px bg-border" />
        <button
          type="button"
          onClick={onSignOut}
          disabled={signingOut}
          className="flex h-8 w-full items-center gap-2 rounded-md px-2.5 text-left text-[13px] text-fg transition-colors hover:bg-surface-2 disabled:opacity-60"
        >
          <svg viewBox="0 0 20 20" aria-hidden="true" className="size-4 text-fg-muted" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round">
            <path d="M8 4H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3M12.5 13.5 16 10l-3.5-3.5M16 10H8" />
          </svg>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </div>
  );
}
