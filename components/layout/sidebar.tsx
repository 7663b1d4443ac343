'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { cn } from '@/components/ui/class-names';
import { LogoMark } from './logo-mark';
import { NavIcon } from './nav-icons';
import { preferenceCookie, SIDEBAR_COOKIE } from './theme';

export interface SidebarItem {
  href: string;
  label: string;
}

export interface SidebarProps {
  /** What the user's role may open, in order (navigationFor(role)). */
  items: readonly SidebarItem[];
  initialCollapsed: boolean;
}

const ADMIN_HREFS = new Set(['/settings']);

export function isActiveHref(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Sidebar({ items, initialCollapsed }: SidebarProps) {
  const pathname = usePathname() ?? '';
  const [collapsed, setCollapsed] = useState(initialCollapsed);
  const work = items.filter((i) => !ADMIN_HREFS.has(i.href));
  const admin = items.filter((i) => ADMIN_HREFS.has(i.href));

  function toggle() {
    const next = !collapsed;
    setCollapsed(next);
    document.cookie = preferenceCookie(SIDEBAR_COOKIE, next ? 'collapsed' : 'expanded');
  }

  function renderItem(item: SidebarItem) {
    const active = isActiveHref(pathname, item.href);
    return (
      <li key={item.href}>
        <Link
          href={item.href}
          aria-current={active ? 'page' : undefined}
          title={collapsed ? item.label : undefined}
          className={cn(
            'group relative flex h-8 items-center gap-2.5 rounded-md px-2 text-[13px] font-medium transition-colors',
            'focus-visible:-outline-offset-2',
            active ? 'bg-accent-soft text-fg' : 'text-fg-muted hover:bg-surface-2 hover:text-fg',
            collapsed && 'justify-center px-0',
          )}
        >
          {active ? (
            <span aria-hidden="true" className="absolute top-1.5 bottom-1.5 -left-2 w-[3px] rounded-r bg-accent" />
          ) : null}
          <span className={active ? 'text-accent' : undefined}>
            <NavIcon href={item.href} />
          </span>
          <span className={collapsed ? 'sr-only' : 'truncate'}>{item.label}</span>
        </Link>
      </li>
    );
  }

  return (
    <aside
      data-collapsed={collapsed || undefined}
      className={cn(
        'flex h-dvh shrink-0 flex-col border-r border-border bg-surface transition-[width] duration-150',
        collapsed ? 'w-14' : 'w-56',
      )}
    >
      <div className={cn('flex h-13 shrink-0 items-center gap-2.5 border-b border-border', collapsed ? 'justify-center' : 'px-4')}>
        <LogoMark />
        {collapsed ? (
          <span className="sr-only">Buyer portal</span>
        ) : (
          <div className="min-w-0 leading-tight">
            <p className="truncate text-sm font-semibold">Buyer portal</p>
            <p className="truncate text-[11px] text-fg-subtle">Trouble tickets · MEF Sonata</p>
          </div>
        )}
      </div>

      <nav aria-label="Main" className="flex-1 overflow-x-hidden overflow-y-auto px-2 py-3">
        <ul className="flex flex-col gap-0.5">{work.map(renderItem)}</ul>
        {admin.length > 0 ? (
          <>
            <p
              aria-hidden="true"
              className={cn(
                'mt-5 mb-1.5 px-2 text-[11px] font-medium tracking-wider text-fg-subtle uppercase',
                collapsed && 'sr-only',
              )}
            >
              Administration
            </p>
            {collapsed ? <div aria-hidden="true" className="mx-2 mt-3 mb-2 h-px bg-border" /> : null}
            <ul className="flex flex-col gap-0.5">{admin.map(renderItem)}</ul>
          </>
        ) : null}
      </nav>

      <div className="shrink-0 border-t border-border p-2">
        <button
          type="button"
          onClick={toggle}
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Expand navigation' : 'Collapse navigation'}
          title={collapsed ? 'Expand navigation' : undefined}
          className={cn(
            'flex h-8 w-full items-center gap-2.5 rounded-md px-2 text-[13px] text-fg-subtle transition-colors',
            'hover:bg-surface-2 hover:text-fg focus-visible:-outline-offset-2',
            collapsed && 'justify-center px-0',
          )}
        >
          <svg viewBox="0 0 20 20" aria-hidden="true" className={cn('size-[18px] shrink-0', collapsed && 'rotate-180')}>
            <path
              d="M12 5l-5 5 5 5M16 4v12"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          {collapsed ? null : <span>Collapse</span>}
        </button>
      </div>
    </aside>
  );
}
