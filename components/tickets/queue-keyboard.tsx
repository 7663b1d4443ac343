'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, type ReactNode } from 'react';
import { isTyping } from '@/components/layout/keyboard-shortcuts';
import { useQueueSelection } from './queue-selection';

/**
 * The queue's triage keys (listed in components/layout/keyboard-shortcuts.ts): `/` focuses the search box; ↑/↓ or
 * k/j move through the rows; x selects the current row; Enter or o opens it; n and a start a note or an acceptance of
 * the selected tickets, or of the current one when none is selected.
 */
export function QueueKeyboard({ children, searchInputId }: { children: ReactNode; searchInputId: string }) {
  const router = useRouter();
  const selection = useQueueSelection();
  const latest = useRef(selection);
  latest.current = selection;
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
    const currentId = (): number | undefined => {
      const id = Number(rows()[index.current]?.dataset.ticketId);
      return index.current >= 0 && Number.isInteger(id) ? id : undefined;
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !isTyping(e.target)) {
        e.preventDefault();
        document.getElementById(searchInputId)?.focus();
        return;
      }
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey || document.querySelector('dialog[open]')) return;
      if (e.key === 'ArrowDown' || e.key === 'j') {
        e.preventDefault();
        select(index.current + 1);
      } else if (e.key === 'ArrowUp' || e.key === 'k') {
        e.preventDefault();
        select(index.current - 1);
      } else if ((e.key === 'Enter' || e.key === 'o') && index.current >= 0) {
        const href = rows()[index.current]?.dataset.href;
        if (href) {
          e.preventDefault();
          router.push(href);
        }
      } else if (e.key === 'x') {
        const id = currentId();
        if (id !== undefined && latest.current) {
          e.preventDefault();
          latest.current.toggle(id);
        }
      } else if (e.key === 'n' || e.key === 'a') {
        if (!latest.current) return;
        e.preventDefault();
        latest.current.start(e.key === 'n' ? 'note' : 'accept', currentId());
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
        if (row && !(e.target as HTMLElement).closest('a,button,input,label')) router.push(row.dataset.href!);
      }}
    >
      {children}
    </div>
  );
}
