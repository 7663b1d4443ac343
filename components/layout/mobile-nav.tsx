'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/components/ui/class-names';
import { useNarrowScreen } from '@/components/ui/use-narrow-screen';
import { LogoMark } from './logo-mark';
import { NavIcon } from './nav-icons';
import { isActiveHref, type SidebarItem } from './sidebar';

/**
 * Below the tablet width the sidebar gives way to this menu button and a drawer. The drawer is a modal <dialog>:
 * the browser traps focus in it, makes the page behind inert and closes it on Escape.
 */
export function MobileNav({ items }: { items: readonly SidebarItem[] }) {
  const pathname = usePathname() ?? '';
  const [open, setOpen] = useState(false);
  const drawerId = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[aria-current="page"], a')?.focus();
    }
    if (!open && dialog.open) {
      dialog.close();
      buttonRef.current?.focus();
    }
  }, [open]);

  const narrow = useNarrowScreen();

  // A navigation that did not come from a click in the drawer (back button) closes it as well, and so does a screen
  // grown past the tablet width, where the sidebar is back and a hidden modal would leave the page inert.
  useEffect(() => setOpen(false), [pathname, narrow]);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={drawerId}
        aria-label="Menu"
        onClick={() => setOpen(true)}
        className="-ml-1.5 inline-flex size-11 shrink-0 items-center justify-center rounded-md text-fg-muted hover:bg-surface-2 hover:text-fg md:hidden"
      >
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
          <path d="M3.5 5.5h13M3.5 10h13M3.5 14.5h13" />
        </svg>
      </button>
      <dialog
        ref={dialogRef}
        id={drawerId}
        aria-label="Navigation"
        onCancel={(event) => {
          event.preventDefault();
          setOpen(false);
        }}
        onClick={(event) => {
          if (event.target === dialogRef.current) setOpen(false);
        }}
        className="fixed inset-y-0 left-0 m-0 h-dvh max-h-none w-72 max-w-[85vw] border-r border-border bg-surface p-0 text-fg shadow-2xl md:hidden"
      >
        <div className="flex h-full flex-col">
          <div className="flex h-13 shrink-0 items-center justify-between gap-2.5 border-b border-border pr-2 pl-4">
            <div className="flex min-w-0 items-center gap-2.5">
              <LogoMark />
              <p className="truncate text-sm font-semibold">Buyer portal</p>
            </div>
            <button
              type="button"
              onClick={() => setOpen(false)}
              aria-label="Close menu"
              className="inline-flex size-11 items-center justify-center rounded-md text-fg-subtle hover:bg-surface-2 hover:text-fg"
            >
              <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4">
                <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
              </svg>
            </button>
          </div>
          <nav aria-label="Main" className="flex-1 overflow-y-auto px-2 py-3">
            <ul className="flex flex-col gap-1">
              {items.map((item) => {
                const active = isActiveHref(pathname, item.href);
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? 'page' : undefined}
                      onClick={() => setOpen(false)}
                      className={cn(
                        'flex h-11 items-center gap-3 rounded-md px-3 text-sm font-medium transition-colors focus-visible:-outline-offset-2',
                        active ? 'bg-accent-soft text-fg' : 'text-fg-muted hover:bg-surface-2 hover:text-fg',
                      )}
                    >
                      <span className={active ? 'text-accent' : undefined}>
                        <NavIcon href={item.href} />
                      </span>
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
        </div>
      </dialog>
    </>
  );
}
