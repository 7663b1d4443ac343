'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, type ReactNode } from 'react';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** `/` focuses the search box; ↑/↓ or k/j move through the rows; Enter opens the selected ticket. */
export function QueueKeyboard({ children, searchInputId }: { children: ReactNode; searchInputId: string }) {
  const router = useRouter();
  const box = useRef<HTMLDivElement>(null);
  const index = useRef(-1);

  useEffect(() => {
    const rows = () => Array.from(box.current?.querySelectorAll<HTMLTableRowElement>('tr[data-href]') ?? []);
    const select = (i: number) => {
      const list = rows();
      if (list.length === 0) return;
      index.current = Math.max(0, Math.min(list.length - 1, i));
      list.forEach((row, n) => row.setAttribute('aria-selected', n === index.current ? 'true' : 'false'));
      list[index.current]?.scrollIntoView({ block: 'nearest' });
      list[index.current]?.focus();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !typing(e.target)) {
        e.preventDefault();
        document.getElementById(searchInputId)?.focus();
        return;
      }
      if (typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'ArrowDown' || e.key === 'j') {
        e.preventDefault();
        select(index.current + 1);
      } else if (e.key === 'ArrowUp' || e.key === 'k') {
        e.preventDefault();
        select(index.current - 1);
      } else if (e.key === 'Enter' && index.current >= 0) {
        const href = rows()[index.current]?.dataset.href;
        if (href) {
          e.preventDefault();
          router.push(href);
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [router, searchInputId]);

  return (
    <div
      ref={box}
      onClick={(e) => {
        const row = (e.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-href]');
        if (row && !(e.target as HTMLElement).closest('a,button')) router.push(row.dataset.href!);
      }}
    >
      {children}
    </div>
  );
}
