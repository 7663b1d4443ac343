import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from './class-names';

export interface TabNavItem {
  href: string;
  label: ReactNode;
  adornment?: ReactNode;
}

export interface TabNavProps {
  items: readonly TabNavItem[];
  /** The href of the current page (the caller knows its own route). */
  current: string;
  label: string;
  className?: string;
}

/** Tabs that are links to sub-pages: a nav with aria-current, not an ARIA tablist. */
export function TabNav({ items, current, label, className }: TabNavProps) {
  return (
    <nav aria-label={label} className={cn('flex gap-1 border-b border-border max-md:flex-wrap', className)}>
      {items.map((item) => {
        const active = item.href === current;
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={cn(
              '-mb-px inline-flex h-9 items-center gap-2 border-b-2 px-3 text-sm font-medium transition-colors',
              'focus-visible:-outline-offset-2',
              active ? 'border-accent text-fg' : 'border-transparent text-fg-muted hover:text-fg',
            )}
          >
            {item.label}
            {item.adornment}
          </Link>
        );
      })}
    </nav>
  );
}
