'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { BulkAction } from '@/lib/domain/bulk-actions';
import { BulkActionDialog, BulkActionsBar, BulkProgressPanel, type BulkRequest, type FinishedRun } from './bulk-actions';

export interface QueueSelectionContext {
  /** Ticket ids of the rows on this page, in order. */
  rowIds: readonly number[];
  selected: ReadonlySet<number>;
  /** Every ticket matching the filter (resolved on the server when the action runs), not only the checked rows. */
  allMatching: boolean;
  total: number;
  /** Checks or unchecks one row; with `range`, every row between the last one clicked and this one follows it. */
  toggle: (id: number, opts?: { range?: boolean; checked?: boolean }) => void;
  setPage: (checked: boolean) => void;
  setAllMatching: (all: boolean) => void;
  clear: () => void;
  /** Opens the confirmation of `action` over the selection, or over `fallbackId` when nothing is selected. */
  start: (action: BulkAction, fallbackId?: number) => void;
  canAct: boolean;
  whyNot: string | null;
}

const Context = createContext<QueueSelectionContext | null>(null);
const RUN_STORAGE_KEY = 'ticket-queue.bulk-run';

export function useQueueSelection(): QueueSelectionContext | null {
  return useContext(Context);
}

export interface QueueSelectionProviderProps {
  rowIds: number[];
  total: number;
  /** The queue's filter as a search string: what "all matching this filter" means. */
  filter: string;
  canAct: boolean;
  whyNot: string | null;
  sellers: { slug: string; name: string }[];
  children: ReactNode;
}

/** Selection state of the queue, the bar of bulk actions, their confirmation and the live progress of the last run. */
export function QueueSelectionProvider({ rowIds, total, filter, canAct, whyNot, sellers, children }: QueueSelectionProviderProps) {
  const [selected, setSelected] = useState<Set<number>>(() => new Set());
  const [allMatching, setAllMatchingState] = useState(false);
  const [request, setRequest] = useState<BulkRequest | null>(null);
  const [run, setRunState] = useState<FinishedRun | null>(null);
  const anchor = useRef<number | null>(null);

  // The last run's progress stays on screen across filter changes and reloads in this tab, until dismissed.
  useEffect(() => {
    try {
      const saved = sessionStorage.getItem(RUN_STORAGE_KEY);
      if (saved) setRunState(JSON.parse(saved) as FinishedRun);
    } catch {
      // Storage unavailable or unreadable: the panel simply starts empty.
    }
  }, []);
  const setRun = useCallback((next: FinishedRun | null) => {
    setRunState(next);
    try {
      if (next) sessionStorage.setItem(RUN_STORAGE_KEY, JSON.stringify(next));
      else sessionStorage.removeItem(RUN_STORAGE_KEY);
    } catch {
      // Storage unavailable: the panel lasts as long as the page.
    }
  }, []);

  const toggle = useCallback(
    (id: number, opts: { range?: boolean; checked?: boolean } = {}) => {
      setAllMatchingState(false);
      // Read the anchor now: the state updater runs later, after the anchor has moved to this row.
      const from = anchor.current === null ? -1 : rowIds.indexOf(anchor.current);
      const to = rowIds.indexOf(id);
      const span = opts.range && from >= 0 && to >= 0 ? rowIds.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
      setSelected((prev) => {
        const next = new Set(prev);
        const checked = opts.checked ?? !prev.has(id);
        for (const rowId of span) {
          if (checked) next.add(rowId);
          else next.delete(rowId);
        }
        return next;
      });
      anchor.current = id;
    },
    [rowIds],
  );
  const setPage = useCallback(
    (checked: boolean) => {
      setAllMatchingState(false);
      setSelected((prev) => {
        const next = new Set(prev);
        for (const id of rowIds) {
          if (checked) next.add(id);
          else next.delete(id);
        }
        return next;
      });
    },
    [rowIds],
  );
  const clear = useCallback(() => {
    setSelected(new Set());
    setAllMatchingState(false);
    anchor.current = null;
  }, []);
  const setAllMatching = useCallback(
    (all: boolean) => {
      setAllMatchingState(all);
      if (all) setSelected(new Set(rowIds));
    },
    [rowIds],
  );
  const start = useCallback(
    (action: BulkAction, fallbackId?: number) => {
      if (!canAct) return;
      if (allMatching) return setRequest({ action, scope: 'filter', filter, ticketIds: [] });
      const ids = selected.size ? [...selected] : fallbackId !== undefined ? [fallbackId] : [];
      if (ids.length === 0) return;
      setRequest({ action, scope: 'selected', filter, ticketIds: ids });
    },
    [allMatching, canAct, filter, selected],
  );

  const value = useMemo<QueueSelectionContext>(
    () => ({ rowIds, selected, allMatching, total, toggle, setPage, setAllMatching, clear, start, canAct, whyNot }),
    [rowIds, selected, allMatching, total, toggle, setPage, setAllMatching, clear, start, canAct, whyNot],
  );

  return (
    <Context.Provider value={value}>
      {canAct ? <BulkActionsBar selection={value} /> : null}
      {run ? <BulkProgressPanel run={run} onDismiss={() => setRun(null)} /> : null}
      {children}
      {request ? (
        <BulkActionDialog
          request={request}
          sellers={sellers}
          onClose={() => setRequest(null)}
          onStarted={(finished) => {
            setRequest(null);
            setRun(finished);
            clear();
          }}
        />
      ) : null}
    </Context.Provider>
  );
}

/** The checkbox of one queue row (shift-click selects a range). */
export function RowCheckbox({ id, externalId }: { id: number; externalId: string }) {
  const selection = useQueueSelection();
  if (!selection?.canAct) return null;
  return (
    <input
      type="checkbox"
      aria-label={`Select ${externalId}`}
      data-testid="row-select"
      className="size-4 cursor-pointer accent-accent"
      checked={selection.allMatching || selection.selected.has(id)}
      onChange={() => undefined}
      onClick={(e) => {
        e.stopPropagation();
        selection.toggle(id, { range: e.shiftKey, checked: e.currentTarget.checked });
      }}
    />
  );
}

/** The header checkbox: every row of this page. */
export function SelectPageCheckbox() {
  const selection = useQueueSelection();
  if (!selection?.canAct) return null;
  const { rowIds, selected, allMatching } = selection;
  const all = allMatching || (rowIds.length > 0 && rowIds.every((id) => selected.has(id)));
  const some = !all && rowIds.some((id) => selected.has(id));
  return (
    <input
      type="checkbox"
      aria-label="Select every ticket on this page"
      data-testid="select-page"
      className="size-4 cursor-pointer accent-accent"
      checked={all}
      ref={(el) => {
        if (el) el.indeterminate = some;
      }}
      onChange={(e) => selection.setPage(e.currentTarget.checked)}
    />
  );
}
