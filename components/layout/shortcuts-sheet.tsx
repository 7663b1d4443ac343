'use client';

import { useEffect, useState } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { isTyping, SHORTCUT_GROUPS } from './keyboard-shortcuts';

/** `?` anywhere in the portal (outside text fields) opens the list of every shortcut. */
export function ShortcutsSheet() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setOpen(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Dialog open={open} onClose={() => setOpen(false)} title="Keyboard shortcuts" description="Keys are ignored while you type in a field." size="md">
      <div className="flex flex-col gap-4" data-testid="shortcuts-sheet">
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.where}>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-fg-muted uppercase">{group.where}</h3>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
              {group.shortcuts.map((s) => (
                <div key={s.what} className="contents">
                  <dt className="flex gap-1">
                    {s.keys.map((k) => (
                      <kbd key={k} className="rounded border border-border-strong bg-surface-2 px-1.5 font-mono text-xs">
                        {k}
                      </kbd>
                    ))}
                  </dt>
                  <dd className="text-fg">{s.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
